/// A rule that explains one changed region of a modified clause (the words deleted and inserted between
/// two kept runs) as editorial: the wording changed, what is promised did not. One rule per file in this
/// folder; `Classifier.regionRules` lists them in the order they are asked. Adding a rule is adding a
/// file, listing it there and in `RuleCatalog`, with the edits it must accept (`examples`).
protocol RegionRule: Sendable {
    /// The id a reason carries (`compound-spelling`).
    static var id: String { get }
    /// The few words a reader sees before the detail ("Spelling of a compound").
    static var title: String { get }
    /// What the rule accepts, in one line: docs/materiality.md's table says the same.
    static var summary: String { get }
    /// Edits the rule must explain, old sentence then new: `LabelledSetTests` diffs each and expects
    /// this rule, and an editorial verdict.
    static var examples: [(old: String, new: String)] { get }
    /// Whether the region is this rule's kind of editorial change.
    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool
}

/// The words deleted and inserted at one place of a clause's word diff.
struct ChangedRegion {
    /// Every token: words, spaces and signs.
    let deleted: [WordToken]
    let inserted: [WordToken]
    /// The words alone.
    let deletedWords: [WordToken]
    let insertedWords: [WordToken]
    /// The last word before the region in the old text, lowercased ("section" before a number).
    let wordBefore: String?

    init(deleted: [WordToken], inserted: [WordToken], wordBefore: String?) {
        self.deleted = deleted
        self.inserted = inserted
        deletedWords = deleted.filter(\.isWord)
        insertedWords = inserted.filter(\.isWord)
        self.wordBefore = wordBefore
    }
}

/// What a region rule may read besides the region: the lexicons, the words of both revisions, the
/// project's parties and the whole clause's word diff.
struct RegionContext {
    let vocabulary: Vocabulary
    let wordCounts: WordCounts
    /// Each name of `DiffOptions.sameParties` (its words lowercased, joined by spaces) → its group.
    let partyGroups: [String: Int]
    let runs: [MyersDiff.Run]
    let oldTokens: [WordToken]
    let newTokens: [WordToken]
}

extension [WordToken] {
    /// The tokens' keys, lowercased.
    var lowercasedKeys: [String] { map { $0.key.lowercased() } }
}
