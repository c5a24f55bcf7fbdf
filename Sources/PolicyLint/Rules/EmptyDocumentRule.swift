import PolicyModel

/// A policy with nothing in it: no clause and no section.
enum EmptyDocumentRule: LintRule {
    static let id = "empty-document"
    static let severity = Diagnostic.Severity.error
    static let summary = "the policy has no content"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        guard document.preambleClauses.isEmpty, document.sections.isEmpty else { return [] }
        return [LintFinding(.emptyDocument, at: nil)]
    }
}

extension LintMessage {
    fileprivate static let emptyDocument: LintMessage = "the policy is empty: it has no text and no sections"
}
