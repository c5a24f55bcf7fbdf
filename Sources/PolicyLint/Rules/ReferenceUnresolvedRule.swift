import PolicyModel

/// "see Section 12" or "see *Cookie Choices*" where no section has that number or title.
enum ReferenceUnresolvedRule: LintRule {
    static let id = "reference-unresolved"
    static let severity = Diagnostic.Severity.warning
    static let summary = "a reference to a section by number or title points nowhere"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        document.references.compactMap { reference in
            guard reference.resolved == nil else { return nil }
            switch reference.kind {
            case .sectionNumber:
                return LintFinding(.noSectionNumbered(reference.target), at: reference.location)
            case .sectionTitle:
                return LintFinding(.noSectionTitled(reference.target), at: reference.location)
            case .anchor:
                return nil
            }
        }
    }
}

extension LintMessage {
    fileprivate static func noSectionNumbered(_ number: String) -> LintMessage {
        "\(quoted("section " + number)) points nowhere: no section has that number"
    }

    fileprivate static func noSectionTitled(_ title: String) -> LintMessage {
        "\(quoted(title)) points nowhere: no section has that title"
    }
}
