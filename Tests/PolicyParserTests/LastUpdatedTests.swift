import PolicyTestSupport
import PolicyModel
import PolicyParser
import Testing

/// The "Last updated" statement, in the forms real policies write it.
@Suite struct LastUpdatedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let line: String
        let date: String?
        let text: String
        var testDescription: String { line }
    }

    @Test(arguments: [
        Case(line: "_Last Updated: Apr 15, 2025_", date: "2025-04-15", text: "Apr 15, 2025"),
        Case(line: "*Last updated: December 23, 2022*", date: "2022-12-23", text: "December 23, 2022"),
        Case(line: "Effective date: **May 25, 2018**", date: "2018-05-25", text: "May 25, 2018"),
        Case(line: "Version Effective Date: July 2, 2019", date: "2019-07-02", text: "July 2, 2019"),
        Case(line: "Last modified 2024-01-31", date: "2024-01-31", text: "2024-01-31"),
        Case(line: "Last updated: _4th May 2023_", date: "2023-05-04", text: "4th May 2023"),
        Case(line: "Effective Date: _04 December 2024_", date: "2024-12-04", text: "04 December 2024"),
        Case(line: "**_Last updated:_** _5 October 2021_", date: "2021-10-05", text: "5 October 2021"),
        Case(line: "Last Revised: Sept. 3, 2020", date: "2020-09-03", text: "Sept. 3, 2020"),
        Case(line: "Effective as of 1/2/2020.", date: "2020-01-02", text: "1/2/2020"),
        Case(line: "*Effective September 26, 2017*\n{: datetime=\"2017-09-26\" }", date: "2017-09-26",
             text: "September 26, 2017"),
        Case(line: "Last updated: June 2023", date: nil, text: "June 2023"),
        Case(line: "Last Updated: February 30, 2020", date: nil, text: "February 30, 2020"),
    ])
    func labelledForms(_ example: Case) throws {
        let document = parse("# Privacy Policy\n\n\(example.line)\n\nWe collect data.\n")
        let lastUpdated = try #require(document.lastUpdated)
        #expect(lastUpdated.date?.description == example.date)
        #expect(lastUpdated.text == example.text)
        #expect(lastUpdated.clause == "preamble.p1")
        #expect(lastUpdated.location == SourceLocation(line: 3, column: 1))
    }

    @Test func aLoneDateUnderTheTitle() throws {
        let document = parse("# Websites Privacy Notice\n\nMarch 3, 2021\n\nWe care about your privacy.\n")
        let lastUpdated = try #require(document.lastUpdated)
        #expect(lastUpdated.date == CalendarDate(year: 2021, month: 3, day: 3))
        #expect(lastUpdated.text == "March 3, 2021")
        #expect(lastUpdated.clause == "preamble.p1")
    }

    @Test func mozillasVisibleDateWinsOverItsDatetimeAttribute() throws {
        // The two disagree in Mozilla's history; readers see (and the policy states) the visible one.
        let document = parse("# Firefox Privacy Notice\n\nJune 30, 2023\n{: datetime=\"2022-06-30\" }\n")
        let lastUpdated = try #require(document.lastUpdated)
        #expect(lastUpdated.date == CalendarDate(year: 2023, month: 6, day: 30))
        #expect(lastUpdated.text == "June 30, 2023")
        // The attribute list is kramdown markup, not words of the clause.
        #expect(document.preambleClauses.map(\.text) == ["June 30, 2023"])
    }

    @Test func anInlineDatetimeAttributeYieldsToTheVisibleDate() throws {
        let document = parse("# Notice\n\nJune 30, 2023 {: datetime=\"2022-06-30\" } revision\n")
        #expect(document.lastUpdated?.date == CalendarDate(year: 2023, month: 6, day: 30))
    }

    @Test func aLabelledLineWinsOverALoneDateBeforeIt() throws {
        let document = parse("# T\n\nJanuary 1, 2020\n\nLast updated: May 5, 2021\n")
        #expect(document.lastUpdated?.date == CalendarDate(year: 2021, month: 5, day: 5))
        #expect(document.lastUpdated?.clause == "preamble.p2")
    }

    @Test func frontMatterDate() throws {
        let document = parse("---\ntitle: Terms\nlast_updated: 2024-03-01\n---\n\n# Terms\n\nText.\n")
        let lastUpdated = try #require(document.lastUpdated)
        #expect(lastUpdated.date == CalendarDate(year: 2024, month: 3, day: 1))
        #expect(lastUpdated.clause == nil)
    }

    @Test(arguments: [
        "# T\n\nWe collect data.\n",
        "# T\n\nWe updated our practices on many occasions.\n",
        "# T\n\nThis notice is effective immediately for all users.\n",
        "",
    ])
    func none(_ markdown: String) {
        #expect(parse(markdown).lastUpdated == nil)
    }

    @Test func aSentenceThatMentionsADateIsNoStatement() {
        let document = parse("# T\n\nWe changed our cookie banner on May 5, 2020 to add a reject button.\n")
        #expect(document.lastUpdated == nil)
    }

    @Test func onlyTheTopOfTheDocumentIsSearched() {
        let filler = (1...80).map { "Paragraph \($0)." }.joined(separator: "\n\n")
        let document = parse("# T\n\n\(filler)\n\nLast updated: May 5, 2021\n")
        #expect(document.lastUpdated == nil)
    }
}
