import PolicyDiff
import PolicyModel
import PolicyParser
import Testing

/// Policies repeat boilerplate word for word in every section. Removing, adding or rewording one copy
/// is one change, in that copy's section, and moves nothing: a repeated clause pairs with its own copy
/// (same section first, then the nearest), never with the next section's.
@Suite struct RepeatedClauseTests {
    static let boilerplate = "If you have questions about this section, write to privacy@example.com."
    static let reworded = "If you have questions about this section, email privacy@example.com."
    static let sections = [
        ("1", "Information We Collect", "We collect your name and email address when you sign up."),
        ("2", "How We Use Information", "We use your email address to send you receipts."),
        ("3", "How We Share Information", "We share your name with our payment processor."),
        ("4", "How Long We Keep Information", "We keep receipts for seven years."),
    ]

    enum Edit: String, CaseIterable, CustomTestStringConvertible {
        case remove, add, reword
        var testDescription: String { rawValue }
    }

    /// The policy with the boilerplate in every section but `missing`, and reworded in `reworded`.
    static func policy(missing: Int? = nil, reworded: Int? = nil) -> String {
        var text = "# Privacy Policy\n\n_Last updated: Nov 2, 2026_\n\n"
        for (index, (number, title, body)) in sections.enumerated() {
            text += "## \(number). \(title)\n\n\(body)\n\nWe review this section every year.\n\n"
            if index == missing { continue }
            text += (index == reworded ? Self.reworded : Self.boilerplate) + "\n\n"
        }
        return text
    }

    @Test(arguments: Edit.allCases, 0..<sections.count)
    func oneCopyEditedIsOneChangeInItsSection(edit: Edit, copy: Int) {
        let (old, new) = switch edit {
        case .remove: (Self.policy(), Self.policy(missing: copy))
        case .add: (Self.policy(missing: copy), Self.policy())
        case .reword: (Self.policy(), Self.policy(reworded: copy))
        }
        let changes = PolicyDiffer.diff(PolicyParser.parse(text: old), PolicyParser.parse(text: new)).changes
        #expect(changes.count == 1, "\(changes.map { "\($0.kind) \($0.old?.id ?? "-") → \($0.new?.id ?? "-")" })")
        let change = changes.first
        #expect(change?.kind == (edit == .remove ? .removed : edit == .add ? .added : .modified))
        let section = (change?.new ?? change?.old)?.section
        #expect(section == "sec-\(copy + 1)", "the change is in the section of the copy edited")
        #expect(!changes.contains { $0.kind == .moved }, "no copy moved")
    }
}
