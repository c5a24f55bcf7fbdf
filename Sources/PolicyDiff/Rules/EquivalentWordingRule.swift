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
        ("Our vendors assist individuals with the account settings prior to sign-up.",
         "Our vendors help people with the account settings before sign-up."),
        ("Please endeavour to utilize the export tool.", "Please try to use the export tool."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        // Words only (and `&`): "the United States," → "the U.S.," brings its own stop.
        func spelled(_ tokens: [WordToken]) -> String {
            tokens.filter { $0.isWord || $0.key == "&" || $0.key == "/" }.lowercasedKeys.joined(separator: " ")
                .replacing(" / ", with: "/")
        }
        let before = spelled(region.deleted), after = spelled(region.inserted)
        return context.vocabulary.equivalents[before]?.contains(after) == true
            || sameNumber(region.deletedWords, region.insertedWords)
            || pieceByPiece(region.deletedWords.lowercasedKeys, region.insertedWords.lowercasedKeys, context.vocabulary.equivalents)
    }

    /// "assist individuals" → "help people": both sides cut into the same number of pieces, each piece
    /// the same word or an equivalent of its partner, and at least one equivalent.
    private static func pieceByPiece(_ old: [String], _ new: [String], _ equivalents: [String: Set<String>]) -> Bool {
        guard old.count > 1 || new.count > 1, old.count <= 12, new.count <= 12 else { return false }
        let longest = 4
        // reachable[i][j]: old[..<i] and new[..<j] cut into matching pieces; `true` once an equivalent was used.
        var reachable = Array(repeating: Array(repeating: Bool?.none, count: new.count + 1), count: old.count + 1)
        reachable[0][0] = false
        for i in 0...old.count {
            for j in 0...new.count {
                guard let usedEquivalent = reachable[i][j] else { continue }
                if i < old.count, j < new.count, old[i] == new[j] {
                    reachable[i + 1][j + 1] = (reachable[i + 1][j + 1] ?? false) || usedEquivalent
                }
                for a in 1...longest where i + a <= old.count {
                    guard let partners = equivalents[old[i..<i + a].joined(separator: " ")] else { continue }
                    for b in 1...longest where j + b <= new.count && partners.contains(new[j..<j + b].joined(separator: " ")) {
                        reachable[i + a][j + b] = true
                    }
                }
            }
        }
        return reachable[old.count][new.count] == true
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
