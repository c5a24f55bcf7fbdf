import PolicyDiff
import PolicyParser
import Testing

/// A reworded clause whose links changed: editorial while they stay where they took the reader, material
/// (naming the new place) when they go somewhere else, hostile targets included.
@Suite struct LinkTests {
    /// The reasons of the one change between two revisions of a clause under `## Sharing`.
    func reasons(_ old: String, _ new: String) throws -> (tier: Tier, reasons: [Reason]) {
        func policy(_ clause: String) -> String { "# Privacy Policy\n\n## Sharing\n\n\(clause)\n" }
        let changes = PolicyDiffer.diff(PolicyParser.parse(text: policy(old)), PolicyParser.parse(text: policy(new)))
        let change = try #require(changes.changes.count == 1 ? changes.changes.first : nil, "\(changes.changes)")
        return (change.tier, change.reasons)
    }

    func hostReason(_ old: String, _ new: String) throws -> String? {
        try reasons(old, new).reasons.first { $0.rule == "link-host-changed" }?.detail
    }

    @Test func aTargetOnTheSameHostIsEditorial() throws {
        let (tier, reasons) = try reasons("See [our partners](https://a.example/partners).",
                                          "See [our partners](https://A.example/partners/list).")
        #expect(tier == .editorial)
        #expect(reasons.map(\.rule) == ["link-same-host"])
    }

    @Test func aLinkToAnotherHostNamesBothHosts() throws {
        #expect(try hostReason("See [our partners](https://a.example/partners).",
                               "See [our partners](https://b.example/partners).")
            == "links now point to b.example instead of a.example")
    }

    @Test func aProtocolRelativeLinkHasItsHost() throws {
        #expect(try hostReason("See [our partners](https://a.example/partners).",
                               "See [our partners](//b.example/partners).")
            == "links now point to b.example instead of a.example")
    }

    @Test func aRemovedLinkSaysWhereLinksNoLongerPoint() throws {
        #expect(try hostReason("See [our partners](https://a.example/partners) and [us](/about).",
                               "See our partners and [us](/about).")
            == "links no longer point to a.example")
    }

    /// A `javascript:` target has no host: it once counted as "", the same as a relative link, so that
    /// trading a link to a section for script was editorial, and adding one read "fewer hosts".
    @Test func aScriptTargetIsAPlaceOfItsOwn() throws {
        let replaced = try reasons("Read [your rights](#your-rights).", "Read [your rights](javascript:alert(1)).")
        #expect(replaced.tier == .material)
        #expect(replaced.reasons.first { $0.rule == "link-host-changed" }?.detail
            == "links now point to javascript:alert(1) instead of this site's own pages")

        #expect(try hostReason("We share your email.", "We share your [email](JavaScript:void(0)).")
            == "links now point to JavaScript:void(0)")
    }

    @Test func relativeLinksStayOnTheSite() throws {
        let (tier, reasons) = try reasons("Read [your rights](#your-rights).", "Read [your rights](/rights#top).")
        #expect(tier == .editorial)
        #expect(reasons.map(\.rule) == ["link-same-host"])
    }

    @Test func otherSchemesAreComparedWhole() throws {
        #expect(try hostReason("Call [us](tel:+15550100).", "Call [us](tel:+15550199).")
            == "links now point to tel:+15550199 instead of tel:+15550100")
        // mailto: keeps its domain, as before: another mailbox at the same company is editorial.
        let (tier, _) = try reasons("Write to [us](mailto:privacy@a.example).", "Write to [us](MAILTO:dpo@A.example).")
        #expect(tier == .editorial)
    }
}
