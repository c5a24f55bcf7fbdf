import PolicyLint
import PolicyModel
import PolicyParser

/// Markdown with location markers (`⟨1⟩`, `⟨b⟩`) written where a diagnostic is expected, so that
/// nobody counts columns by hand. The markers are stripped before parsing.
struct MarkedText {
    /// The Markdown without its markers.
    let text: String
    /// Each marker's position in `text`: 1-based line, 1-based UTF-8 byte column.
    let locations: [String: SourceLocation]
    /// Each marker's 0-based UTF-8 byte offset in `text`.
    let offsets: [String: Int]

    init(_ marked: String) {
        var text = ""
        var locations: [String: SourceLocation] = [:]
        var offsets: [String: Int] = [:]
        var line = 1
        var column = 1
        var rest = marked[...]
        while let character = rest.first {
            if character == "⟨", let close = rest.firstIndex(of: "⟩") {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                precondition(locations[name] == nil, "marker ⟨\(name)⟩ used twice")
                locations[name] = SourceLocation(line: line, column: column)
                offsets[name] = text.utf8.count
                rest = rest[rest.index(after: close)...]
                continue
            }
            text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.utf8.count
            }
            rest = rest.dropFirst()
        }
        self.text = text
        self.locations = locations
        self.offsets = offsets
    }

    /// The expected findings of one rule, as `findings(_:in:)` prints them: `line:col message`, sorted as
    /// lint sorts them (by location, then message). A marker may carry several findings.
    func expected(_ findings: KeyValuePairs<String, String>) -> [String] {
        findings.map { marker, message -> (SourceLocation, String) in
            guard let location = locations[marker] else { preconditionFailure("no marker ⟨\(marker)⟩") }
            return (location, "\(location) \(message)")
        }
        .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        .map(\.1)
    }

    /// The text as bytes, with the byte at each marker's offset replaced (for bytes no Swift string holds).
    func bytes(replacing replacements: [String: UInt8]) -> [UInt8] {
        var bytes = Array(text.utf8)
        for (marker, byte) in replacements { bytes[offsets[marker]!] = byte }
        return bytes
    }
}

/// The default day lint runs on in these tests.
let testToday = CalendarDate(year: 2026, month: 6, day: 1)!

func lint(_ markdown: String, glossary: [String] = [], today: CalendarDate = testToday) -> [Diagnostic] {
    Linter.lint(PolicyParser.parse(text: markdown, path: "policy.md"), options: LintOptions(glossary: glossary, today: today))
}

/// One rule's diagnostics for `input`, as `line:col message` (`-` where there is no location).
func findings(_ rule: String, in input: MarkedText, glossary: [String] = [], today: CalendarDate = testToday) -> [String] {
    lint(input.text, glossary: glossary, today: today).filter { $0.rule == rule }.map(line)
}

func line(_ diagnostic: Diagnostic) -> String {
    "\(diagnostic.location?.description ?? "-") \(diagnostic.message)"
}
