import PolicyModel

/// NUL bytes in the file: a sign of a binary or corrupted file, and invisible in an editor.
enum NulByteRule: LintRule {
    static let id = "nul-byte"
    static let severity = Diagnostic.Severity.error
    static let summary = "the file has NUL bytes"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        document.source.flaws.compactMap { flaw in
            guard flaw.kind == .nulByte else { return nil }
            return LintFinding(.nulByte(offset: flaw.offset), at: flaw.location)
        }
    }
}

extension LintMessage {
    fileprivate static func nulByte(offset: Int) -> LintMessage {
        "NUL byte at offset \(offset)"
    }
}
