/// "see Section 4" → "see Section 5", "Sections 4–7" → "Sections 5–8": a number that only points at a
/// part of the document (after a word of `Lexicon/reference-words.txt`), not an amount.
enum ReferenceRenumberedRule: RegionRule {
    static let id = "reference-renumbered"
    static let title = "Cross-reference renumbered"
    static let summary = "only a number after “Section”, “Article”, “Paragraph”… changed"
    static let examples: [(old: String, new: String)] = [
        ("To delete your data, see Section 7.", "To delete your data, see Section 8."),
        ("The limits of Sections 4–7 apply.", "The limits of Sections 5–8 apply."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let deleted = region.deletedWords, inserted = region.insertedWords
        guard let word = region.wordBefore, context.vocabulary.referenceWords.contains(word), !deleted.isEmpty,
              deleted.count == inserted.count else { return false }
        // Only numbers (and range or list punctuation between them) changed.
        return zip(deleted, inserted).allSatisfy { a, b in
            let numbers = Vocabulary.value(a.key.lowercased()) != nil && Vocabulary.value(b.key.lowercased()) != nil
            return numbers || a.key.lowercased() == b.key.lowercased()
        } && deleted.contains { Vocabulary.value($0.key.lowercased()) != nil }
    }
}
