/// Words replaced by near spellings of themselves: `recieve` → `receive`, `you` → `your`; or a pair of real
/// words that are each other's typo (`Lexicon/confusables.txt`: "form" ↔ "from"). Asked after the material
/// triggers: a near spelling that is a number or a modal is no typo.
enum SpellingRule: RegionRule {
    static let id = "spelling"
    static let title = "Spelling"
    static let summary = "a word replaced by a near spelling (one edit in short words, two in words of 5+ letters; a swap of "
        + "neighbouring letters is one), one of the two a one-off as a typo is; or a pair of confusable real words"
    static let examples: [(old: String, new: String)] = [
        ("We will recieve your request and answer it.", "We will receive your request and answer it."),
        ("Fill in the from on the contact page.", "Fill in the form on the contact page."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let deleted = region.deletedWords, inserted = region.insertedWords
        guard deleted.count == inserted.count, !deleted.isEmpty else { return false }
        for (a, b) in zip(deleted, inserted) {
            if context.vocabulary.confusables.contains([a.key.lowercased(), b.key.lowercased()]) { continue }
            let x = Array(a.key.lowercased().unicodeScalars), y = Array(b.key.lowercased().unicodeScalars)
            guard min(x.count, y.count) >= 3, max(x.count, y.count) <= 40, !Vocabulary.isNumber(a.key),
                  !Vocabulary.isNumber(b.key) else { return false }
            let allowed = min(x.count, y.count) >= 5 ? 2 : 1
            guard abs(x.count - y.count) <= allowed, editDistance(x, y) <= allowed else { return false }
            // One of the two must be a one-off in both revisions, as a typo is: `store` → `share` are both
            // real words the policy uses, and that is a change of meaning.
            guard context.wordCounts.isRare(a.key.lowercased()) || context.wordCounts.isRare(b.key.lowercased()) else {
                return false
            }
        }
        return true
    }

    /// Edit distance counting a swap of neighbouring letters as one edit (optimal string alignment).
    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
