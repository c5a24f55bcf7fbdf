/// Consent removed as the basis of a practice that stays, or a promise to ask for it removed; not
/// consent that went with its practice (a change in the User's favour).
enum ConsentDroppedTrigger: RegionTrigger {
    static let rules = ["consent-dropped"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        guard !region.hasNegation else { return }
        let vocabulary = context.vocabulary, deleted = region.deletedWords
        if let word = deleted.first(where: vocabulary.consentWords.contains),
           !region.insertedWords.contains(where: vocabulary.consentWords.contains),
           !context.clauseWords.contains(word),
           deleted.contains(where: vocabulary.consentPromiseWords.contains) || !deleted.contains(where: vocabulary.practiceVerbs.contains) {
            verdict.raise(span: region.detail, .consent, "consent-dropped", "“\(word)” removed: \(region.detail)")
        }
    }
}
