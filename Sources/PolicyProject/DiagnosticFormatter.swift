import PolicyModel

/// Turns diagnostics into the lines a terminal shows: `path:line:col: error: message [rule]`.
public enum DiagnosticFormatter {
    public static func format(_ diagnostics: [Diagnostic], color: Bool) -> String {
        var out = ""
        for diagnostic in diagnostics {
            guard color else {
                out += diagnostic.formatted + "\n"
                continue
            }
            let line = diagnostic.formatted
            let label = "\(diagnostic.severity.rawValue):"
            let code: String
            switch diagnostic.severity {
            case .error: code = "\u{1B}[1;31m"
            case .warning: code = "\u{1B}[1;33m"
            case .note: code = "\u{1B}[1;36m"
            }
            if let range = line.firstRange(of: " " + label) {
                out += "\u{1B}[1m" + line[..<range.lowerBound] + "\u{1B}[0m " + code + label + "\u{1B}[0m"
                    + line[range.upperBound...] + "\n"
            } else {
                out += line + "\n"
            }
        }
        return out
    }

    /// `2 errors, 1 warning in 3 files`.
    public static func summary(errors: Int, warnings: Int, files: Int) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return "\(plural(errors, "error")), \(plural(warnings, "warning")) in \(plural(files, "file"))"
    }
}
