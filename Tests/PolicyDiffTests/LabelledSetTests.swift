import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// The labelled sets: edits of the project's own policy and consecutive corpus revisions, each with the
/// tier a careful privacy lawyer gives it and the evidence. Every label is asserted.
@Suite struct LabelledSetTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct PolicyEdit: Decodable, Sendable, CustomTestStringConvertible {
        struct Edit: Decodable, Sendable {
            let find: String
            let replace: String
        }

        let name: String
        let edits: [Edit]
        let tier: String
        let rules: [String]
        let why: String

        var testDescription: String { name }
    }

    struct CorpusLabel: Decodable, Sendable, CustomTestStringConvertible {
        let doc: String
        let old: String
        let new: String
        let label: String
        let evidence: String
        /// Where policyc knowingly disagrees with the label: its verdict, always the more cautious one.
        let policyc: String?
        let disagreement: String?

        var testDescription: String { "\(doc) \(old.prefix(4))→\(new.prefix(4))" }
    }

    static let policyEdits: [PolicyEdit] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("policy-edits.json"))
        return try! JSONDecoder().decode([PolicyEdit].self, from: data)
    }()

    static let corpusLabels: [CorpusLabel] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("corpus-labels.json"))
        return try! JSONDecoder().decode([CorpusLabel].self, from: data)
    }()

    static let ownPolicyText: String = try! String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)

    @Test func theSetsAreLargeEnoughAndCoverEveryRule() {
        #expect(Self.policyEdits.count >= 40)
        #expect(Self.corpusLabels.count >= 30)
        let covered = Set(Self.policyEdits.flatMap(\.rules))
        for rule in ["formatting", "punctuation-or-case", "spelling", "duplicate-word", "link-same-host", "last-updated",
                     "moved-within-section", "split-same-words", "merged-same-words", "renumbered", "section-moved",
                     "heading-renamed", "words-changed", "negation", "modal", "quantifier", "number", "place",
                     "named-party", "definition-changed", "link-host-changed", "clause-added", "list-item-added",
                     "clause-removed", "list-item-removed", "moved-to-other-section", "new-disclosure", "new-purpose",
                     "right-removed", "retention-extended", "consent-dropped", "hidden-markup", "title-renamed",
                     "compound-spelling", "sentence-split", "connective", "duplicate-clause", "sentences-reordered",
                     "reference-renumbered", "table-of-contents", "binding-link-changed", "update-notice",
                     "list-conjunction", "encoding-repaired"] {
            #expect(covered.contains(rule), "no labelled edit exercises \(rule)")
        }
    }

    @Test(arguments: policyEdits)
    func policyEdit(_ entry: PolicyEdit) throws {
        var text = Self.ownPolicyText
        for edit in entry.edits {
            let ranges = text.ranges(of: edit.find)
            try #require(ranges.count == 1, "“\(edit.find.prefix(40))” occurs \(ranges.count) times")
            text.replaceSubrange(ranges[0], with: edit.replace)
        }
        let old = PolicyParser.parse(text: Self.ownPolicyText, path: "policy/privacy-policy.md")
        let new = PolicyParser.parse(text: text, path: "policy/privacy-policy.md")
        let changes = PolicyDiffer.diff(old, new)
        let rules = Set(changes.changes.flatMap { $0.reasons.map(\.rule) })
        #expect(changes.verdict.rawValue == entry.tier, "\(entry.why) — reasons: \(rules.sorted())")
        for rule in entry.rules {
            #expect(rules.contains(rule), "expected \(rule) among \(rules.sorted())")
        }
    }

    @Test(.enabled(if: Fixtures.hasCorpus), arguments: corpusLabels)
    func corpusPair(_ entry: CorpusLabel) throws {
        let folder = Fixtures.corpus.appendingPathComponent(entry.doc)
        let old = PolicyParser.parse(try Data(contentsOf: folder.appendingPathComponent(entry.old)), path: entry.old)
        let new = PolicyParser.parse(try Data(contentsOf: folder.appendingPathComponent(entry.new)), path: entry.new)
        let changes = PolicyDiffer.diff(old, new)
        let rules = changes.changes.flatMap { $0.reasons.map(\.rule) }
        if let known = entry.policyc {
            // A recorded disagreement: still asserted, so a fix (or a regression) shows up here.
            #expect(changes.verdict.rawValue == known, "\(entry.disagreement ?? "") — tool: \(Set(rules).sorted())")
            let label = try #require(Tier(rawValue: entry.label)), tool = try #require(Tier(rawValue: known))
            #expect(tool > label, "a known disagreement must err towards notifying Users")
        } else {
            #expect(changes.verdict.rawValue == entry.label, "\(entry.evidence) — tool: \(Set(rules).sorted())")
        }
    }

    @Test func fewKnownDisagreements() {
        let known = Self.corpusLabels.filter { $0.policyc != nil }
        #expect(known.count * 10 <= Self.corpusLabels.count, "more than one pair in ten disagrees with its label")
    }
}
