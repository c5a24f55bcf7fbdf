import PolicyModel

/// A term defined twice in the policy, or defined in the policy although the glossary says it is defined elsewhere.
enum TermDuplicateRule: LintRule {
    static let id = "term-duplicate"
    static let severity = Diagnostic.Severity.error
    static let summary = "a term is defined twice"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        var first: [String: DefinedTerm] = [:]
        let glossary = Set(options.glossary)
        for definition in document.definedTerms {
            if let earlier = first[definition.term] {
                findings.append(LintFinding(.termDefinedTwice(definition.term, first: earlier), at: definition.location))
                continue
            }
            first[definition.term] = definition
            // The policy's definition and the other document's may differ; which one holds is unclear.
            if glossary.contains(definition.term) {
                findings.append(LintFinding(.termInGlossary(definition.term), at: definition.location,
                                            severity: .warning))
            }
        }
        return findings
    }
}

extension LintMessage {
    fileprivate static func termDefinedTwice(_ term: String, first: DefinedTerm) -> LintMessage {
        "\(quoted(term)) is defined twice\(first.location.map { ": first on line \($0.line)" } ?? "")"
    }

    fileprivate static func termInGlossary(_ term: String) -> LintMessage {
        "\(quoted(term)) is defined here, but the glossary says it is defined in another document"
    }
}
