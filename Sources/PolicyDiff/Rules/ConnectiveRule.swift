/// "We" → "Furthermore, we", "No method" → "Please note that no method": only linking words and phrases
/// (`Lexicon/connectives.txt`) came or went; the words kept may change case, as a sentence's first word does.
enum ConnectiveRule: RegionRule {
    static let id = "connective"
    static let title = "Linking word"
    static let summary = "only linking words came or went: “Furthermore,”, “Note:”, “i.e.”, “Please note that”"
    static let examples: [(old: String, new: String)] = [
        ("We keep logs. We delete them after a year.", "We keep logs. Furthermore, we delete them after a year."),
        ("No method of storage is perfectly safe.", "Please note that no method of storage is perfectly safe."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let connectives = context.vocabulary.connectives
        func content(_ tokens: [WordToken]) -> [String] {
            let words = tokens.lowercasedKeys
            var kept: [String] = []
            var index = 0
            next: while index < words.count {
                for phrase in connectives where words[index...].starts(with: phrase) {
                    index += phrase.count
                    continue next
                }
                kept.append(words[index])
                index += 1
            }
            return kept
        }
        let deleted = region.deletedWords, inserted = region.insertedWords
        return content(deleted) == content(inserted) && deleted.lowercasedKeys != inserted.lowercasedKeys
    }
}
