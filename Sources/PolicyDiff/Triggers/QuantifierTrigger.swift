/// "all", "some", "only", "any": how much or how many changed.
enum QuantifierTrigger: RegionTrigger {
    static let rules = ["quantifier"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        if region.all.contains(where: context.vocabulary.quantifiers.contains) {
            verdict.raise(span: region.detail, .material, "quantifier", region.detail)
        }
    }
}
