import Dispatch

/// The one JSON writer: any `Encodable` value with its keys in byte order, byte-identical run to run.
/// `.pretty`, for what policyc prints and the files it keeps: two-space indentation, `"key" : value`,
/// `[]` and `{}` when empty. `.compact`, for JSON Lines, provider bodies and the ledger: one line.
///
/// Our own rather than Foundation's `JSONEncoder`: the 2.2 MB of changes of a 10 MB diff took 15 ms
/// of CPU here against 41–45 ms, the 40 MB of a 10 MB policy's `parse` 0.85 s against 1.06 s
/// (release builds, `POLICYC_TRACE=1`). Long arrays are written in chunks on every core, and a list a
/// `JSONDirectWriter` claims (a diff's changes, `PolicyRender`) skips `Encodable` altogether.
public enum JSONWriter {
    public enum Style: Sendable {
        case pretty, compact
    }

    public static func bytes(_ value: some Encodable, style: Style = .pretty,
                             direct: (any JSONDirectWriter)? = nil) throws -> [UInt8] {
        let encoder = TreeEncoder(root: JSONNode(.null), direct: style == .pretty ? direct : nil)
        try value.encode(to: encoder)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        switch style {
        case .pretty:
            encoder.root.write(to: &out, indent: 0)
            out.append(0x0A)
        case .compact:
            encoder.root.writeCompact(to: &out)
        }
        return out
    }

    public static func string(_ value: some Encodable, style: Style = .pretty) throws -> String {
        String(decoding: try bytes(value, style: style), as: UTF8.self)
    }

    /// Two-space indentation `indent` levels deep, for writers of items (`JSONItems`).
    public static func pad(_ indent: Int, _ out: inout [UInt8]) {
        JSONNode.pad(indent, &out)
    }
}

/// Lists whose items write themselves, pretty, straight into bytes: a diff's changes, each through
/// containers and a node tree some 80,000 instructions, are most of its JSON.
public protocol JSONItems: Sendable {
    var count: Int { get }
    /// Writes item `index`, its first line already indented to `indent` and its others indented by it.
    func write(_ index: Int, indent: Int, to out: inout [UInt8])
}

/// Claims the values whose JSON is written by `JSONItems` rather than by their `Encodable` conformance.
/// Generic, so that asking costs no boxing of the value; a class, so that the encoder and each of its
/// containers hold it as one reference.
public protocol JSONDirectWriter: AnyObject, Sendable {
    func items<Value: Encodable>(_ value: Value) -> (any JSONItems)?
}

/// Nodes handed to other threads once complete.
/// Unchecked: nodes are classes the encoder mutates, but only before writing starts; writers only read.
private struct SharedNodes: @unchecked Sendable {
    let nodes: [JSONNode]
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
        /// Written by its items, not through nodes (`JSONDirectWriter`). Boxed: an existential payload
        /// made every copy of every node's value go through witness calls (14% more instructions
        /// for a 1 MB policy's `parse`); a box is one reference, like the other payloads.
        case items(ItemsBox)
    }

    final class ItemsBox {
        let items: any JSONItems

        init(_ items: any JSONItems) {
            self.items = items
        }
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
        case .string(let text): JSONText.appendString(text, to: &out)
        case .array(let items):
            let shared = SharedNodes(nodes: items)
            Self.writeList(count: items.count, indent: indent, to: &out) { index, chunk in
                shared.nodes[index].writeItem(index, of: shared.nodes.count, to: &chunk, indent: indent)
            }
        case .items(let box):
            let items = box.items
            Self.writeList(count: items.count, indent: indent, to: &out) { index, chunk in
                Self.pad(indent + 1, &chunk)
                items.write(index, indent: indent + 1, to: &chunk)
                chunk.append(contentsOf: (index == items.count - 1 ? "\n" : ",\n").utf8)
            }
        case .object(let entries):
            guard !entries.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(contentsOf: "{\n".utf8)
            let sorted = Self.sortedKeepingLast(entries)
            for (index, (key, node)) in sorted.enumerated() {
                Self.pad(indent + 1, &out)
                JSONText.appendString(key, to: &out)
                out.append(contentsOf: " : ".utf8)
                node.write(to: &out, indent: indent + 1)
                out.append(contentsOf: (index == sorted.count - 1 ? "\n" : ",\n").utf8)
            }
            Self.pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// One line: `[1,2]`, `{"a":1}`. Compact JSON is small (a line, a request body): written in order.
    func writeCompact(to out: inout [UInt8]) {
        switch value {
        case .null, .bool, .number, .string: write(to: &out, indent: 0)
        case .items:
            preconditionFailure("direct lists are written pretty only")
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCompact(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let entries):
            out.append(UInt8(ascii: "{"))
            for (index, (key, node)) in Self.sortedKeepingLast(entries).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                node.writeCompact(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Arrays at least this long are written in chunks on every core, then joined.
    static let longArray = 512

    /// `[`, each item on its own line (`item` writes item `index`), `]`; `[]` when empty.
    private static func writeList(count: Int, indent: Int, to out: inout [UInt8],
                                  item: @Sendable (_ index: Int, _ chunk: inout [UInt8]) -> Void) {
        guard count > 0 else { return out.append(contentsOf: "[]".utf8) }
        out.append(contentsOf: "[\n".utf8)
        if count >= longArray {
            out += Array(0..<count).concurrentChunks(of: longArray / 2) { indices in
                var chunk: [UInt8] = []
                for index in indices { item(index, &chunk) }
                return chunk
            }
        } else {
            for index in 0..<count { item(index, &out) }
        }
        pad(indent, &out)
        out.append(UInt8(ascii: "]"))
    }

    private func writeItem(_ index: Int, of count: Int, to out: inout [UInt8], indent: Int) {
        Self.pad(indent + 1, &out)
        write(to: &out, indent: indent + 1)
        out.append(contentsOf: (index == count - 1 ? "\n" : ",\n").utf8)
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    static func pad(_ indent: Int, _ out: inout [UInt8]) {
        var count = indent * 2
        while count > 0 {
            let run = min(count, spaces.count)
            out.append(contentsOf: spaces[..<run])
            count -= run
        }
    }

    /// Entries in byte order of their keys; of a key given twice, the last value. (The sort is
    /// stable, so the last of equal keys is the last of its run.)
    private static func sortedKeepingLast(_ entries: [(String, JSONNode)]) -> [(String, JSONNode)] {
        let sorted = entries.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        guard sorted.indices.dropFirst().contains(where: { sorted[$0 - 1].0 == sorted[$0].0 }) else { return sorted }
        var kept: [(String, JSONNode)] = []
        for entry in sorted {
            if let last = kept.last, last.0 == entry.0 { kept[kept.count - 1] = entry } else { kept.append(entry) }
        }
        return kept
    }
}

private final class TreeEncoder: Encoder {
    /// Always empty, here and in the containers: nothing policyc encodes reads it, and extending it
    /// cost an array for every value.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] = [:]
    let root: JSONNode
    let direct: (any JSONDirectWriter)?

    init(root: JSONNode = JSONNode(.null), direct: (any JSONDirectWriter)?) {
        self.root = root
        self.direct = direct
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = root.value {} else { root.value = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: root, direct: direct))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = root.value {} else { root.value = .array([]) }
        return UnkeyedContainer(node: root, direct: direct)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: root, direct: direct)
    }

    /// Encodes a value into a new node: primitives directly, lists `direct` claims as their items,
    /// everything else through its `encode(to:)`.
    static func node(for value: some Encodable, direct: (any JSONDirectWriter)?) throws -> JSONNode {
        switch value {
        case let text as String: return JSONNode(.string(text))
        case let flag as Bool: return JSONNode(.bool(flag))
        case let number as Int: return JSONNode(.number(String(number)))
        case let number as Double: return JSONNode(.number(number.isFinite ? "\(number)" : "null"))
        default:
            if let items = direct?.items(value) { return JSONNode(.items(JSONNode.ItemsBox(items))) }
            let encoder = TreeEncoder(direct: direct)
            try value.encode(to: encoder)
            return encoder.root
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let direct: (any JSONDirectWriter)?
    var codingPath: [any CodingKey] { [] }

    /// A key encoded twice keeps its last value; the earlier one is dropped when the object is written.
    private func append(_ key: Key, _ child: JSONNode) {
        guard case .object(var entries) = node.value else { return }
        node.value = .null  // keep the array uniquely referenced while appending
        entries.append((key.stringValue, child))
        node.value = .object(entries)
    }

    mutating func encodeNil(forKey key: Key) throws { append(key, JSONNode(.null)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        append(key, try TreeEncoder.node(for: value, direct: direct))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                         forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode(.object([]))
        append(key, child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, direct: direct))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = JSONNode(.array([]))
        append(key, child)
        return UnkeyedContainer(node: child, direct: direct)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = JSONNode(.null)
        append(key, child)
        return TreeEncoder(root: child, direct: direct)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let direct: (any JSONDirectWriter)?
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
        append(try TreeEncoder.node(for: value, direct: direct))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode(.object([]))
        append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, direct: direct))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = JSONNode(.array([]))
        append(child)
        return UnkeyedContainer(node: child, direct: direct)
    }

    mutating func superEncoder() -> any Encoder {
        let child = JSONNode(.null)
        append(child)
        return TreeEncoder(root: child, direct: direct)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let direct: (any JSONDirectWriter)?
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
        node.value = try TreeEncoder.node(for: value, direct: direct).value
    }
}
