/// A country or region came or went: where data goes or whose law applies.
enum PlaceTrigger: RegionTrigger {
    static let rules = ["place"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        if region.all.contains(where: context.vocabulary.places.contains) {
            verdict.raise(span: region.detail, .material, "place", region.detail)
        }
    }
}
