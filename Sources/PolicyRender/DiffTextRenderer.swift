import PolicyDiff
import PolicyModel

/// A ChangeSet as a lawyer reads it in a terminal: the verdict and its reasons first, then the changes
/// grouped by section, words as `[-old-]{+new+}`.
public enum DiffTextRenderer {
    public static func render(_ changes: ChangeSet, color: Bool) -> String {
        sanitize(renderUnsanitized(changes, color: color), keepColor: color)
    }

    /// Policy text must not drive the terminal or the CI log. Each piece of it is escaped as it goes in
    /// (`TerminalText.visible`), before any colour is added, so the only ESC left is our own; this last
    /// pass keeps only our colour codes, escapes any other control character, and lets no line start
    /// with "::" (a GitHub Actions workflow command).
    static func sanitize(_ text: String, keepColor: Bool) -> String {
        var out = ""
        var scalars = text.unicodeScalars.makeIterator()
        var atLineStart = true
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x0A:
                out += "\n"
                atLineStart = true
                continue
            case 0x1B where keepColor:
                // Our own colour codes are `ESC [ digits ; m`: pass those through and nothing else.
                var sequence = "\u{1B}"
                var valid = false
                while let next = scalars.next() {
                    sequence.unicodeScalars.append(next)
                    if next == "m" { valid = sequence.hasPrefix("\u{1B}[") ; break }
                    if !(next == "[" || next == ";" || ("0"..."9").contains(next)) { break }
                }
                out += valid ? sequence : sequence.unicodeScalars.map { $0.value < 0x20 ? "^[" : String($0) }.joined()
            case 0x09:
                out += "\t"
            case 0..<0x20, 0x7F...0x9F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                if atLineStart, scalar == ":", out.hasSuffix("\n") || out.isEmpty {
                    out += " "
                }
                out.unicodeScalars.append(scalar)
            }
            atLineStart = false
        }
        return out
    }

    private static func renderUnsanitized(_ changes: ChangeSet, color: Bool) -> String {
        let paint = Paint(enabled: color)
        var out = ""
        out += paint.bold("Verdict: \(changes.verdict.rawValue)")
        out += changes.material ? " — Users must get advance notice by email\n" : "\n"
        let visible = TerminalText.visible
        for reason in changes.verdictReasons.prefix(10) {
            out += "  \(visible(reason.summary)) [\(reason.rule)]\n"
        }
        if changes.changes.isEmpty {
            out += "\nNo changes.\n"
            return out
        }
        var currentGroup: String?
        for change in changes.changes {
            let group = change.subject == .section ? "Sections"
                : change.subject == .document ? "The whole document"
                : (change.new ?? change.old)?.sectionHeading ?? "Preamble"
            if group != currentGroup {
                out += "\n" + paint.bold("== \(visible(group))") + "\n"
                currentGroup = group
            }
            let where_ = [change.old.map { "old \(visible($0.id))" + ($0.line.map { ":\($0)" } ?? "") },
                          change.new.map { "new \(visible($0.id))" + ($0.line.map { ":\($0)" } ?? "") }]
                .compactMap { $0 }.joined(separator: " → ")
            out += "\(paint.tier(change.tier)) \(change.kind.rawValue) \(change.subject.rawValue)"
                + (where_.isEmpty ? "" : " (\(where_))") + "\n"
            for reason in change.reasons {
                out += "    \(visible(reason.summary.replacing("\n", with: " "))) [\(reason.rule)]\n"
            }
            if let words = change.words {
                out += "    " + words.map { run in
                    let text = visible(run.text.replacing("\n", with: " "))
                    switch run.operation {
                    case .equal: return text
                    case .delete: return paint.red("[-\(text)-]")
                    case .insert: return paint.green("{+\(text)+}")
                    }
                }.joined() + "\n"
            } else if change.subject == .clause {
                let oneLine = { (text: String) in visible(text.replacing("\n", with: " ")) }
                if change.kind == .removed, let text = change.oldText { out += "    " + paint.red("[-\(oneLine(text))-]") + "\n" }
                if change.kind == .added, let text = change.newText { out += "    " + paint.green("{+\(oneLine(text))+}") + "\n" }
                if change.kind == .moved, let text = change.newText { out += "    \(oneLine(text))\n" }
            }
        }
        return out
    }

    private struct Paint {
        let enabled: Bool

        func wrap(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func bold(_ text: String) -> String { wrap(text, "1") }
        func red(_ text: String) -> String { wrap(text, "31") }
        func green(_ text: String) -> String { wrap(text, "32") }

        func tier(_ tier: Tier) -> String {
            let label = "[\(tier.rawValue)]"
            switch tier {
            case .consent: return wrap(label, "1;35")
            case .material: return wrap(label, "1;31")
            case .editorial: return wrap(label, "2")
            case .unchanged: return label
            }
        }
    }
}
