import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import Testing

/// What a reader is told: one reason per changed span, the strongest first, each with a summary in
/// plain words; the verdict's reasons by tier, then in section order; long quotes keep their end.
@Suite struct ExplanationTests {
    func diff(_ old: String, _ new: String) -> ChangeSet {
        func policy(_ body: String) -> String { "# Privacy Policy\n\n## 1. Sharing\n\nWe share your name with payment processors.\n\n## 4. Data Retention\n\n\(body)\n" }
        return PolicyDiffer.diff(PolicyParser.parse(text: policy(old)), PolicyParser.parse(text: policy(new)))
    }

    @Test func aChangedSpanHasOneReasonTheStrongest() throws {
        let changes = diff("We keep support chats for 90 days.", "We keep support chats for 2 years.")
        let change = try #require(changes.changes.first { $0.subject == .clause })
        #expect(change.reasons.map(\.rule) == ["retention-extended"], "not also “number” for the same words")
        #expect(change.reasons.first?.summary == "Kept longer: 2 years (730 days) where it was 90 days")
    }

    @Test func theVerdictListsConsentFindingsFirstThenSectionOrder() throws {
        let old = "# P\n\n## 1. Sharing\n\nWe share your name with payment processors.\n\n## 2. Retention\n\nWe keep logs for 90 days.\n"
        let new = "# P\n\n## 1. Sharing\n\nWe share your name and address with payment processors.\n\n## 2. Retention\n\nWe keep logs for 2 years.\n"
        let changes = PolicyDiffer.diff(PolicyParser.parse(text: old), PolicyParser.parse(text: new))
        #expect(changes.verdict == .consent)
        #expect(changes.verdictReasons.first?.rule == "retention-extended", "\(changes.verdictReasons.map(\.rule))")
    }

    @Test func reasonsCarryASummaryInJSON() throws {
        let changes = diff("We keep support chats for 90 days.", "We keep support chats for 2 years.")
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(changes)) as? [String: Any])
        let reasons = try #require(json["reasons"] as? [[String: Any]])
        #expect(reasons.first?["summary"] as? String == "Kept longer: 2 years (730 days) where it was 90 days")
    }

    /// A vendor that renamed itself, named so in `diff.sameParty`, is no new recipient; without the
    /// project's word it is one (consent, in a clause about advertising).
    @Test func namesTheProjectCallsOnePartyAreNoNewParty() throws {
        let old = PolicyParser.parse(text: "# P\n\n## 1. Sharing\n\nWe share device identifiers with Facebook for advertising.\n")
        let new = PolicyParser.parse(text: "# P\n\n## 1. Sharing\n\nWe share device identifiers with Meta for advertising.\n")
        #expect(PolicyDiffer.diff(old, new).verdict == .consent)
        let same = PolicyDiffer.diff(old, new, options: DiffOptions(sameParties: [["Facebook", "Meta Platforms", "Meta"]]))
        #expect(same.verdict == .editorial)
        #expect(same.changes.first?.reasons.map(\.rule) == ["same-party"])
    }

    /// A project's words extend the built-in lexicons: its own synonym is an equivalent, its own adverse
    /// recipient needs consent; without them the same edits are only material.
    @Test func theProjectExtendsTheLexicons() throws {
        func verdict(_ old: String, _ new: String, _ lexicon: [String: [String]] = [:]) -> Tier {
            PolicyDiffer.diff(PolicyParser.parse(text: "# P\n\n## 1. Sharing\n\n\(old)\n"),
                              PolicyParser.parse(text: "# P\n\n## 1. Sharing\n\n\(new)\n"),
                              options: DiffOptions(lexicon: lexicon)).verdict
        }
        let synonym = ("Write to us through the help centre.", "Write to us through the support portal.")
        #expect(verdict(synonym.0, synonym.1) == .material)
        #expect(verdict(synonym.0, synonym.1, ["equivalents": ["help centre | support portal"]]) == .editorial)
        let recipient = ("We share usage data with our auditors.", "We share usage data with our auditors and growth agencies.")
        #expect(verdict(recipient.0, recipient.1) == .material)
        #expect(verdict(recipient.0, recipient.1, ["recipients": ["growth agencies"]]) == .consent)
    }

    /// A promise withdrawn from one kind of cookie is not kept by the same promise about another kind,
    /// nor by one about "these cookies" of another clause.
    @Test func aPromiseAboutOneThingIsNotKeptByOneAboutAnother() throws {
        let analytics = "* Analytics cookies. These count visits. We do not use these cookies to target you with online marketing."
        let functional = "* Functional cookies. These remember choices. We do not use functional cookies to target you with online marketing."
        let old = "# P\n\n## 1. Cookies\n\n\(functional)\n\(analytics)\n"
        let withoutAnalytics = old.replacingOccurrences(of: " We do not use these cookies to target you with online marketing.", with: "")
        let withoutFunctional = old.replacingOccurrences(of: " We do not use functional cookies to target you with online marketing.", with: "")
        for new in [withoutAnalytics, withoutFunctional] {
            let changes = PolicyDiffer.diff(PolicyParser.parse(text: old), PolicyParser.parse(text: new))
            #expect(changes.verdict == .consent, "\(changes.verdictReasons.map(\.summary))")
        }
        // The same promise moved to another clause is kept.
        let moved = "# P\n\n## 1. Cookies\n\n* Functional cookies. These remember choices.\n\(analytics)\n\n## 2. Marketing\n\n"
            + "We do not use functional cookies to target you with online marketing.\n"
        #expect(PolicyDiffer.diff(PolicyParser.parse(text: old), PolicyParser.parse(text: moved)).verdict != .consent)
    }

    /// A promise that loses one of the things it denied is narrowed: the vendors may now use the data.
    /// Rewording that still denies all of it, or dropping a sentence about the User's own doing, is not.
    @Test func aNarrowedPromiseIsWithdrawnInPart() throws {
        func verdict(_ old: String, _ new: String) -> Tier {
            PolicyDiffer.diff(PolicyParser.parse(text: "# P\n\n## 1. Sharing\n\n\(old)\n"),
                              PolicyParser.parse(text: "# P\n\n## 1. Sharing\n\n\(new)\n")).verdict
        }
        #expect(verdict("Our vendors are obligated not to disclose or use it for any other purpose.",
                        "Our vendors are obligated not to disclose it for any other purpose.") == .consent)
        #expect(verdict("We never sell personal data, nor share it for advertising.",
                        "We never sell personal data.") == .consent)
        #expect(verdict("We never sell personal data, nor share it for advertising.",
                        "We never sell or share personal data for advertising.") == .material)
        #expect(verdict("You grant us a licence to show your profile to advertisers. You will not receive any payment for it.",
                        "You grant us a licence to show your profile to advertisers.") == .material)
    }

    @Test func aLongQuoteKeepsItsEnd() throws {
        let long = "We may share information about the devices you use to reach the Service with the companies that"
            + " host it, with our auditors, and with the partners listed on our website, for up to two years."
        let changes = diff("We keep support chats for 90 days.", "We keep support chats for 90 days.\n\n" + long)
        let added = try #require(changes.changes.first { $0.kind == .added })
        let detail = try #require(added.reasons.first?.detail)
        #expect(detail.contains("…") && detail.hasSuffix("for up to two years.”"), "\(detail)")
    }
}
