import PolicyModel

/// Bytes that are not UTF-8: the text there cannot be read as written.
enum InvalidUTF8Rule: LintRule {
    static let id = "invalid-utf8"
    static let severity = Diagnostic.Severity.error
    static let summary = "the file has bytes that are not UTF-8"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        document.source.flaws.compactMap { flaw in
            guard flaw.kind == .invalidUTF8 else { return nil }
            return LintFinding(.invalidByte(offset: flaw.offset), at: flaw.location)
        }
    }
}

extension LintMessage {
    fileprivate static func invalidByte(offset: Int) -> LintMessage {
        "invalid UTF-8 byte at offset \(offset)"
    }
}
