import PolicyModel
import PolicyParser

/// The author's summary of a release, in plain words, for Users: shown first in the notice email, on the
/// redline page, in the feed and in `CHANGELOG.md`, above the clause-by-clause details.
///
/// Markdown, kept short: paragraphs, lists, emphasis and links. No headings (each place that shows the
/// notes gives them theirs, and a `## ` line would split a CHANGELOG entry in two), no raw HTML and no
/// `javascript:`-style link (both would be dropped from the pages, so the author would not see what
/// Users see), no invisible control characters.
public struct ReleaseNotes: Sendable, Hashable {
    /// The notes as archived: line ends made LF, trailing blank space trimmed, one final newline.
    public let text: String
    /// The notes parsed; their blocks are in `document.preamble`.
    public let document: Document

    /// `policy/DOC.notes.md`: notes written beside the draft, which the release of DOC takes and empties
    /// (in the same transaction), so a pull request can carry a change and its notes together.
    public static func besidePath(_ document: String) -> String { "policy/\(document)\(besideSuffix)" }
    public static let besideSuffix = ".notes.md"
    /// `v3.notes.md`: the notes of v3 in its archive folder.
    public static let archivedSuffix = ".notes.md"

    /// "Short": a few paragraphs fit; a second policy does not.
    public static let maximumCharacters = 4000

    /// Why notes are refused, with the line (1-based) where there is one, and the lint rule it matches.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int?
        public var column: Int?
        public var message: String
        public var rule: String

        public var description: String { "\(message) [\(rule)]" }
    }

    /// Notes already archived, whose SHA-256 was checked: parsed as they are.
    public init(archived text: String) {
        self.text = text
        document = PolicyParser.parse(text: text, path: "notes.md", analysis: [])
    }

    /// Notes given to a release: checked, then normalised. Throws the first problem found.
    public static func validate<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(Problem) -> ReleaseNotes {
        if let offset = UTF8Validation.firstInvalidOffset(bytes) {
            throw Problem(line: nil, column: nil, message: "release notes are not valid UTF-8 (byte \(offset))",
                          rule: "invalid-utf8")
        }
        let text = normalized(String(decoding: Array(bytes), as: UTF8.self))
        guard !text.isEmpty else {
            throw Problem(line: nil, column: nil, message: "release notes are empty: write a few plain sentences "
                          + "saying what changes for Users", rule: "empty-document")
        }
        if let (line, column, scalar) = firstControlCharacter(text) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            throw Problem(line: line, column: column, message: "release notes hold the invisible character U+"
                          + String(repeating: "0", count: max(0, 4 - code.count)) + code + "; remove it",
                          rule: "control-character")
        }
        guard text.count <= maximumCharacters else {
            throw Problem(line: nil, column: nil, message: "release notes are \(text.count) characters long; keep them "
                          + "to a short summary of at most \(maximumCharacters) (the redline shows every change)",
                          rule: "notes-too-long")
        }
        let notes = ReleaseNotes(archived: text)
        try notes.checkStructure()
        return notes
    }

    /// CRLF and CR become LF; blank space at the ends of the notes goes.
    public static func normalized(_ text: String) -> String {
        let lines = text.replacing("\r\n", with: "\n").replacing("\r", with: "\n")
        let trimmed = lines.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
        return trimmed.isEmpty ? "" : String(trimmed) + "\n"
    }

    private static func firstControlCharacter(_ text: String) -> (Int, Int, Unicode.Scalar)? {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                line += 1
                column = 1
                continue
            }
            if scalar != "\t", TerminalText.needsEscape(scalar) { return (line, column, scalar) }
            column += String(scalar).utf8.count
        }
        return nil
    }

    private func checkStructure() throws(Problem) {
        if let location = document.titleLocation ?? document.allSections.first?.location {
            throw Problem(line: location.line, column: location.column,
                          message: "release notes have a heading; write paragraphs and lists only (each page and "
                          + "email gives the notes their heading)", rule: "notes-heading")
        }
        var problem: Problem?
        for block in document.preamble {
            block.forEachClause { clause in
                guard problem == nil else { return }
                if clause.kind == .html {
                    problem = Problem(line: clause.location?.line, column: clause.location?.column,
                                      message: "release notes hold raw HTML, which no page or email shows; write it in Markdown",
                                      rule: "raw-html")
                    return
                }
                for inline in clause.inlines.flattened {
                    switch inline {
                    case .html:
                        problem = Problem(line: clause.location?.line, column: clause.location?.column,
                                          message: "release notes hold raw HTML, which no page or email shows; write it in Markdown",
                                          rule: "raw-html")
                    case .link(let destination, _, _), .image(let destination, _, _):
                        if let scheme = Self.unsafeScheme(destination) {
                            problem = Problem(line: clause.location?.line, column: clause.location?.column,
                                              message: "release notes link to a \(scheme): address, which is never published; "
                                              + "link to a web page", rule: "unsafe-link")
                        }
                    default:
                        continue
                    }
                    if problem != nil { return }
                }
            }
            if let problem { throw problem }
        }
    }

    /// The scheme of a link no published page carries (`LinkPolicy`), or nil.
    static func unsafeScheme(_ destination: String) -> String? {
        LinkPolicy.isSafe(destination) ? nil : LinkPolicy.scheme(of: destination)
    }

    /// The offset of the first byte that is not part of a UTF-8 character.
}

private extension Array where Element == Inline {
    /// Every inline, nested ones included, in order.
    var flattened: [Inline] {
        var result: [Inline] = []
        func visit(_ inlines: [Inline]) {
            for inline in inlines {
                result.append(inline)
                switch inline {
                case .emphasis(let children), .strong(let children), .strikethrough(let children):
                    visit(children)
                case .link(_, _, let children):
                    visit(children)
                case .image(_, _, let alt):
                    visit(alt)
                default:
                    break
                }
            }
        }
        visit(self)
        return result
    }
}
