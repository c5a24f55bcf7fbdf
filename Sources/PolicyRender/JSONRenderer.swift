import PolicyDiff
import PolicyModel

/// Any `Encodable` value as pretty JSON with sorted keys, so the output is byte-identical run to run.
///
/// A small encoder of our own rather than Foundation's `JSONEncoder`, which took over a second for the
/// 2 MB ChangeSet of a 10 MB diff; this one writes straight into bytes, and lists of changes skip
/// `Encodable` altogether (`ChangeWriter`).
public enum JSONRenderer {
    public static func render(_ value: some Encodable) throws -> String {
        String(decoding: try bytes(value), as: UTF8.self)
    }

    public static func bytes(_ value: some Encodable) throws -> [UInt8] {
        try bytes(value, writingChangesDirectly: true)
    }

    /// `writingChangesDirectly: false` takes every change through `Encodable`, as tests need to hold
    /// the direct writer (`ChangeWriter`) to it.
    static func bytes(_ value: some Encodable, writingChangesDirectly: Bool) throws -> [UInt8] {
        let encoder = TreeEncoder(root: JSONNode(.null), writingChangesDirectly: writingChangesDirectly)
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

/// The JSON being built: objects keep their keys until written, then sort them.
private final class JSONNode {
    enum Value {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([JSONNode])
        case object([(String, JSONNode)])
        /// Written by `ChangeWriter`, not through nodes: most of a diff's JSON, at a fraction of the cost.
        case changes([Change])
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
            let shared = SharedNodes(nodes: items)
            Self.writeList(count: items.count, indent: indent, to: &out) { index, chunk in
                shared.nodes[index].writeItem(index, of: shared.nodes.count, to: &chunk, indent: indent)
            }
        case .changes(let changes):
            Self.writeList(count: changes.count, indent: indent, to: &out) { index, chunk in
                ChangeWriter.writeItem(changes[index], last: index == changes.count - 1, indent: indent + 1, to: &chunk)
            }
        case .object(let entries):
            guard !entries.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(contentsOf: "{\n".utf8)
            let sorted = Self.sortedKeepingLast(entries)
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
    let writingChangesDirectly: Bool

    init(root: JSONNode = JSONNode(.null), writingChangesDirectly: Bool = true) {
        self.root = root
        self.writingChangesDirectly = writingChangesDirectly
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = root.value {} else { root.value = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: root, direct: writingChangesDirectly))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = root.value {} else { root.value = .array([]) }
        return UnkeyedContainer(node: root, direct: writingChangesDirectly)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: root, direct: writingChangesDirectly)
    }

    /// Encodes a value into a new node: primitives directly, lists of changes for `ChangeWriter`,
    /// everything else through its `encode(to:)`.
    static func node(for value: some Encodable, writingChangesDirectly direct: Bool) throws -> JSONNode {
        switch value {
        case let text as String: return JSONNode(.string(text))
        case let flag as Bool: return JSONNode(.bool(flag))
        case let number as Int: return JSONNode(.number(String(number)))
        case let number as Double: return JSONNode(.number(number.isFinite ? "\(number)" : "null"))
        case let changes as [Change] where direct:
            return JSONNode(.changes(changes))
        default:
            let encoder = TreeEncoder(writingChangesDirectly: direct)
            try value.encode(to: encoder)
            return encoder.root
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let direct: Bool
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
        append(key, try TreeEncoder.node(for: value, writingChangesDirectly: direct))
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
        return TreeEncoder(root: child, writingChangesDirectly: direct)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let direct: Bool
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
        append(try TreeEncoder.node(for: value, writingChangesDirectly: direct))
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
        return TreeEncoder(root: child, writingChangesDirectly: direct)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let direct: Bool
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
        node.value = try TreeEncoder.node(for: value, writingChangesDirectly: direct).value
    }
}

/// A change as `Change`'s `Encodable` conformance and `JSONNode` would write it, straight into bytes:
/// keys in byte order, absent optionals left out. A diff's JSON is nearly all changes, and through
/// nodes each one cost some 80,000 instructions of containers, casts and sorting. Held byte for
/// byte to the `Encodable` path on the corpus's diffs by `JSONRendererTests`.
private enum ChangeWriter {
    static func writeItem(_ change: Change, last: Bool, indent: Int, to out: inout [UInt8]) {
        JSONNode.pad(indent, &out)
        write(change, indent: indent, to: &out)
        out.append(contentsOf: (last ? "\n" : ",\n").utf8)
    }

    private static func write(_ change: Change, indent: Int, to out: inout [UInt8]) {
        var object = Object(indent: indent)
        object.string("fingerprint", change.fingerprint, to: &out)
        object.string("kind", change.kind.rawValue, to: &out)
        if let new = change.new {
            object.key("new", to: &out)
            position(new, indent: indent + 1, to: &out)
        }
        if let newText = change.newText { object.string("newText", newText, to: &out) }
        if let old = change.old {
            object.key("old", to: &out)
            position(old, indent: indent + 1, to: &out)
        }
        if let oldText = change.oldText { object.string("oldText", oldText, to: &out) }
        if let override = change.override {
            object.key("override", to: &out)
            var inner = Object(indent: indent + 1)
            inner.string("fingerprint", override.fingerprint, to: &out)
            inner.string("reason", override.reason, to: &out)
            inner.string("tier", override.tier.rawValue, to: &out)
            inner.close(&out)
        }
        object.key("reasons", to: &out)
        list(change.reasons, indent: indent + 1, to: &out) { reason, inner, out in
            inner.string("detail", reason.detail, to: &out)
            inner.string("rule", reason.rule, to: &out)
            inner.string("summary", reason.summary, to: &out)
        }
        object.string("subject", change.subject.rawValue, to: &out)
        object.string("tier", change.tier.rawValue, to: &out)
        if let words = change.words {
            object.key("words", to: &out)
            list(words, indent: indent + 1, to: &out) { run, inner, out in
                inner.string("op", run.operation.rawValue, to: &out)
                inner.string("text", run.text, to: &out)
            }
        }
        object.close(&out)
    }

    private static func position(_ position: Position, indent: Int, to out: inout [UInt8]) {
        var object = Object(indent: indent)
        object.string("id", position.id, to: &out)
        if let line = position.line {
            object.key("line", to: &out)
            out.append(contentsOf: String(line).utf8)
        }
        if let section = position.section { object.string("section", section, to: &out) }
        if let heading = position.sectionHeading { object.string("sectionHeading", heading, to: &out) }
        object.close(&out)
    }

    private static func list<Element>(_ elements: [Element], indent: Int, to out: inout [UInt8],
                                      _ fields: (Element, inout Object, inout [UInt8]) -> Void) {
        guard !elements.isEmpty else { return out.append(contentsOf: "[]".utf8) }
        out.append(contentsOf: "[\n".utf8)
        for (index, element) in elements.enumerated() {
            JSONNode.pad(indent + 1, &out)
            var object = Object(indent: indent + 1)
            fields(element, &object, &out)
            object.close(&out)
            out.append(contentsOf: (index == elements.count - 1 ? "\n" : ",\n").utf8)
        }
        JSONNode.pad(indent, &out)
        out.append(UInt8(ascii: "]"))
    }

    /// An object being written: `{`, then each key on its own line, then `}` (`{}` when it has none).
    private struct Object {
        let indent: Int
        private var count = 0

        init(indent: Int) {
            self.indent = indent
        }

        mutating func key(_ name: StaticString, to out: inout [UInt8]) {
            out.append(contentsOf: (count == 0 ? "{\n" : ",\n").utf8)
            count += 1
            JSONNode.pad(indent + 1, &out)
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\" : ".utf8)
        }

        mutating func string(_ name: StaticString, _ value: String, to out: inout [UInt8]) {
            key(name, to: &out)
            JSONNode.writeString(value, to: &out)
        }

        func close(_ out: inout [UInt8]) {
            if count == 0 {
                out.append(contentsOf: "{}".utf8)
            } else {
                out.append(UInt8(ascii: "\n"))
                JSONNode.pad(indent, &out)
                out.append(UInt8(ascii: "}"))
            }
        }
    }
}
