import PolicyTestSupport
import PolicyModel
import PolicyParser
import Testing

/// Where a policy points at its own parts, and what each reference resolves to.
@Suite struct ReferenceTests {
    static let policy = """
    # Privacy Policy

    ## 1. Scope

    Scope text.

    ## 2. Data

    ### Managing Cookies

    Cookie text.

    ## 7. Your Choices

    Choice text.

    ## 8. Other

    """

    /// The references found in one paragraph appended to section 8.
    func references(in paragraph: String) -> [String] {
        let document = parse(Self.policy + paragraph + "\n")
        #expect(document.references.allSatisfy { $0.clause == "sec-8.p1" })
        return document.referenceSummary
    }

    @Test func anchorToASectionID() {
        #expect(references(in: "Read [your choices](#sec-7).") == ["anchor sec-7 -> sec-7"])
    }

    @Test func anchorToAGitHubStyleSlug() {
        #expect(references(in: "Read [your choices](#7-your-choices).") == ["anchor 7-your-choices -> sec-7"])
        #expect(references(in: "Read [cookies](#managing-cookies).") == ["anchor managing-cookies -> sec-2.managing-cookies"])
        #expect(references(in: "Read [cookies](#Managing-Cookies).") == ["anchor Managing-Cookies -> sec-2.managing-cookies"])
    }

    @Test func anchorToAClauseID() {
        #expect(references(in: "As [stated](#sec-1.p1).") == ["anchor sec-1.p1 -> sec-1.p1"])
    }

    @Test func anchorToNowhereIsKeptUnresolved() {
        #expect(references(in: "Read [this](#nowhere).") == ["anchor nowhere -> nil"])
    }

    @Test func externalLinksAreNotReferences() {
        #expect(references(in: "Read [the terms](https://example.com/terms#sec-7).").isEmpty)
    }

    @Test func sectionNumbers() {
        #expect(references(in: "For more, see Section 7 below.") == ["sectionNumber 7 -> sec-7"])
        #expect(references(in: "As described in Sections 1 and 2 above.")
                == ["sectionNumber 1 -> sec-1", "sectionNumber 2 -> sec-2"])
        #expect(references(in: "See Sections 1, 2 or 7.")
                == ["sectionNumber 1 -> sec-1", "sectionNumber 2 -> sec-2", "sectionNumber 7 -> sec-7"])
        #expect(references(in: "(see section 2).") == ["sectionNumber 2 -> sec-2"])
        #expect(references(in: "Section 4.2 does not exist.") == ["sectionNumber 4.2 -> nil"])
    }

    @Test func sectionsOfOtherDocumentsAreNotReferences() {
        #expect(references(in: "Under California Civil Code section 1798.83 you may ask us.").isEmpty)
        #expect(references(in: "As provided in section 5 of the Terms of Service, we may end it.").isEmpty)
        #expect(references(in: "We comply with Section 2703(f) of the statute.").isEmpty)
        #expect(references(in: "We describe this in our Terms of Service section 7, not here.").isEmpty)
    }

    @Test func emphasisedTitleAfterSee() {
        #expect(references(in: "For details, see *Managing Cookies* above.")
                == ["sectionTitle Managing Cookies -> sec-2.managing-cookies"])
        #expect(references(in: "For details, see **Your Choices**.") == ["sectionTitle Your Choices -> sec-7"])
    }

    @Test func emphasisedTitleThatNamesNothingIsUnresolved() {
        #expect(references(in: "For details, see *Nowhere* above.") == ["sectionTitle Nowhere -> nil"])
    }

    @Test func quotedTitleFollowedBySection() {
        #expect(references(in: "Read the “Your Choices” section for more.") == ["sectionTitle Your Choices -> sec-7"])
        #expect(references(in: "As set out in “Managing Cookies” above.")
                == ["sectionTitle Managing Cookies -> sec-2.managing-cookies"])
    }

    @Test func plainTitleAfterSee() {
        #expect(references(in: "To opt out, see Managing Cookies.")
                == ["sectionTitle Managing Cookies -> sec-2.managing-cookies"])
        // Only whole words: "Managing Cookiesets" names no section, and "foresee" is not "see".
        #expect(references(in: "To opt out, see Managing Cookiesets.").isEmpty)
        #expect(references(in: "We foresee Managing Cookies changing.").isEmpty)
    }

    @Test func referencesInsideListItemsCarryTheirClause() throws {
        let document = parse(Self.policy + "- Read [this](#sec-1).\n- And see Section 2.\n")
        #expect(document.references.map(\.clause) == ["sec-8.p1", "sec-8.p2"])
        #expect(document.references.map(\.location?.line) == [18, 19])
    }

    @Test func linksToTheTitleLandOnTheTitle() {
        // Basecamp's table of contents links to its own H1; GitHub numbers later repeats of that slug.
        let document = parse("""
        # Privacy policy

        * [Privacy policy](#privacy-policy)
        * [Data](#data)
        * [Repeat](#privacy-policy-1)

        ## Data

        ## Privacy policy
        """)
        #expect(document.referenceSummary == [
            "anchor privacy-policy -> title", "anchor data -> sec-data", "anchor privacy-policy-1 -> sec-privacy-policy",
        ])
        #expect(document.section("sec-privacy-policy")?.aliases == ["privacy-policy-1"])
    }

    @Test func titlesEndingInPunctuationResolveFromPlainText() {
        let document = parse("""
        # T

        ## What are cookies?

        Text.

        ## Other

        To learn more, see What are cookies? in this notice.
        """)
        #expect(document.referenceSummary == ["sectionTitle What are cookies? -> sec-what-are-cookies"])
    }
}
