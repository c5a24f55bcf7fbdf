import PolicyModel

/// Runs every lint rule over a document.
public enum Linter {
    /// Every rule, in the order their ids are documented.
    public static let rules: [any LintRule.Type] = [
        NumberingGapRule.self, NumberingDuplicateRule.self, NumberingOrderRule.self, HeadingLevelRule.self,
        TermDuplicateRule.self, TermUnusedRule.self,
        ReferenceUnresolvedRule.self, AnchorUnresolvedRule.self,
        LastUpdatedMissingRule.self, LastUpdatedInvalidRule.self, LastUpdatedFutureRule.self,
        SectionEmptyRule.self, RawHTMLRule.self, UnsafeLinkRule.self,
        InvalidUTF8Rule.self, NulByteRule.self, ControlCharacterRule.self, NestingTooDeepRule.self, EmptyDocumentRule.self,
    ]

    /// The diagnostics of every rule, sorted by location (document-wide ones first), then rule and message.
    public static func lint(_ document: Document, options: LintOptions) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for rule in rules {
            for finding in rule.check(document, options: options) {
                diagnostics.append(Diagnostic(path: document.path, location: finding.location,
                                              severity: finding.severity ?? rule.severity,
                                              message: finding.message.text, rule: rule.id))
            }
        }
        return diagnostics.sorted(by: precedes)
    }

    private static func precedes(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        let left = lhs.location.map { ($0.line, $0.column) } ?? (0, 0)
        let right = rhs.location.map { ($0.line, $0.column) } ?? (0, 0)
        if left != right { return left < right }
        if lhs.rule != rhs.rule { return lhs.rule < rhs.rule }
        return lhs.message < rhs.message
    }
}
