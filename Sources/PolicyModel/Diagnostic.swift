/// A finding about a policy, with the rule that found it: what a compiler calls a diagnostic.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var path: String
    public var location: SourceLocation?
    public var severity: Severity
    public var message: String
    /// The rule id (`numbering-gap`), shown in brackets after the message.
    public var rule: String

    public init(path: String, location: SourceLocation?, severity: Severity, message: String, rule: String) {
        self.path = path
        self.location = location
        self.severity = severity
        self.message = message
        self.rule = rule
    }

    /// `path:line:col: error: message [rule]`, the form editors and CI annotate.
    public var formatted: String {
        let position = location.map { ":\($0.line):\($0.column)" } ?? ""
        return "\(Self.singleLine(path))\(position): \(severity.rawValue): \(Self.singleLine(message)) [\(rule)]"
    }

    /// Messages quote policy text; a newline or control character in one must not forge another diagnostic line.
    public static func singleLine(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                result += scalar == "\n" ? "\\n" : scalar == "\r" ? "\\r" : scalar == "\t" ? " " : "?"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private enum CodingKeys: String, CodingKey { case path, line, column, severity, message, rule }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(location?.line, forKey: .line)
        try container.encode(location?.column, forKey: .column)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        try container.encode(rule, forKey: .rule)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        severity = try container.decode(Severity.self, forKey: .severity)
        message = try container.decode(String.self, forKey: .message)
        rule = try container.decode(String.self, forKey: .rule)
        let line = try container.decodeIfPresent(Int.self, forKey: .line)
        let column = try container.decodeIfPresent(Int.self, forKey: .column)
        location = line.map { SourceLocation(line: $0, column: column ?? 1) }
    }
}
