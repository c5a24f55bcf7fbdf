import PolicyModel

/// Lists, quotes or emphasis nested deeper than the model keeps: the parser flattened them there.
enum NestingTooDeepRule: LintRule {
    static let id = "nesting-too-deep"
    static let severity = Diagnostic.Severity.warning
    static let summary = "content is nested too deeply and was flattened"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        document.source.flattenedAt.map { LintFinding(.flattened, at: $0) }
    }
}

extension LintMessage {
    fileprivate static let flattened: LintMessage =
        "content is nested too deeply: it was flattened to plain paragraphs here"
}
