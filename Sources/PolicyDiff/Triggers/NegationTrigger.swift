/// A "not", "never" or "no" came or went: material. Where one went from a promise not to share, sell or
/// use data for an adverse purpose, and the clause's sentences no longer deny all they denied: consent.
enum NegationTrigger: RegionTrigger {
    static let rules = ["negation", "new-disclosure", "new-purpose"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        let vocabulary = context.vocabulary
        guard let word = region.all.first(where: vocabulary.negations.contains) else { return }
        verdict.raise(span: region.detail, .material, "negation", "“\(word)”: \(region.detail)")
        // "We do not sell" → "We sell": a promise not to share or target, withdrawn.
        // Counted over the whole clause: a "not" sentence moved within its clause withdraws nothing; and
        // read as statements, it must withdraw something: "never sells X, nor shares it" → "never sells
        // or shares X" still denies both, and "you will not receive payment" was no promise of ours.
        guard region.deletedWords.contains(where: vocabulary.negations.contains),
              !region.insertedWords.contains(where: vocabulary.negations.contains),
              context.clauseNegations().new < context.clauseNegations().old,
              !StatementChanges.stillDenies(old: Statement.read(vocabulary: vocabulary, context.clauseTexts.old),
                                            new: Statement.read(vocabulary: vocabulary, context.clauseTexts.new),
                                            denials: vocabulary.denials) else { return }
        let clauseWords = context.clauseWords
        if clauseWords.contains(where: vocabulary.saleWords.contains) && context.classifier.sellsData(clauseWords)
            || clauseWords.contains(where: vocabulary.disclosureWords.contains) && context.category == .disclosure {
            verdict.raise(span: region.detail, .consent, "new-disclosure", "a promise not to share or sell was withdrawn: \(region.detail)")
        } else if clauseWords.contains(where: vocabulary.newPurposeWords.contains) {
            verdict.raise(span: region.detail, .consent, "new-purpose", "a promise not to use data this way was withdrawn: \(region.detail)")
        }
    }
}
