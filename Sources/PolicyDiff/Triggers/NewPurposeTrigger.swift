/// An adverse purpose added (advertising, profiling, model training), in that sense of the word, where
/// none went in its place.
enum NewPurposeTrigger: RegionTrigger {
    static let rules = ["new-purpose"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        guard !region.hasNegation else { return }
        let vocabulary = context.vocabulary
        if let word = region.insertedWords.first(where: {
            vocabulary.newPurposeWords.contains($0) && Statement.isPurposeSense($0, in: context.clauseWords, vocabulary: vocabulary)
        }), !region.deletedWords.contains(where: vocabulary.newPurposeWords.contains) {
            verdict.raise(span: region.detail, .consent, "new-purpose", "“\(word)” added: \(region.detail)")
        }
    }
}
