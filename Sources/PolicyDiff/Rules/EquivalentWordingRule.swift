/// `&` ↔ `and`, `solely` ↔ `only`, "don't" ↔ "do not", "United States" ↔ "U.S.", and the same number in
/// digits or words (`30` ↔ `thirty`): the same words in another spelling (`Lexicon/equivalents.txt`).
enum EquivalentWordingRule: RegionRule {
    static let id = "equivalent-wording"
    static let title = "Same meaning, other words"
    static let summary = "a spelling from Lexicon/equivalents.txt for another of its line, or a number in digits for the same in words"
    static let examples: [(old: String, new: String)] = [
        ("We do not sell your data & never will.", "We don't sell your data and never will."),
        ("We reply within 30 days.", "We reply within thirty days."),
        ("Our servers are in the United States.", "Our servers are in the U.S."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        // Words only (and `&`): "the United States," → "the U.S.," brings its own stop.
        func spelled(_ tokens: [WordToken]) -> String {
            tokens.filter { $0.isWord || $0.key == "&" || $0.key == "/" }.lowercasedKeys.joined(separator: " ")
                .replacing(" / ", with: "/")
        }
        let before = spelled(region.deleted), after = spelled(region.inserted)
        return context.vocabulary.equivalents.contains { $0.contains(before) && $0.contains(after) && before != after }
            || sameNumber(region.deletedWords, region.insertedWords)
    }

    /// `30` ↔ `thirty`, `30` ↔ `thirty (30)`: every word on both sides a number, and both sides the same numbers.
    private static func sameNumber(_ deleted: [WordToken], _ inserted: [WordToken]) -> Bool {
        func values(_ words: [WordToken]) -> Set<Double>? {
            var values: Set<Double> = []
            for word in words {
                guard let value = Vocabulary.value(word.key.lowercased()) else { return nil }
                values.insert(value)
            }
            return values.isEmpty ? nil : values
        }
        guard let before = values(deleted), let after = values(inserted) else { return false }
        return before == after
    }
}
