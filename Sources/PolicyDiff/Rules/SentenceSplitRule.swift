/// ", and you may" ↔ ". You may", ", which we need" ↔ ". We need": one sentence split in two, or two joined,
/// with a word of `Lexicon/sentence-joiners.txt`.
enum SentenceSplitRule: RegionRule {
    static let id = "sentence-split"
    static let title = "Sentence split or joined"
    static let summary = "one sentence split in two, or two joined, with “and”, “but” or “which”"
    static let examples: [(old: String, new: String)] = [
        ("We keep your notes safe, and you may export them at any time.", "We keep your notes safe. You may export them at any time."),
        ("We keep logs. We use them to fix bugs.", "We keep logs, and we use them to fix bugs."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        func words(_ tokens: [WordToken]) -> [String] { tokens.filter(\.isWord).lowercasedKeys }
        func stops(_ tokens: [WordToken]) -> Bool { tokens.contains { $0.key == "." || $0.key == ";" } }
        for (joined, split) in [(region.deleted, region.inserted), (region.inserted, region.deleted)] {
            let joinedWords = words(joined), splitWords = words(split)
            guard let first = joinedWords.first, context.vocabulary.sentenceJoiners.contains(first),
                  Array(joinedWords.dropFirst()) == splitWords, stops(split), !stops(joined) else { continue }
            // The sentence that now starts is capitalised.
            if let start = split.first(where: \.isWord), start.key.first?.isUppercase == true { return true }
            if splitWords.isEmpty { return true }
        }
        return false
    }
}
