import PolicyModel

/// A defined term that the policy never uses after its definition.
enum TermUnusedRule: LintRule {
    static let id = "term-unused"
    static let severity = Diagnostic.Severity.warning
    static let summary = "a defined term is never used after its definition"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        let uses = TermUses(document)
        var reported: Set<String> = []
        return document.definedTerms.compactMap { definition in
            guard reported.insert(definition.term).inserted, uses.counts[definition.term, default: 0] == 0 else {
                return nil
            }
            return LintFinding(.termNeverUsed(definition.term), at: definition.location)
        }
    }
}

extension LintMessage {
    fileprivate static func termNeverUsed(_ term: String) -> LintMessage {
        "\(quoted(term)) is defined but never used"
    }
}
