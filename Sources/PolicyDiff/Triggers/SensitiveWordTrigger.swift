/// A word the project lists as sensitive (`diff.sensitiveWords` in policyc.yml) came or went.
enum SensitiveWordTrigger: RegionTrigger {
    static let rules = ["sensitive-word"]

    static func check(_ region: TriggerRegion, _ context: TriggerContext, into verdict: inout Classifier.Verdict) {
        if let word = region.all.first(where: context.classifier.sensitiveWords.contains) {
            verdict.raise(span: region.detail, .material, "sensitive-word", "“\(word)”: \(region.detail)")
        }
    }
}
