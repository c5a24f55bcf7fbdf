/// A capitalised name came or went: a company, a product, a place. In a clause about advertising, where
/// data flows to it or it tracks ("sends campaign data to Adjust", "the Yahoo Dot Pixel"): consent.
enum NamedPartyTrigger: RegionTrigger {
    static let rules = ["named-party", "new-disclosure"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        let classifier = context.classifier, vocabulary = context.vocabulary
        // A sentence's first "Our" or "We" names nobody, nor does a word whose case alone changed
        // ("Chatbots" → "chatbots"), nor an adverb that opens a sentence ("Presently," → "Currently,").
        func isAdverb(_ token: WordToken, in text: String) -> Bool {
            token.key.count > 4 && token.key.hasSuffix("ly") && text.contains(token.key + ",")
        }
        // "Analytics" → "Analytic": the same name, in the singular or the plural.
        func sameName(_ word: String, among others: [String]) -> Bool {
            others.contains { $0 == word || $0 + "s" == word || $0 == word + "s" }
        }
        let insertedNames = region.inserted.filter {
            classifier.isName($0) && !sameName($0.key.lowercased(), among: region.deletedWords)
                && !isAdverb($0, in: context.clauseTexts.new)
        }
        guard !insertedNames.isEmpty || region.deleted.contains(where: {
            classifier.isName($0) && !sameName($0.key.lowercased(), among: region.insertedWords)
                && !isAdverb($0, in: context.clauseTexts.old)
        }) else { return }
        verdict.raise(span: region.detail, .material, "named-party", region.detail)
        // A new party in an advertising clause gets data only if something flows to it or tracks for
        // it: "sends campaign data to Adjust", "the Yahoo Dot Pixel"; not "ads shown in Firefox Focus".
        // A new name where a recipient stands, or any new name in a clause that already sends data to a
        // named party ("to Adjust"): the disclosure now reaches more (iOS users, an Android ID).
        let clauseWords = context.clauseWords
        if !insertedNames.isEmpty,
           insertedNames.contains(where: { classifier.isRecipient($0, in: region.inserted, wordBefore: region.wordBefore) })
            || classifier.sendsToNamedParty(context.newTokens), !region.hasNegation,
           clauseWords.contains(where: vocabulary.adTechWords.contains),
           clauseWords.contains(where: { vocabulary.disclosureWords.contains($0) || vocabulary.flowWords.contains($0)
               || vocabulary.trackerWords.contains($0) }) {
            verdict.raise(span: region.detail, .consent, "new-disclosure", "a new party in a clause about advertising: \(region.detail)")
        }
    }
}
