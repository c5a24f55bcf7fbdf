/// Every materiality rule in one table: its id, the tier it stands for, and the words a reader sees
/// before its detail ("Kept longer: 5 years (1825 days) where it was 180 days"). The order is the
/// order of strength: a change's reasons, and the verdict's, are listed strongest first.
public enum RuleCatalog {
    public struct Entry: Sendable {
        public var rule: String
        public var tier: Tier
        /// A few plain words that say what kind of change this is.
        public var title: String

        /// The entry of an editorial rule of `Rules/`, which says its own id and title.
        init(_ rule: any RegionRule.Type) {
            self.init(rule: rule.id, tier: .editorial, title: rule.title)
        }

        init(rule: String, tier: Tier, title: String) {
            self.rule = rule
            self.tier = tier
            self.title = title
        }
    }

    public static let entries: [Entry] = [
        // Consent: adverse to Users.
        Entry(rule: "new-disclosure", tier: .consent, title: "New disclosure of personal data"),
        Entry(rule: "new-purpose", tier: .consent, title: "New use of personal data"),
        Entry(rule: "retention-extended", tier: .consent, title: "Kept longer"),
        Entry(rule: "right-removed", tier: .consent, title: "Right or choice removed"),
        Entry(rule: "consent-dropped", tier: .consent, title: "Consent no longer asked"),
        // Material.
        Entry(rule: "override", tier: .material, title: "Decided by the author"),
        // Words the project named as sensitive (`diff.sensitiveWords`): the author asked to hear of them.
        Entry(rule: "sensitive-word", tier: .material, title: "A sensitive word changed"),
        Entry(rule: "negation", tier: .material, title: "A “not” or “never” changed"),
        Entry(rule: "modal", tier: .material, title: "What must, may or will happen changed"),
        Entry(rule: "number", tier: .material, title: "A number changed"),
        Entry(rule: "quantifier", tier: .material, title: "How much or how many changed"),
        Entry(rule: "place", tier: .material, title: "A place changed"),
        Entry(rule: "named-party", tier: .material, title: "A named company or product changed"),
        Entry(rule: "binding-link-changed", tier: .material, title: "A linked agreement changed"),
        Entry(rule: "link-host-changed", tier: .material, title: "A link now goes elsewhere"),
        Entry(rule: "definition-changed", tier: .material, title: "A definition changed"),
        Entry(rule: "clause-added", tier: .material, title: "Added"),
        Entry(rule: "list-item-added", tier: .material, title: "List item added"),
        Entry(rule: "clause-removed", tier: .material, title: "Removed"),
        Entry(rule: "list-item-removed", tier: .material, title: "List item removed"),
        Entry(rule: "moved-to-other-section", tier: .material, title: "Moved to another section"),
        Entry(rule: "words-changed", tier: .material, title: "Reworded"),
        // Editorial.
        Entry(rule: "title-renamed", tier: .editorial, title: "Title renamed"),
        Entry(rule: "heading-renamed", tier: .editorial, title: "Heading renamed"),
        Entry(rule: "heading-added", tier: .editorial, title: "Heading added"),
        Entry(rule: "heading-removed", tier: .editorial, title: "Heading removed"),
        Entry(rule: "renumbered", tier: .editorial, title: "Renumbered"),
        Entry(rule: "section-moved", tier: .editorial, title: "Section moved"),
        Entry(rule: "moved-within-section", tier: .editorial, title: "Moved within its section"),
        Entry(rule: "split-same-words", tier: .editorial, title: "Split, same words"),
        Entry(rule: "merged-same-words", tier: .editorial, title: "Merged, same words"),
        Entry(rule: "sentences-reordered", tier: .editorial, title: "Sentences reordered"),
        Entry(rule: "duplicate-clause", tier: .editorial, title: "Duplicate paragraph"),
        Entry(rule: "table-of-contents", tier: .editorial, title: "Table of contents"),
        Entry(rule: "update-notice", tier: .editorial, title: "Notice of a new version"),
        Entry(ReferenceRenumberedRule.self),
        Entry(rule: "link-same-host", tier: .editorial, title: "Link updated, same site"),
        Entry(SamePartyRule.self),
        Entry(LegalFormRule.self),
        Entry(EquivalentWordingRule.self),
        Entry(SentenceSplitRule.self),
        Entry(rule: "list-conjunction", tier: .editorial, title: "List joined differently"),
        Entry(ConnectiveRule.self),
        Entry(CompoundSpellingRule.self),
        Entry(SpellingRule.self),
        Entry(DuplicateWordRule.self),
        Entry(GrammarRule.self),
        Entry(VoiceRule.self),
        Entry(NavigationTextRule.self),
        Entry(rule: "hidden-markup", tier: .editorial, title: "Hidden markup"),
        Entry(EncodingRepairedRule.self),
        Entry(PunctuationOrCaseRule.self),
        Entry(rule: "formatting", tier: .editorial, title: "Formatting"),
        Entry(rule: "last-updated", tier: .editorial, title: "“Last updated” date"),
    ]

    private static let byRule: [String: (index: Int, entry: Entry)] = Dictionary(
        uniqueKeysWithValues: entries.enumerated().map { ($1.rule, ($0, $1)) })

    /// Lower is stronger; a rule not in the table sorts after every material rule.
    public static func strength(_ rule: String) -> Int {
        byRule[rule]?.index ?? entries.firstIndex { $0.tier == .editorial }!
    }

    public static func entry(_ rule: String) -> Entry? { byRule[rule]?.entry }

    /// The reason in plain words: the rule's title, then what it found.
    public static func summary(rule: String, detail: String) -> String {
        guard let title = byRule[rule]?.entry.title else { return detail }
        return detail.isEmpty ? title : "\(title): \(detail)"
    }
}
