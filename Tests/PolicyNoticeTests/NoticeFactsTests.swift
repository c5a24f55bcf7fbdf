import PolicyDiff
import PolicyModel
import Testing
@testable import PolicyNotice

/// What the email says about each change, in plain words.
struct NoticeFactsTests {
    static func change(_ kind: Change.Kind, tier: Tier = .material, old: String?, new: String?) -> Change {
        let position = Position(id: "c1", section: "sec-2", sectionHeading: "2. Information We Collect", line: 10)
        return Change(kind: kind, subject: .clause, tier: tier, old: old == nil ? nil : position, new: new == nil ? nil : position,
                      reasons: [Reason(rule: "words-changed", detail: "")], oldText: old, newText: new, words: nil,
                      fingerprint: "f")
    }

    @Test func aChangeFarIntoALongClauseIsQuotedWhereItHappens() {
        let start = String(repeating: "We keep your notes safe and private for you. ", count: 12)
        let sentence = NoticeSection.sentence(Self.change(.modified, old: start + "We never sell them.",
                                                          new: start + "We sell them to advertisers."), limit: 280).sentence()
        #expect(sentence.contains("We sell them to advertisers."))
        #expect(sentence.contains("We never sell them."))
        #expect(sentence.hasPrefix("Now reads: “… "), "the skipped start is marked")
    }

    @Test func shortChangesAreQuotedWhole() {
        #expect(NoticeSection.sentence(Self.change(.added, old: nil, new: "We collect   your\nphone number."), limit: 280).sentence()
                == "Added: “We collect your phone number.”")
        #expect(NoticeSection.sentence(Self.change(.removed, old: "You can delete your data.", new: nil), limit: 280).sentence()
                == "Removed: “You can delete your data.”")
    }

    @Test func onlyMaterialChangesAreListedAndEditorialOnesCounted() {
        let changes = ChangeSet(verdict: .material, changes: [
            Self.change(.modified, tier: .editorial, old: "colour", new: "color"),
            Self.change(.added, old: nil, new: "We collect your location."),
        ], verdictReasons: [], oldTitle: "Privacy Policy", newTitle: "Privacy Policy", oldLastUpdated: nil, newLastUpdated: nil)
        let (sections, editorial) = NoticeSection.summarize(changes)
        #expect(sections.map(\.heading) == ["2. Information We Collect"])
        #expect(sections.map(\.changes) == [["Added: “We collect your location.”"]])
        #expect(sections[0].statements.map { $0.sentence(in: .french) } == ["Ajouté\u{00A0}: “We collect your location.”"],
                "the labels in French, the quote as the policy has it")
        #expect(editorial == 1)
    }

    /// The changes of two archived texts name structural ids: `sec-2` of the new text is the inserted
    /// "Our Commitments", while `sec-2` on the pages is "How We Use…", which kept its first id. Only the id
    /// maps say where a section's link must land.
    @Test func eachSectionLinksToItsPersistentIDNeverItsStructuralOne() {
        let inserted = Position(id: "sec-2.p1", section: "sec-2", sectionHeading: "2. Our Commitments", line: 12)
        let removed = Position(id: "sec-6.p1", section: "sec-6", sectionHeading: "6. Children", line: 40)
        let preamble = Position(id: "p1", section: nil, sectionHeading: nil, line: 5)
        func change(_ kind: Change.Kind, subject: Change.Subject = .clause, old: Position?, new: Position?) -> Change {
            Change(kind: kind, subject: subject, tier: .material, old: old, new: new, reasons: [], oldText: old == nil ? nil : "Old.",
                   newText: new == nil ? nil : "New.", words: nil, fingerprint: "f")
        }
        let changes = ChangeSet(verdict: .material, changes: [
            change(.added, old: nil, new: inserted),
            change(.removed, old: removed, new: nil),
            change(.modified, old: preamble, new: preamble),
        ], verdictReasons: [], oldTitle: "Privacy Policy", newTitle: "Privacy Policy", oldLastUpdated: nil, newLastUpdated: nil)
        let old = IdentityMap(document: "privacy-policy", version: "v1", derived: false,
                              sections: [.init(at: "sec-2", id: "sec-2"), .init(at: "sec-6", id: "sec-children")], clauses: [])
        let new = IdentityMap(document: "privacy-policy", version: "v2", derived: false,
                              sections: [.init(at: "sec-2", id: "sec-our-commitments"), .init(at: "sec-3", id: "sec-2")], clauses: [])
        let linked = NoticeSection.summarize(changes, old: old, new: new).sections
        #expect(linked.map(\.heading) == ["2. Our Commitments", "6. Children", "Introduction"])
        #expect(linked.map(\.anchor) == ["sec-our-commitments", "sec-children", nil],
                "the new section's id, the removed one's (its removal note), none for the preamble")
        #expect(NoticeSection.summarize(changes).sections.allSatisfy { $0.anchor == nil }, "no map, no link: never a structural id")

        var facts = MessageTests.facts
        facts.sections = linked
        facts.currentURL = "https://quillmate.example/legal/privacy-policy.html"
        let context = facts.context(recipient: [:])
        let urls = (context["sections"] as? [[String: Any]])?.map { $0["url"] as? String }
        #expect(urls == ["https://quillmate.example/legal/privacy-policy.html#sec-our-commitments",
                         "https://quillmate.example/legal/privacy-policy.html#sec-children", nil])
    }
}
