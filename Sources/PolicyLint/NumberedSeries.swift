import PolicyModel

/// Numbered sections that count together: siblings of one style and one dotted prefix, in document order.
///
/// A numbering restarts under each parent (`A.`, `B.` under `1.`, again under `2.`; `1.` under each unnumbered
/// "Part"). A section that does not start a numbering (`3.` with no `1.` beside it) continues the latest series
/// of its kind instead: `1.`–`2.` under an unnumbered "Terms" heading and a `3.` written one level up, which
/// the tree puts beside "Terms", are one series with a level problem, not a series starting at 3.
struct NumberedSeries {
    struct Member {
        let section: Section
        let number: SectionNumber
    }

    var members: [Member]

    /// Every series in the document, in document order of their first members.
    static func all(in document: Document) -> [NumberedSeries] {
        var collector = Collector()
        collector.visit(document.sections, parent: "")
        return collector.series
    }

    private struct Collector {
        var series: [NumberedSeries] = []
        /// "parent|style:prefix" → index in `series`.
        var indexByParent: [String: Int] = [:]
        /// "style:prefix" → index of the latest series of that kind.
        var latestByKind: [String: Int] = [:]

        mutating func visit(_ siblings: [Section], parent: String) {
            // The previous number among these siblings tells the letter `I` (after `H`) from the roman `I`.
            var previous: SectionNumber?
            for section in siblings {
                if let text = section.number, let number = SectionNumber(text, after: previous) {
                    previous = number
                    add(Member(section: section, number: number), parent: parent)
                }
                visit(section.sections, parent: section.id)
            }
        }

        private mutating func add(_ member: Member, parent: String) {
            let kind = member.number.series
            let key = parent + "|" + kind
            if let index = indexByParent[key] ?? (member.number.value > 1 ? latestByKind[kind] : nil) {
                series[index].members.append(member)
                indexByParent[key] = index
            } else {
                indexByParent[key] = series.count
                series.append(NumberedSeries(members: [member]))
            }
            latestByKind[kind] = indexByParent[key]
        }
    }
}
