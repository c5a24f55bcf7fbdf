import PolicyLint
import PolicyModel
import PolicyParser
import PolicyTestSupport

extension MarkedText {
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

func lint(_ markdown: String, today: CalendarDate = testToday) -> [Diagnostic] {
    Linter.lint(PolicyParser.parse(text: markdown, path: "policy.md"), options: LintOptions(today: today))
}

/// One rule's diagnostics for `input`, as `line:col message` (`-` where there is no location).
func findings(_ rule: String, in input: MarkedText, today: CalendarDate = testToday) -> [String] {
    lint(input.text, today: today).filter { $0.rule == rule }.map(line)
}

func line(_ diagnostic: Diagnostic) -> String {
    "\(diagnostic.location?.description ?? "-") \(diagnostic.message)"
}
