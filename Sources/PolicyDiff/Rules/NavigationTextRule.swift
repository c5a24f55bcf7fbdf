/// "Learn more.", "Click here", "see below": words that point the reader elsewhere and promise nothing
/// (`Lexicon/navigation-words.txt`).
enum NavigationTextRule: RegionRule {
    static let id = "navigation-text"
    static let title = "Navigation text"
    static let summary = "“Learn more”, “Click here”, “see below” added or removed"
    static let examples: [(old: String, new: String)] = [
        ("We use cookies to keep you signed in.", "We use cookies to keep you signed in. Learn more."),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let words = region.deletedWords + region.insertedWords
        return !words.isEmpty && words.allSatisfy { context.vocabulary.navigationWords.contains($0.key.lowercased()) }
    }
}
