import PolicyDiff
import PolicyModel

/// Any `Encodable` value as pretty JSON with sorted keys (`JSONWriter`, the one JSON writer), a diff's
/// changes written straight into bytes (`ChangeWriter`).
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
        try JSONWriter.bytes(value, style: .pretty, direct: writingChangesDirectly ? ChangeLists.shared : nil)
    }
}

/// Claims every list of changes for `ChangeWriter`.
private final class ChangeLists: JSONDirectWriter {
    static let shared = ChangeLists()

    func items<Value: Encodable>(_ value: Value) -> (any JSONItems)? {
        (value as? [Change]).map(ChangeItems.init)
    }
}

private struct ChangeItems: JSONItems {
    let changes: [Change]

    var count: Int { changes.count }

    func write(_ index: Int, indent: Int, to out: inout [UInt8]) {
        ChangeWriter.write(changes[index], indent: indent, to: &out)
    }
}

/// A change as `Change`'s `Encodable` conformance and `JSONWriter` would write it, straight into bytes:
/// keys in byte order, absent optionals left out. A diff's JSON is nearly all changes, and through
/// nodes each one cost some 80,000 instructions of containers, casts and sorting (`JSONItems`). Held byte for
/// byte to the `Encodable` path on the corpus's diffs by `JSONRendererTests`.
private enum ChangeWriter {
    static func write(_ change: Change, indent: Int, to out: inout [UInt8]) {
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
            JSONWriter.pad(indent + 1, &out)
            var object = Object(indent: indent + 1)
            fields(element, &object, &out)
            object.close(&out)
            out.append(contentsOf: (index == elements.count - 1 ? "\n" : ",\n").utf8)
        }
        JSONWriter.pad(indent, &out)
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
            JSONWriter.pad(indent + 1, &out)
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\" : ".utf8)
        }

        mutating func string(_ name: StaticString, _ value: String, to out: inout [UInt8]) {
            key(name, to: &out)
            JSONText.appendString(value, to: &out)
        }

        func close(_ out: inout [UInt8]) {
            if count == 0 {
                out.append(contentsOf: "{}".utf8)
            } else {
                out.append(UInt8(ascii: "\n"))
                JSONWriter.pad(indent, &out)
                out.append(UInt8(ascii: "}"))
            }
        }
    }
}
