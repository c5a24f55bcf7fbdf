import PolicyModel

/// A link or image whose scheme runs code or reads local files (`javascript:`, `vbscript:`, `data:`, `file:`).
enum UnsafeLinkRule: LintRule {
    static let id = "unsafe-link"
    static let severity = Diagnostic.Severity.error
    static let summary = "a link or image uses an unsafe scheme and will not be emitted"

    private static let unsafeSchemes = ["javascript:", "vbscript:", "data:", "file:"]

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        document.forEachInlineRun { inlines, location in
            Inline.forEach(in: inlines) { inline in
                switch inline {
                case .link(let destination, _, _):
                    if let scheme = unsafeScheme(destination) {
                        findings.append(LintFinding(.unsafeLink(destination, scheme: scheme), at: location))
                    }
                case .image(let source, _, _):
                    if let scheme = unsafeScheme(source) {
                        findings.append(LintFinding(.unsafeImage(source, scheme: scheme), at: location))
                    }
                default:
                    break
                }
            }
        }
        return findings
    }

    /// The unsafe scheme `destination` uses, read as a browser would: leading spaces and control
    /// characters skipped, tabs and newlines inside ignored, any case.
    static func unsafeScheme(_ destination: String) -> String? {
        var scheme = ""
        for scalar in destination.unicodeScalars.drop(while: { $0.value <= 0x20 }) {
            if scalar == "\t" || scalar == "\n" || scalar == "\r" { continue }
            scheme += String(scalar).lowercased()
            if scalar == ":" || scheme.count > 11 { break }
        }
        return unsafeSchemes.first { scheme == $0 }
    }
}

extension LintMessage {
    fileprivate static func unsafeLink(_ destination: String, scheme: String) -> LintMessage {
        "link to \(quoted(destination, limit: 40)) uses the unsafe \(quoted(scheme)) scheme and will not be emitted"
    }

    fileprivate static func unsafeImage(_ source: String, scheme: String) -> LintMessage {
        "image from \(quoted(source, limit: 40)) uses the unsafe \(quoted(scheme)) scheme and will not be emitted"
    }
}
