/// "the the" → "the", "to improve the service to improve the service" → once: a word or a phrase removed
/// (or added) next to an identical copy of itself.
enum DuplicateWordRule: RegionRule {
    static let id = "duplicate-word"
    static let title = "Repeated words removed"
    static let summary = "a word or phrase written twice in a row now written once, or the reverse"
    static let examples: [(old: String, new: String)] = [
        ("We use the the data to run the Service.", "We use the data to run the Service."),
        ("We use it to improve the Service to improve the Service.", "We use it to improve the Service."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let deleted = region.deletedWords, inserted = region.insertedWords
        let changed = deleted.isEmpty ? inserted : deleted
        guard deleted.isEmpty || inserted.isEmpty, (1...12).contains(changed.count) else { return false }
        let phrase = changed.lowercasedKeys
        let (old, new) = (context.oldTokens, context.newTokens)
        return hasDoubled(phrase, in: deleted.isEmpty ? new : old) || hasDoubled(phrase, in: deleted.isEmpty ? old : new)
    }

    /// Whether `phrase` (lowercased words) stands twice in a row among the words of `tokens`, read in
    /// place: lists of every lowercased word of both sides cost more than the rest of classifying the clause.
    private static func hasDoubled(_ phrase: [String], in tokens: [WordToken]) -> Bool {
        if phrase.count == 1 {
            var previousMatches = false
            for token in tokens where token.isWord {
                let matches = lowercases(token.key, to: phrase[0])
                if matches, previousMatches { return true }
                previousMatches = matches
            }
            return false
        }
        let words = tokens.filter(\.isWord).lowercasedKeys
        guard words.count >= phrase.count * 2 else { return false }
        for start in 0...(words.count - phrase.count * 2) where words[start] == phrase[0] {
            if words[start..<start + phrase.count].elementsEqual(phrase),
               words[start + phrase.count..<start + phrase.count * 2].elementsEqual(phrase) { return true }
        }
        return false
    }

    /// `key.lowercased() == lowered`, without making the lowercased copy when `key` is ASCII.
    private static func lowercases(_ key: String, to lowered: String) -> Bool {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else { return key.lowercased() == lowered }
        return key.utf8.count == lowered.utf8.count && zip(key.utf8, lowered.utf8).allSatisfy { byte, lowerByte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == lowerByte : byte == lowerByte
        }
    }
}
