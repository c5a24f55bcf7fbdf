import PolicyModel

/// The same number twice among sibling sections, or a dotted number (`4.2`) twice anywhere in the document.
enum NumberingDuplicateRule: LintRule {
    static let id = "numbering-duplicate"
    static let severity = Diagnostic.Severity.error
    static let summary = "two sections carry the same number"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        var reported: Set<String> = []
        for series in NumberedSeries.all(in: document) {
            var firstByValue: [Int: Section] = [:]
            for member in series.members {
                if let first = firstByValue[member.number.value] {
                    findings.append(LintFinding(.numberRepeated(member.section, first: first), at: member.section.location))
                    reported.insert(member.section.id)
                } else {
                    firstByValue[member.number.value] = member.section
                }
            }
        }
        // "Section 4.2" must name one place, wherever the two sections sit in the tree.
        var firstByDottedNumber: [String: Section] = [:]
        for section in document.allSections {
            guard let number = section.number, let parsed = SectionNumber(number), parsed.style == .arabic,
                  !parsed.prefix.isEmpty else { continue }
            if let first = firstByDottedNumber[number] {
                if reported.insert(section.id).inserted {
                    findings.append(LintFinding(.numberRepeated(section, first: first), at: section.location))
                }
            } else {
                firstByDottedNumber[number] = section
            }
        }
        return findings
    }
}

extension LintMessage {
    fileprivate static func numberRepeated(_ section: Section, first: Section) -> LintMessage {
        let firstPlace = first.location.map { " on line \($0.line)" } ?? ""
        return """
            section \(section.number ?? "") appears twice: \(quoted(section.title)) repeats the number of \
            \(quoted(first.title))\(firstPlace)
            """
    }
}
