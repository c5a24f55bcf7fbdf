@testable import PolicyDiff
import PolicyParser
import Testing

/// Each editorial rule of `Rules/` carries the edits it must explain; each is diffed here as a one-clause
/// policy and must come out editorial, with that rule among its reasons.
@Suite struct RegionRuleTests {
    static let rules = Classifier.rulesBeforeTriggers + Classifier.rulesAfterTriggers
    static let examples: [(rule: String, old: String, new: String)] = rules.flatMap { rule in
        rule.examples.map { (rule.id, $0.old, $0.new) }
    }

    @Test(arguments: examples.indices)
    func eachRuleExplainsItsExamples(_ index: Int) {
        let (rule, old, new) = Self.examples[index]
        let changes = PolicyDiffer.diff(PolicyParser.parse(text: "# P\n\n## 1. Data\n\n\(old)\n"),
                                        PolicyParser.parse(text: "# P\n\n## 1. Data\n\n\(new)\n"))
        let rules = changes.changes.flatMap { $0.reasons.map(\.rule) }
        #expect(changes.verdict == .editorial, "\(rule): \(old) → \(new): \(rules)")
        #expect(rules.contains(rule), "\(rule): \(old) → \(new): \(rules)")
    }

    @Test func everyRuleIsCatalogued() {
        let ids = Self.rules.map { $0.id }, titles = Self.rules.map { $0.title }, exampleCounts = Self.rules.map { $0.examples.count }
        #expect(Set(ids).count == ids.count)
        for (index, id) in ids.enumerated() {
            let entry = RuleCatalog.entry(id)
            #expect(entry?.tier == .editorial, "\(id)")
            #expect(entry?.title == titles[index])
            // Only a rule that needs the project's word (diff.sameParty) shows it elsewhere.
            #expect(exampleCounts[index] > 0 || id == SamePartyRule.id, "\(id) has no example")
        }
    }

    /// Every rule a trigger raises is in the catalogue, so its reasons have a title and a strength.
    @Test func everyTriggerRaisesCataloguedRules() {
        for trigger in Classifier.regionTriggers {
            for rule in trigger.rules { #expect(RuleCatalog.entry(rule) != nil, "\(trigger): \(rule)") }
        }
    }
}
