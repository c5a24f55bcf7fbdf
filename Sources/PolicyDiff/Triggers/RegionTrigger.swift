/// A reason a changed region of a modified clause is not editorial: words that came or went and carry a
/// promise (a "not", a modal, a number, a name…), or that make the change adverse to Users (consent).
/// One trigger per file in this folder; `Classifier.regionTriggers` lists them in the order they are
/// asked, which is the order their reasons are raised. A region no trigger fires on is left to the
/// editorial rules asked after the triggers (`Classifier.rulesAfterTriggers`), then called material.
/// The consent triggers read only words that came (or went) without a negation beside them; a region
/// with a negation is `NegationTrigger`'s to judge.
protocol RegionTrigger: Sendable {
    /// The rules the trigger raises (`RuleCatalog` titles each; docs/materiality.md says when).
    static var rules: [String] { get }
    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict)
}

/// A changed region as the triggers read it: its words lowercased, and how a reason quotes it.
struct TriggerRegion {
    let deleted: [WordToken]
    let inserted: [WordToken]
    let deletedWords: [String]
    let insertedWords: [String]
    /// Deleted then inserted words.
    let all: [String]
    /// Whether a negation came or went with the region: the consent triggers then leave it to `NegationTrigger`.
    let hasNegation: Bool
    /// The region quoted: "“90 days” → “2 years”".
    let detail: String
    /// The last word before the region in the old text, lowercased.
    let wordBefore: String?

    init(deleted: [WordToken], inserted: [WordToken], detail: String, wordBefore: String?, vocabulary: Vocabulary) {
        self.deleted = deleted
        self.inserted = inserted
        deletedWords = deleted.map { $0.key.lowercased() }
        insertedWords = inserted.map { $0.key.lowercased() }
        all = deletedWords + insertedWords
        hasNegation = all.contains(where: vocabulary.negations.contains)
        self.detail = detail
        self.wordBefore = wordBefore
    }
}

/// What a trigger may read besides the region: the classifier's lexicons and helpers, and the clause.
struct TriggerContext {
    let classifier: Classifier
    let category: SectionCategory
    /// The new clause's words: a list, read by `contains` a few times per trigger, is quicker made than a set.
    let clauseWords: [String]
    let clauseTexts: (old: String, new: String)
    let newTokens: [WordToken]
    /// The negations of the old and the new clause, counted only when asked.
    let clauseNegations: () -> (old: Int, new: Int)

    var vocabulary: Vocabulary { classifier.vocabulary }
}
