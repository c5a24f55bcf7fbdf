/// A number came or went: an age, a period, an amount. Whether a period grew is decided over the whole
/// clause, in days (`Classifier.checkRetention`): a bare number that grew ("Product 3" → "Product 4")
/// keeps nothing longer.
enum NumberTrigger: RegionTrigger {
    static let rules = ["number"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        if region.all.contains(where: Vocabulary.isNumber) {
            verdict.raise(span: region.detail, .material, "number", region.detail)
        }
    }
}
