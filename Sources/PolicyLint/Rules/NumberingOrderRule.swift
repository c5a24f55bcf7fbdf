import PolicyModel

/// Numbered sibling sections go backwards (1, 3, 2).
enum NumberingOrderRule: LintRule {
    static let id = "numbering-order"
    static let severity = Diagnostic.Severity.warning
    static let summary = "numbered sibling sections go backwards"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        for series in NumberedSeries.all(in: document) {
            var highest: NumberedSeries.Member?
            var seen: Set<Int> = []
            for member in series.members {
                // A number seen before is a duplicate, reported by numbering-duplicate.
                if let top = highest, member.number.value < top.number.value, !seen.contains(member.number.value) {
                    findings.append(LintFinding(.numberingGoesBack(member.number, after: top.number),
                                                at: member.section.location))
                }
                if member.number.value > highest?.number.value ?? Int.min { highest = member }
                seen.insert(member.number.value)
            }
        }
        return findings
    }
}

extension LintMessage {
    fileprivate static func numberingGoesBack(_ number: SectionNumber, after previous: SectionNumber) -> LintMessage {
        "section \(number.text) comes after section \(previous.text): numbering goes backwards"
    }
}
