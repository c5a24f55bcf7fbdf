import PolicyDiff
import PolicyModel

/// A ChangeSet as a lawyer reads it in a terminal: the verdict and its reasons first, then the changes
/// grouped by section, words as `[-old-]{+new+}`.
public enum DiffTextRenderer {
    public static func render(_ changes: ChangeSet, color: Bool) -> String {
        let paint = Paint(enabled: color)
        var out = ""
        out += paint.bold("Verdict: \(changes.verdict.rawValue)")
        out += changes.material ? " — Users must get advance notice by email\n" : "\n"
        for reason in changes.verdictReasons.prefix(10) {
            out += "  \(reason.rule): \(reason.detail)\n"
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
                out += "\n" + paint.bold("== \(group)") + "\n"
                currentGroup = group
            }
            let where_ = [change.old.map { "old \($0.id)" + ($0.line.map { ":\($0)" } ?? "") },
                          change.new.map { "new \($0.id)" + ($0.line.map { ":\($0)" } ?? "") }]
                .compactMap { $0 }.joined(separator: " → ")
            out += "\(paint.tier(change.tier)) \(change.kind.rawValue) \(change.subject.rawValue) (\(where_))\n"
            for reason in change.reasons {
                out += "    \(reason.rule): \(reason.detail)\n"
            }
            if let words = change.words {
                out += "    " + words.map { run in
                    switch run.operation {
                    case .equal: return run.text
                    case .delete: return paint.red("[-\(run.text)-]")
                    case .insert: return paint.green("{+\(run.text)+}")
                    }
                }.joined() + "\n"
            } else if change.subject == .clause {
                if change.kind == .removed, let text = change.oldText { out += "    " + paint.red("[-\(text)-]") + "\n" }
                if change.kind == .added, let text = change.newText { out += "    " + paint.green("{+\(text)+}") + "\n" }
                if change.kind == .moved, let text = change.newText { out += "    \(text)\n" }
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
