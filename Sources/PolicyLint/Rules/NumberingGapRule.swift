import PolicyModel

/// Numbered sibling sections skip a number (1, 2, 4), in arabic, roman or letter numbering.
enum NumberingGapRule: LintRule {
    static let id = "numbering-gap"
    static let severity = Diagnostic.Severity.warning
    static let summary = "numbered sibling sections skip a number"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        for series in NumberedSeries.all(in: document) {
            let values = Set(series.members.map(\.number.value)).sorted()
            let number = series.members[0].number
            func location(of value: Int) -> SourceLocation? {
                series.members.first { $0.number.value == value }?.section.location
            }
            if let first = values.first, first > 1 {
                findings.append(LintFinding(.numberingStartsLate(number, missing: 1...(first - 1)),
                                            at: location(of: first)))
            }
            for (before, after) in zip(values, values.dropFirst()) where after > before + 1 {
                findings.append(LintFinding(.numberingSkips(number, missing: (before + 1)...(after - 1)),
                                            at: location(of: after)))
            }
        }
        return findings
    }
}

extension LintMessage {
    fileprivate static func numberingSkips(_ number: SectionNumber, missing: ClosedRange<Int>) -> LintMessage {
        """
        \(missingSections(number, missing)): numbering goes from \(number.written(missing.lowerBound - 1)) \
        to \(number.written(missing.upperBound + 1))
        """
    }

    fileprivate static func numberingStartsLate(_ number: SectionNumber, missing: ClosedRange<Int>) -> LintMessage {
        "\(missingSections(number, missing)): numbering starts at \(number.written(missing.upperBound + 1))"
    }

    private static func missingSections(_ number: SectionNumber, _ missing: ClosedRange<Int>) -> String {
        missing.count == 1
            ? "section \(number.written(missing.lowerBound)) is missing"
            : "sections \(number.written(missing.lowerBound)) to \(number.written(missing.upperBound)) are missing"
    }
}
