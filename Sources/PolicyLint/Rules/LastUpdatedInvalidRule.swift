import PolicyModel

/// A "Last updated" statement whose date cannot be read as a day ("June 2023", "soon").
enum LastUpdatedInvalidRule: LintRule {
    static let id = "last-updated-invalid"
    static let severity = Diagnostic.Severity.error
    static let summary = "the \"Last updated\" date is not a full date"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        guard let lastUpdated = document.lastUpdated, lastUpdated.date == nil else { return [] }
        return [LintFinding(.unreadableDate(lastUpdated.text), at: lastUpdated.location)]
    }
}

extension LintMessage {
    fileprivate static func unreadableDate(_ text: String) -> LintMessage {
        "the “Last updated” date \(quoted(text)) is not a date: write a day, such as “April 15, 2025”"
    }
}
