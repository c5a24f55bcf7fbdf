import PolicyModel

/// Control characters (ESC, vertical tab, C1…) and invisible direction overrides in a title, a heading or
/// a clause: invisible in an editor, they break the feed's XML and can rewrite what a terminal shows
/// ("We do not sell" read as "We do sell").
enum ControlCharacterRule: LintRule {
    static let id = "control-character"
    static let severity = Diagnostic.Severity.error
    static let summary = "a control character or a direction override in the text"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        func look(_ text: String, _ what: String, _ location: SourceLocation?) {
            guard let scalar = text.unicodeScalars.first(where: TerminalText.needsEscape) else { return }
            findings.append(LintFinding(.controlCharacter(scalar, in: what), at: location))
        }
        look(document.title, "the title", document.titleLocation)
        for section in document.allSections { look(section.title, "a heading", section.location) }
        for (_, clause) in document.allClauses { look(clause.text, "the text", clause.location) }
        return findings
    }
}

extension LintMessage {
    fileprivate static func controlCharacter(_ scalar: Unicode.Scalar, in what: String) -> LintMessage {
        let code = String(scalar.value, radix: 16, uppercase: true)
        return "\(what) holds the invisible character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code); remove it"
    }
}
