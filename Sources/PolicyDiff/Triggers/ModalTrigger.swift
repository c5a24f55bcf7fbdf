/// "may" ↔ "will", "must": what is promised became more or less certain.
enum ModalTrigger: RegionTrigger {
    static let rules = ["modal"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        if region.all.contains(where: context.vocabulary.modals.contains) {
            verdict.raise(span: region.detail, .material, "modal", region.detail)
        }
    }
}
