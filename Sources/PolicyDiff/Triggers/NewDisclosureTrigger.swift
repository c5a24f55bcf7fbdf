/// A sale of personal data added ("sell" in a clause about data, not about goods or plans), or a
/// disclosure to advertisers or partners added to a clause about disclosure.
enum NewDisclosureTrigger: RegionTrigger {
    static let rules = ["new-disclosure"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        guard !region.hasNegation else { return }
        let vocabulary = context.vocabulary, inserted = region.insertedWords
        if let word = inserted.first(where: vocabulary.saleWords.contains), context.classifier.sellsData(context.clauseWords) {
            verdict.raise(span: region.detail, .consent, "new-disclosure", "“\(word)” added: \(region.detail)")
        } else if context.category == .disclosure, let word = inserted.first(where: vocabulary.disclosureWords.contains),
                  inserted.contains(where: vocabulary.adTechWords.contains) || inserted.contains("partners") {
            verdict.raise(span: region.detail, .consent, "new-disclosure", "“\(word)” added: \(region.detail)")
        }
    }
}
