/// "e-mail" → "email", "thirdparty" → "third party", "opt out" → "opt-out": the same letters, joined or split.
/// Not where a split side holds a word that changes meaning on its own ("may be" → "maybe").
enum CompoundSpellingRule: RegionRule {
    static let id = "compound-spelling"
    static let title = "Spelling of a compound"
    static let summary = "the same letters joined, split or hyphenated, unless the split side holds a modal, negation or quantifier"
    static let examples: [(old: String, new: String)] = [
        ("Send us an e-mail.", "Send us an email."),
        ("We never give data to a thirdparty.", "We never give data to a third party."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let deleted = region.deletedWords, inserted = region.insertedWords
        guard !deleted.isEmpty, !inserted.isEmpty, deleted.count != inserted.count || deleted.count == 1 else { return false }
        func joined(_ words: [WordToken]) -> String {
            String(words.lowercasedKeys.joined().unicodeScalars.filter { $0 != "-" && $0 != "‐" })
        }
        let before = joined(deleted), after = joined(inserted)
        // Hyphens or spaces must differ: a change of case alone is `punctuation-or-case`.
        let raw = (deleted.lowercasedKeys.joined(), inserted.lowercasedKeys.joined())
        guard before == after, before.count >= 4, raw.0 != raw.1 || deleted.count != inserted.count else { return false }
        let split = deleted.count > inserted.count ? deleted : inserted
        let vocabulary = context.vocabulary
        return split.count == 1 || !split.lowercasedKeys.contains { word in
            vocabulary.modals.contains(word) || vocabulary.negations.contains(word) || vocabulary.quantifiers.contains(word)
        }
    }
}
