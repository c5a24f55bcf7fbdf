import PolicyModel

/// No "Last updated" statement: readers cannot tell which version they read.
enum LastUpdatedMissingRule: LintRule {
    static let id = "last-updated-missing"
    static let severity = Diagnostic.Severity.warning
    static let summary = "the policy has no \"Last updated\" date"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        guard document.lastUpdated == nil else { return [] }
        return [LintFinding(.noLastUpdated, at: document.titleLocation)]
    }
}

extension LintMessage {
    fileprivate static let noLastUpdated: LintMessage =
        "no “Last updated” date: add a line such as “Last updated: April 15, 2025” under the title"
}
