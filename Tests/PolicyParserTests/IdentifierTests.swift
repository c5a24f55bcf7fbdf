import PolicyTestSupport
import PolicyModel
import PolicyParser
import Testing

/// Section and clause ids: structural, deterministic, unique, usable as HTML anchors.
@Suite struct IdentifierTests {
    static let sample = """
    # Policy

    Preamble.

    ## Cookies

    ## Cookies

    ## What’s New? (2024) & More!

    ## 1. Scope

    Text.

    ### Cookies

    A.

    ### Cookies

    B.

    ## 1. Scope again
    """

    /// Clause numbers are written digit by digit (the sectioner's `ClauseCounter`): every length counts.
    @Test func clauseNumbersRunPastEveryPowerOfTen() {
        let count = 1_001
        let paragraphs = (1...count).map { "Paragraph \($0)." }.joined(separator: "\n\n")
        let document = parse("# Policy\n\n## 1. Scope\n\n" + paragraphs)
        let clauses = document.sections.first?.blocks.compactMap { block -> Clause? in
            if case .clause(let clause) = block { return clause }
            return nil
        } ?? []
        #expect(clauses.map(\.id) == (1...count).map { "sec-1.p\($0)" })
        #expect(clauses.map(\.text) == (1...count).map { "Paragraph \($0)." })
    }

    @Test func idsAreDerivedFromStructure() {
        let document = parse(Self.sample)
        #expect(document.outline == [
            "sec-cookies", "sec-cookies-2", "sec-whats-new-2024-more",
            "sec-1", "  sec-1.cookies", "  sec-1.cookies-2", "sec-1-2",
        ])
        #expect(document.preambleClauses.map(\.id) == ["preamble.p1"])
        #expect(document.clause("sec-1.p1")?.text == "Text.")
        #expect(document.clause("sec-1.cookies.p1")?.text == "A.")
        #expect(document.clause("sec-1.cookies-2.p1")?.text == "B.")
    }

    @Test func idsAreUniqueAndDeterministic() {
        let first = parse(Self.sample)
        let second = parse(Self.sample)
        #expect(first == second)
        let sectionIDs = first.allSections.map(\.id)
        #expect(Set(sectionIDs).count == sectionIDs.count)
        let clauseIDs = first.allClauses.map(\.clause.id)
        #expect(Set(clauseIDs).count == clauseIDs.count)
    }

    @Test func idsAreAnchorSafe() {
        let document = parse(Self.sample)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        for section in document.allSections {
            #expect(section.id.allSatisfy { allowed.contains($0) }, "\(section.id)")
        }
    }

    @Test func githubSlugAliasesKeepOldDeepLinksWorking() {
        let document = parse(Self.sample)
        // GitHub numbers repeated slugs -1, -2 … across the whole page.
        #expect(document.allSections.map(\.aliases) == [
            ["cookies"], ["cookies-1"], ["whats-new-2024--more"],
            ["1-scope"], ["cookies-2"], ["cookies-3"], ["1-scope-again"],
        ])
    }

    @Test func kramdownHeadingIDsBecomeAliasesAndLeaveTheTitle() {
        let document = parse("""
        # Firefox Privacy Notice

        ## Things you should know {: #personal-info }

        ### Sync {: #sync }

        ### Crash Reporter {: .note #crash-reporter #crashes }
        """)
        #expect(document.outline == [
            "sec-things-you-should-know", "  sec-things-you-should-know.sync",
            "  sec-things-you-should-know.crash-reporter",
        ])
        #expect(document.section("sec-things-you-should-know")?.title == "Things you should know")
        #expect(document.section("sec-things-you-should-know")?.aliases == ["things-you-should-know", "personal-info"])
        // The slug and the explicit id are one alias, not two.
        #expect(document.section("sec-things-you-should-know.sync")?.aliases == ["sync"])
        #expect(document.section("sec-things-you-should-know.crash-reporter")?.aliases
                == ["crash-reporter", "crashes"])
        #expect(document.section("sec-things-you-should-know.crash-reporter")?.title == "Crash Reporter")
    }

    @Test func aTitleWithNoLettersStillGetsAnID() {
        let document = parse("# T\n\n## ***\n\n## 🙂\n")
        let ids = document.allSections.map(\.id)
        #expect(ids.count == 2)
        #expect(Set(ids).count == 2)
        #expect(ids.allSatisfy { $0.hasPrefix("sec-") && $0.count > 4 })
    }

    @Test func longTitlesAreCutToAShortAnchor() throws {
        let title = Array(repeating: "word", count: 40).joined(separator: " ")
        let document = parse("# T\n\n## \(title)\n")
        let section = try #require(document.sections.first)
        #expect(section.id.count <= 56)
        #expect(!section.id.hasSuffix("-"))
        #expect(section.title == title)
    }
}
