import PolicyModel

/// A check over a parsed policy, with a stable id. One rule per file; its messages sit beside it.
public protocol LintRule: Sendable {
    /// The id shown in brackets after each message (`numbering-gap`).
    static var id: String { get }
    /// The severity of the rule's findings, unless a finding says otherwise.
    static var severity: Diagnostic.Severity { get }
    /// What the rule looks for, in one line.
    static var summary: String { get }
    /// The rule's findings about `document`, in any order.
    static func check(_ document: Document, options: LintOptions) -> [LintFinding]
}

/// One thing a rule found: the linter adds the path, the rule id and the rule's severity.
public struct LintFinding: Sendable, Hashable {
    /// What is wrong, in a short lower-case sentence.
    public var message: LintMessage
    /// Where it is; nil for findings about the whole document.
    public var location: SourceLocation?
    /// Set where one finding of a rule is milder or graver than the rule's own severity.
    public var severity: Diagnostic.Severity?

    /// A finding with the rule's own severity unless `severity` is given.
    public init(_ message: LintMessage, at location: SourceLocation?, severity: Diagnostic.Severity? = nil) {
        self.message = message
        self.location = location
        self.severity = severity
    }
}

/// A message a rule reports, declared as a named constant or function next to its rule.
public struct LintMessage: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The message as printed after `error:` or `warning:`.
    public var text: String

    /// A message from a literal, interpolations included.
    public init(stringLiteral text: String) {
        self.text = text
    }
}

/// Policy text quoted in a message: curly quotes, whitespace collapsed, long text cut.
func quoted(_ text: String, limit: Int = 60) -> String {
    let words = text.split(whereSeparator: { $0.isWhitespace })
    var result = words.joined(separator: " ")
    if result.count > limit { result = String(result.prefix(limit - 1)) + "…" }
    return "“" + result + "”"
}
