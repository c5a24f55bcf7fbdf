import PolicyTestSupport
import PolicyModel
import PolicyParser
import Testing

/// The section tree follows meaning, not raw heading levels (DESIGN.md, "The document model").
@Suite struct SectioningTests {
    @Test func setextSubheadingsNestInsideTheNumberedH3TheyFollow() {
        let document = parse("""
        Terms
        =====

        ### 1\\. First

        One.

        Details
        -------

        Detail text.

        More
        ----

        ### 2\\. Second

        Two.
        """)
        #expect(document.title == "Terms")
        #expect(document.outline == ["sec-1", "  sec-1.details", "  sec-1.more", "sec-2"])
        #expect(document.section("sec-1.details")?.level == 2)
        #expect(document.section("sec-1.details")?.clauses.map(\.text) == ["Detail text."])
        #expect(document.section("sec-1")?.clauses.map(\.text) == ["One."])
        #expect(document.section("sec-2")?.clauses.map(\.text) == ["Two."])
    }

    @Test func dottedNumbersNestUnderTheirParentWhateverTheLevel() {
        let document = parse("""
        # T

        ## 4 Four

        ## 4.1 Four one

        ### 4.2 Four two

        #### 4.2.1 Deep

        ## 5 Five

        ### 5.1 Five one
        """)
        #expect(document.outline == ["sec-4", "  sec-4.1", "  sec-4.2", "    sec-4.2.1", "sec-5", "  sec-5.1"])
        #expect(document.section("sec-4.2")?.number == "4.2")
        #expect(document.section("sec-4.2")?.title == "Four two")
    }

    @Test func unnumberedDocumentsNestByRelativeLevel() {
        let document = parse("""
        # T

        ## A

        #### A deep

        ### A1

        #### A1a

        ## B

        ### B1
        """)
        #expect(document.outline == [
            "sec-a", "  sec-a.a-deep", "  sec-a.a1", "    sec-a.a1.a1a", "sec-b", "  sec-b.b1",
        ])
    }

    @Test func numberedSeriesUnderAnUnnumberedTopHeading() {
        let document = parse("""
        # T

        ## Acceptable Use

        ### 1. Compliance

        ### 2. Conduct

        #### 2.1 Spam

        ##### Note

        ## Other Things

        ### Detail
        """)
        // "Other Things" is Acceptable Use's sibling, not a child of 2.1; "Note" stays inside 2.1.
        #expect(document.outline == [
            "sec-acceptable-use", "  sec-1", "  sec-2", "    sec-2.1", "      sec-2.1.note",
            "sec-other-things", "  sec-other-things.detail",
        ])
        #expect(document.section("sec-1")?.number == "1")
    }

    @Test func lettersWithArabicSeriesInsideLikeGitHubsTerms() {
        let document = parse("""
        # Terms of Service

        ## A. Definitions

        1. **"Account"** represents your legal relationship with us.

        ## B. Account Terms

        ### 1. Account Controls

        ### 2. Required Information

        ## C. Acceptable Use

        ### 1. Compliance with Laws

        ## D. User-Generated Content
        """)
        #expect(document.outline == [
            "sec-a", "sec-b", "  sec-b.1", "  sec-b.2", "sec-c", "  sec-c.1", "sec-d",
        ])
        #expect(document.sections.map(\.number) == ["A", "B", "C", "D"])
        #expect(document.sections.map(\.title) == ["Definitions", "Account Terms", "Acceptable Use",
                                                    "User-Generated Content"])
        #expect(document.section("sec-c.1")?.title == "Compliance with Laws")
        // The numbered list inside A is content, not sections.
        #expect(document.section("sec-a")?.clauses.map(\.kind) == [.listItem])
        // GitHub's own anchors keep working.
        #expect(document.section("sec-b")?.aliases == ["b-account-terms"])
        #expect(document.section("sec-b.1")?.aliases == ["1-account-controls"])
    }

    @Test func romanNumerals() {
        let document = parse("""
        # T

        ## I. Introduction

        ## II. Data

        ### 1. Sub

        ### 2. Sub two

        ## III. Rights

        ## IV. Contact

        ## IX. Ninth
        """)
        #expect(document.sections.map(\.number) == ["I", "II", "III", "IV", "IX"])
        #expect(document.outline == ["sec-i", "sec-ii", "  sec-ii.1", "  sec-ii.2", "sec-iii", "sec-iv", "sec-ix"])
        #expect(document.section("sec-iv")?.title == "Contact")
    }

    @Test(arguments: [
        ("### 1\\. Title", "1", "Title"),
        ("### 1. Title", "1", "Title"),
        ("### 1) Title", "1", "Title"),
        ("### 4.2 Title", "4.2", "Title"),
        ("### 4.2. Title", "4.2", "Title"),
        ("### Section 5: Title", "5", "Title"),
        ("### Section 5 – Title", "5", "Title"),
        ("### § 7 Title", "7", "Title"),
        ("### Article IV. Title", "IV", "Title"),
        ("### 6.. Title", "6", "Title"),
        ("### A) Title", "A", "Title"),
        ("### 12.", "12", ""),
        ("### **2. Bold**", "2", "Bold"),
    ])
    func headingNumbers(heading: String, number: String, title: String) throws {
        let document = parse("# T\n\n\(heading)\n")
        let section = try #require(document.sections.first)
        #expect(section.number == number)
        #expect(section.title == title)
    }

    @Test(arguments: ["### 2024 Update", "### I agree", "### A note on cookies", "### 100% secure", "### 3D printing"])
    func headingsThatAreNotNumbered(heading: String) throws {
        let document = parse("# T\n\n\(heading)\n")
        let section = try #require(document.sections.first)
        #expect(section.number == nil)
        #expect(section.title == String(heading.dropFirst(4)))
    }

    @Test func anH1AfterNumberedSectionsGoesToTheTopLevel() {
        let document = parse("""
        # Privacy Policy

        ### 1. One

        Sub
        ---

        ### 2. Two

        # Appendix

        ## Part
        """)
        #expect(document.title == "Privacy Policy")
        #expect(document.outline == ["sec-1", "  sec-1.sub", "sec-2", "sec-appendix", "  sec-appendix.part"])
        #expect(document.section("sec-appendix")?.level == 1)
    }

    @Test func contentBeforeTheFirstHeadingIsThePreamble() {
        let document = parse("""
        # Title

        Intro.

        - a list

        ## One

        Body.
        """)
        #expect(document.preambleClauses.map(\.id) == ["preamble.p1", "preamble.p2"])
        #expect(document.preambleClauses.map(\.text) == ["Intro.", "a list"])
        #expect(document.section("sec-one")?.clauses.map(\.id) == ["sec-one.p1"])
    }

    @Test func onlyTheFirstHeadingCanBeTheTitle() {
        let document = parse("""
        ## Summary

        Text.

        ## Details

        # Not A Title
        """, path: "policies/terms-of-service.md")
        #expect(document.title == "Terms Of Service")
        #expect(document.titleLocation == nil)
        #expect(document.outline == ["sec-summary", "sec-details", "sec-not-a-title"])
    }

    @Test func aNumberedH1IsASectionNotTheTitle() {
        let document = parse("# 1. Scope\n\nText.\n\n# 2. Terms\n", path: "x/terms.md")
        #expect(document.title == "Terms")
        #expect(document.outline == ["sec-1", "sec-2"])
    }

    @Test func anEmptyHeadingSeparatesButIsNoSection() {
        // Mozilla's notices end a run of `###` sections with a bare `##`.
        let document = parse("""
        # Firefox Privacy Notice

        ## Things you should know

        ### Sync

        Sync text.

        ##

        Closing note.

        ## Other
        """)
        #expect(document.outline == ["sec-things-you-should-know", "  sec-things-you-should-know.sync", "sec-other"])
        #expect(document.allSections.allSatisfy { !$0.title.isEmpty })
        #expect(document.section("sec-things-you-should-know.sync")?.clauses.map(\.text) == ["Sync text.", "Closing note."])
        #expect(document.section("sec-things-you-should-know.sync")?.blocks.contains(.thematicBreak) == true)
    }

    // MARK: Titles without an H1

    @Test func aLowerHeadingThatHeadsEverythingIsTheTitle() {
        // Automattic's privacy policy: `Privacy Policy` as a setext H2 above `###` sections.
        let document = parse("""
        <!-- a comment for maintainers -->

        Privacy Policy
        --------------

        Intro.

        ### Who We Are

        ### What We Collect
        """)
        #expect(document.title == "Privacy Policy")
        #expect(document.titleLocation == SourceLocation(line: 3, column: 1))
        #expect(document.outline == ["sec-who-we-are", "sec-what-we-collect"])
        #expect(document.preambleClauses.map(\.kind) == [.html, .paragraph])
    }

    @Test func aLowerHeadingWithOnlyADateUnderItIsTheTitle() {
        // WordPress.com's terms: the title and the first section are both setext H2s.
        let document = parse("""
        Terms of Service
        ----------------

        *Last Updated: October 31, 2023*

        The Gist
        --------

        Text.
        """)
        #expect(document.title == "Terms of Service")
        #expect(document.lastUpdated?.date == CalendarDate(year: 2023, month: 10, day: 31))
        #expect(document.outline == ["sec-the-gist"])
    }

    @Test func aLoneHeadingIsASectionNotATitle() {
        let document = parse("## Cookies\n\nWe use cookies.\n", path: "cookie-notice.md")
        #expect(document.title == "Cookie Notice")
        #expect(document.outline == ["sec-cookies"])
    }

    @Test func aFirstHeadingWithContentAmongPeersIsASection() {
        let document = parse("""
        ### The gist:

        We run a service.

        ### Terms of Service:

        #### 1. Scope
        """, path: "tos.md")
        #expect(document.title == "Tos")
        #expect(document.outline == ["sec-the-gist", "sec-terms-of-service", "  sec-1"])
    }

    @Test func frontMatterTitleWinsOverAnInferredHeadingButNotOverAnH1() {
        let inferred = parse("""
        ---
        title: GitHub Acceptable Use Policies
        ---

        ### Acceptable Use Policies

        #### 1. Compliance

        #### 2. Safety
        """)
        #expect(inferred.title == "GitHub Acceptable Use Policies")
        #expect(inferred.titleLocation == nil)
        #expect(inferred.outline == ["sec-1", "sec-2"])

        let h1 = parse("---\ntitle: Meta Title\n---\n\n# Visible Title\n\n## One\n")
        #expect(h1.title == "Visible Title")
        #expect(h1.titleLocation == SourceLocation(line: 5, column: 1))
    }

    // MARK: Front matter

    @Test func frontMatterIsNotAHeadingAndNamesTheDocument() {
        let document = parse("""
        ---
        title: Privacy policy
        description: What we collect: and why.
        redirect_from:
          - /privacy
        ---

        ## What we collect

        Text.
        """)
        #expect(document.title == "Privacy policy")
        #expect(document.frontMatter["description"] == "What we collect: and why.")
        #expect(document.frontMatter["title"] == "Privacy policy")
        #expect(document.outline == ["sec-what-we-collect"])
        #expect(document.section("sec-what-we-collect")?.location == SourceLocation(line: 8, column: 1))
        #expect(document.clause("sec-what-we-collect.p1")?.location == SourceLocation(line: 10, column: 1))
        #expect(document.preambleClauses.isEmpty)
    }

    @Test func frontMatterFenceWithTrailingSpace() {
        // Basecamp's history has `--- ` (with a trailing space) as its opening fence.
        let document = parse("--- \ntitle: Basecamp privacy policy\n---\n\n# Basecamp privacy policy\n\n## One\n")
        #expect(document.frontMatter["title"] == "Basecamp privacy policy")
        #expect(document.title == "Basecamp privacy policy")
        #expect(document.titleLocation == SourceLocation(line: 5, column: 1))
        #expect(document.outline == ["sec-one"])
    }

    @Test func frontMatterTitleIsUsedWhenThereIsNoHeading() {
        let document = parse("---\ntitle: \"Quoted: Title\"\n---\n\nJust text.\n")
        #expect(document.title == "Quoted: Title")
        #expect(document.preambleClauses.map(\.location) == [SourceLocation(line: 5, column: 1)])
    }

    @Test func aLeadingThematicBreakIsNotFrontMatter() {
        let document = parse("""
        ---

        ## One

        ---

        Text.
        """)
        // Between the two breaks there is no `key: value` line: this is Markdown, not YAML.
        #expect(document.frontMatter.isEmpty)
        #expect(document.outline == ["sec-one"])
        #expect(document.section("sec-one")?.clauses.map(\.text) == ["Text."])
    }
}
