/// A right's word removed from a clause about rights, and fewer of it in the whole new policy: the
/// policy no longer grants it anywhere, not one paragraph that named it rewritten or moved.
enum RightRemovedTrigger: RegionTrigger {
    static let rules = ["right-removed"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        guard !region.hasNegation else { return }
        let vocabulary = context.vocabulary, clauseWords = context.clauseWords
        if let word = region.deletedWords.first(where: vocabulary.rightWords.contains),
           !region.insertedWords.contains(where: vocabulary.rightWords.contains),
           context.category == .rights || clauseWords.contains("right") || clauseWords.contains("rights"),
           !clauseWords.contains(word), context.classifier.wordCounts.fewerInNew(word) {
            verdict.raise(span: region.detail, .consent, "right-removed", "“\(word)” removed: \(region.detail)")
        }
    }
}
