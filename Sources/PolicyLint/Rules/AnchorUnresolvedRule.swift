import PolicyModel

/// A link to `#anchor` where no section or clause of the policy has that anchor: a dead link on the page.
enum AnchorUnresolvedRule: LintRule {
    static let id = "anchor-unresolved"
    static let severity = Diagnostic.Severity.error
    static let summary = "a link to an anchor in the policy points nowhere"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        document.references.compactMap { reference in
            guard reference.kind == .anchor, reference.resolved == nil else { return nil }
            return LintFinding(.deadAnchor(reference.target), at: reference.location)
        }
    }
}

extension LintMessage {
    fileprivate static func deadAnchor(_ anchor: String) -> LintMessage {
        "link to \(quoted("#" + anchor)) points nowhere: no section or clause has that anchor"
    }
}
