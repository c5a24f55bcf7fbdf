/// The same words in other case or punctuation ("personal Data" → "personal data", "data; and" → "data,
/// and"), or a region of signs alone.
enum PunctuationOrCaseRule: RegionRule {
    static let id = "punctuation-or-case"
    static let title = "Punctuation or capitals"
    static let summary = "the same words, in other case or punctuation"
    static let examples: [(old: String, new: String)] = [
        ("We collect your Email Address.", "We collect your email address."),
        ("We collect your name, email and phone number.", "We collect your name, email, and phone number."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let deleted = region.deletedWords, inserted = region.insertedWords
        return deleted.isEmpty && inserted.isEmpty || !deleted.isEmpty && deleted.lowercasedKeys == inserted.lowercasedKeys
    }
}
