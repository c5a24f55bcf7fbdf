/// Only articles and prepositions came, or only went ("violate of" → "violate"). A swap of one for another
/// ("from" → "for") is not grammar: it can reverse who gets the data.
enum GrammarRule: RegionRule {
    static let id = "grammar"
    static let title = "Grammar"
    static let summary = "one or two articles or prepositions (Lexicon/function-words.txt) added, or removed"
    static let examples: [(old: String, new: String)] = [
        ("Do not violate of these terms.", "Do not violate these terms."),
        ("We answer within days of request.", "We answer within days of a request."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let deleted = region.deletedWords, inserted = region.insertedWords
        guard deleted.isEmpty != inserted.isEmpty else { return false }
        let words = (deleted + inserted).lowercasedKeys
        return words.count <= 2 && words.allSatisfy(context.vocabulary.functionWords.contains)
    }
}
