import PolicyModel

/// A section with a heading and nothing under it.
enum SectionEmptyRule: LintRule {
    static let id = "section-empty"
    static let severity = Diagnostic.Severity.warning
    static let summary = "a section has no content"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        document.allSections.compactMap { section in
            guard section.clauses.isEmpty, section.sections.isEmpty else { return nil }
            return LintFinding(.emptySection(section), at: section.location)
        }
    }
}

extension LintMessage {
    fileprivate static func emptySection(_ section: Section) -> LintMessage {
        "section \(quoted(section.heading)) is empty"
    }
}
