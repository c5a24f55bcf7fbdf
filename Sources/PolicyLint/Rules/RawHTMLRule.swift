import PolicyModel

/// Raw HTML in the policy, as a block or inline: renderers drop it, so readers never see it.
/// HTML comments are only notes, since hiding them is what their author meant.
enum RawHTMLRule: LintRule {
    static let id = "raw-html"
    static let severity = Diagnostic.Severity.warning
    static let summary = "raw HTML is dropped from the output"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        document.forEachInlineRun { inlines, location in
            // One finding per run and kind: `<span>…</span>` is one problem, not two.
            var firstTag: String?
            var firstComment: String?
            Inline.forEach(in: inlines) { inline in
                guard case .html(let html) = inline else { return }
                if isComment(html) {
                    firstComment = firstComment ?? html
                } else {
                    firstTag = firstTag ?? html
                }
            }
            if let firstTag { findings.append(LintFinding(.htmlDropped(firstTag), at: location)) }
            if let firstComment {
                findings.append(LintFinding(.commentDropped(firstComment), at: location, severity: .note))
            }
        }
        return findings
    }

    private static func isComment(_ html: String) -> Bool {
        html.drop(while: { $0.isWhitespace }).hasPrefix("<!--")
    }
}

extension LintMessage {
    fileprivate static func htmlDropped(_ html: String) -> LintMessage {
        "raw HTML \(quoted(html, limit: 40)) is dropped from the output"
    }

    fileprivate static func commentDropped(_ html: String) -> LintMessage {
        "HTML comment \(quoted(html, limit: 40)) is dropped from the output"
    }
}
