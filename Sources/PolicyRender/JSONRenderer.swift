import PolicyDiff
import PolicyModel

/// Any `Encodable` value as pretty JSON with sorted keys, so the output is byte-identical run to run.
///
/// A small encoder of our own rather than Foundation's `JSONEncoder`, which took over a second for the
/// 2 MB ChangeSet of a 10 MB diff; this one writes straight into bytes.
public enum JSONRenderer {
    public static func render(_ value: some Encodable) throws -> String {
        String(decoding: try bytes(value), as: UTF8.self)
    }

    public static func bytes(_ value: some Encodable) throws -> [UInt8] {
        let encoder = TreeEncoder()
        try value.encode(to: encoder)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        encoder.root.write(to: &out, indent: 0)
        out.append(0x0A)
        return out
    }
}

/// Nodes handed to other threads once complete: from then on they are only read.
private struct SharedNodes: @unchecked Sendable {
    let nodes: [JSONNode]
}

/// The changes of a long diff, encoded apart on every core.
private func encodedConcurrently(_ changes: [Change]) throws -> [JSONNode] {
    let chunks = Array(changes.indices).concurrentChunks(of: JSONNode.longArray / 2) { indices in
        [Result { SharedNodes(nodes: try indices.map { try TreeEncoder.node(for: changes[$0]) }) }]
    }
    return try chunks.flatMap { try $0.get().nodes }
}

/// The JSON being built: objects keep their keys until written, then sort them.
private final class JSONNode {
    enum Value {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([JSONNode])
        case object([(String, JSONNode)])
    }

    var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func write(to out: inout [UInt8], indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): Self.writeString(text, to: &out)
        case .array(let items):
            guard !items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(contentsOf: "[\n".utf8)
            if items.count >= Self.longArray {
                // The changes of a long diff: written in chunks on every core, then joined.
                let shared = SharedNodes(nodes: items)
                out += Array(items.indices).concurrentChunks(of: Self.longArray / 2) { indices in
                    var chunk: [UInt8] = []
                    for index in indices { shared.nodes[index].writeItem(index, of: shared.nodes.count, to: &chunk, indent: indent) }
                    return chunk
                }
            } else {
                for (index, item) in items.enumerated() { item.writeItem(index, of: items.count, to: &out, indent: indent) }
            }
            Self.pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let entries):
            guard !entries.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(contentsOf: "{\n".utf8)
            let sorted = entries.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            for (index, (key, node)) in sorted.enumerated() {
                Self.pad(indent + 1, &out)
                Self.writeString(key, to: &out)
                out.append(contentsOf: " : ".utf8)
                node.write(to: &out, indent: indent + 1)
                out.append(contentsOf: (index == sorted.count - 1 ? "\n" : ",\n").utf8)
            }
            Self.pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Arrays at least this long are encoded and written on every core.
    static let longArray = 512

    private func writeItem(_ index: Int, of count: Int, to out: inout [UInt8], indent: Int) {
        Self.pad(indent + 1, &out)
        write(to: &out, indent: indent + 1)
        out.append(contentsOf: (index == count - 1 ? "\n" : ",\n").utf8)
    }

    private static func pad(_ indent: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0x20, count: indent * 2))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Runs that need no escape (nearly all of a policy's text) are copied whole.
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0x7F else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

private final class TreeEncoder: Encoder {
    /// Always empty, here and in the containers: nothing policyc encodes reads it, and extending it
    /// cost an array for every value.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] = [:]
    let root: JSONNode

    init(root: JSONNode = JSONNode(.null)) {
        self.root = root
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = root.value {} else { root.value = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: root))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = root.value {} else { root.value = .array([]) }
        return UnkeyedContainer(node: root)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: root)
    }

    /// Encodes a value into a new node: primitives directly, everything else through its `encode(to:)`.
    static func node(for value: some Encodable) throws -> JSONNode {
        switch value {
        case let text as String: return JSONNode(.string(text))
        case let flag as Bool: return JSONNode(.bool(flag))
        case let number as Int: return JSONNode(.number(String(number)))
        case let number as Double: return JSONNode(.number(number.isFinite ? "\(number)" : "null"))
        case let changes as [Change] where changes.count >= JSONNode.longArray:
            return JSONNode(.array(try encodedConcurrently(changes)))
        default:
            let encoder = TreeEncoder()
            try value.encode(to: encoder)
            return encoder.root
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    var codingPath: [any CodingKey] { [] }

    private func append(_ key: Key, _ child: JSONNode) {
        guard case .object(var entries) = node.value else { return }
        node.value = .null  // keep the array uniquely referenced while appending
        entries.removeAll { $0.0 == key.stringValue }
        entries.append((key.stringValue, child))
        node.value = .object(entries)
    }

    mutating func encodeNil(forKey key: Key) throws { append(key, JSONNode(.null)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        append(key, try TreeEncoder.node(for: value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                         forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode(.object([]))
        append(key, child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = JSONNode(.array([]))
        append(key, child)
        return UnkeyedContainer(node: child)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = JSONNode(.null)
        append(key, child)
        return TreeEncoder(root: child)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    var codingPath: [any CodingKey] { [] }
    var count: Int {
        if case .array(let items) = node.value { return items.count }
        return 0
    }

    private func append(_ child: JSONNode) {
        guard case .array(var items) = node.value else { return }
        node.value = .null
        items.append(child)
        node.value = .array(items)
    }

    mutating func encodeNil() throws { append(JSONNode(.null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try TreeEncoder.node(for: value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode(.object([]))
        append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = JSONNode(.array([]))
        append(child)
        return UnkeyedContainer(node: child)
    }

    mutating func superEncoder() -> any Encoder {
        let child = JSONNode(.null)
        append(child)
        return TreeEncoder(root: child)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: JSONNode
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { node.value = .null }
    mutating func encode(_ value: Bool) throws { node.value = .bool(value) }
    mutating func encode(_ value: String) throws { node.value = .string(value) }
    mutating func encode(_ value: Double) throws { node.value = .number(value.isFinite ? "\(value)" : "null") }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { node.value = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { try encode(Int(value)) }
    mutating func encode(_ value: UInt) throws { node.value = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { try encode(UInt(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.value = try TreeEncoder.node(for: value).value
    }
}
