import PolicyDiff
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
}
