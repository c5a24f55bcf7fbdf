import PolicyModel

/// A term defined twice in the policy.
enum TermDuplicateRule: LintRule {
    static let id = "term-duplicate"
    static let severity = Diagnostic.Severity.error
    static let summary = "a term is defined twice"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        var first: [String: DefinedTerm] = [:]
        for definition in document.definedTerms {
            if let earlier = first[definition.term] {
                findings.append(LintFinding(.termDefinedTwice(definition.term, first: earlier), at: definition.location))
                continue
            }
            first[definition.term] = definition
        }
        return findings
    }
}

extension LintMessage {
    fileprivate static func termDefinedTwice(_ term: String, first: DefinedTerm) -> LintMessage {
        "\(quoted(term)) is defined twice\(first.location.map { ": first on line \($0.line)" } ?? "")"
    }
}
