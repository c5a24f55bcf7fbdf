import PolicyModel

/// Heading levels that contradict the numbering.
///
/// Sectioning follows numbers, not levels, so mixed levels are fine in themselves: the house style has
/// numbered `###` sections with unnumbered `##` headings inside. What is flagged is a real contradiction:
/// one numbered series written at different levels, a sub-number (`4.2`) not deeper than its parent (`4`),
/// or an unnumbered heading more than one level deeper than the unnumbered heading it sits under.
enum HeadingLevelRule: LintRule {
    static let id = "heading-level"
    static let severity = Diagnostic.Severity.warning
    static let summary = "heading levels contradict the numbering"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        var findings: [LintFinding] = []
        for series in NumberedSeries.all(in: document) where series.members.count > 1 {
            let levels = series.members.map { $0.section.level }
            var counts: [Int: Int] = [:]
            for level in levels { counts[level, default: 0] += 1 }
            // The level most of the series uses (the earliest on a tie) is the intended one.
            let most = counts.values.max() ?? 0
            guard let usual = levels.first(where: { counts[$0] == most }) else { continue }
            for member in series.members where member.section.level != usual {
                findings.append(LintFinding(.seriesLevelDiffers(member.section, usual: usual),
                                            at: member.section.location))
            }
        }
        for section in document.sections { checkNesting(section, parent: nil, into: &findings) }
        return findings
    }

    private static func checkNesting(_ section: Section, parent: Section?, into findings: inout [LintFinding]) {
        if let parent {
            if let number = section.number, let parsed = SectionNumber(number), parsed.style == .arabic,
               !parsed.prefix.isEmpty, parent.number == parsed.prefix, section.level <= parent.level {
                findings.append(LintFinding(.subsectionNotDeeper(section, parent: parent), at: section.location))
            }
            if section.number == nil, parent.number == nil, section.level > parent.level + 1 {
                findings.append(LintFinding(.levelSkipped(section, parent: parent), at: section.location))
            }
        }
        for child in section.sections { checkNesting(child, parent: section, into: &findings) }
    }
}

extension LintMessage {
    fileprivate static func seriesLevelDiffers(_ section: Section, usual: Int) -> LintMessage {
        """
        section \(section.number ?? "") \(quoted(section.title)) is a level-\(section.level) heading, \
        but the sections numbered alongside it are level \(usual)
        """
    }

    fileprivate static func subsectionNotDeeper(_ section: Section, parent: Section) -> LintMessage {
        """
        section \(section.number ?? "") is a level-\(section.level) heading, not deeper than its parent \
        section \(parent.number ?? "") (level \(parent.level))
        """
    }

    fileprivate static func levelSkipped(_ section: Section, parent: Section) -> LintMessage {
        """
        heading \(quoted(section.title)) skips a level: level \(section.level) under the \
        level-\(parent.level) heading \(quoted(parent.title))
        """
    }
}
