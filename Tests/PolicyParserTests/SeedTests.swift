import Foundation
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// The seed (`shared/seed/privacy-policy.md`): a setext H1 title, `### 1\.` numbered sections, and
/// unnumbered setext H2 headings inside them that cmark gives as their siblings.
@Suite(.enabled(if: Fixtures.hasSeed, "needs ../shared/seed"))
struct SeedTests {
    let document: Document

    init() throws {
        document = PolicyParser.parse(try Fixtures.data(Fixtures.seed), path: Fixtures.seed.path)
    }

    @Test func titleAndDate() throws {
        #expect(document.id == "privacy-policy")
        #expect(document.title == "Privacy Policy")
        #expect(document.titleLocation == SourceLocation(line: 1, column: 1))
        let lastUpdated = try #require(document.lastUpdated)
        #expect(lastUpdated.date == CalendarDate(year: 2025, month: 4, day: 15))
        #expect(lastUpdated.text == "Apr 15, 2025")
        #expect(lastUpdated.clause == "preamble.p1")
        #expect(lastUpdated.location == SourceLocation(line: 4, column: 1))
    }

    @Test func elevenNumberedTopLevelSections() {
        let top = document.sections
        #expect(top.map(\.number) == (1...11).map { String($0) })
        #expect(top.map(\.title) == [
            "Collection of Personal Data",
            "How We Use Your Personal Data",
            "How We Share and Disclose Your Personal Data",
            "Your Rights and Choices",
            "Data Security",
            "Integration of Third-Party Platforms and Services",
            "Personal Data Retention",
            "Eligibility",
            "Data Transfers",
            "Governing Law",
            "Additional U.S. State Disclosures and Legal Bases for Processing Under the GDPR",
        ])
        #expect(top.map(\.id) == (1...11).map { "sec-\($0)" })
        #expect(top.allSatisfy { $0.level == 3 })
        #expect(top.map { $0.location?.line } == [20, 76, 111, 122, 152, 160, 164, 168, 172, 176, 180])
        #expect(top[0].heading == "1. Collection of Personal Data")
        #expect(top[0].aliases == ["1-collection-of-personal-data"])
    }

    @Test func setextSubsectionsNestInsideTheNumberedSectionTheyFollow() throws {
        let children = Dictionary(uniqueKeysWithValues: document.sections.map { ($0.id, $0.sections) })
        #expect(children["sec-1"]?.map(\.title) == [
            "Personal Data You Voluntarily Provide to Us",
            "Personal Data Collected Automatically",
            "Cookies and Other Tracking Technology",
            "Cookies",
            "Changing Your Cookie Settings",
            "Analytics and Other Tracking Technologies",
        ])
        #expect(children["sec-1"]?.map { $0.location?.line } == [26, 37, 46, 51, 62, 67])
        #expect(children["sec-2"]?.map(\.title) == ["Aggregated and De-identified Information"])
        #expect(children["sec-4"]?.map(\.title) == [
            "Marketing Communications",
            "Keeping Your Personal Data Accurate and Deletion",
            "Rights Regarding Your Personal Data",
        ])
        for id in ["sec-3", "sec-5", "sec-6", "sec-7", "sec-8", "sec-9", "sec-10", "sec-11"] {
            #expect(children[id]?.isEmpty == true, "\(id) has no subsections")
        }
        for (parent, subsections) in children {
            for subsection in subsections {
                #expect(subsection.number == nil)
                #expect(subsection.level == 2)
                #expect(subsection.sections.isEmpty)
                #expect(subsection.id.hasPrefix(parent + "."), "\(subsection.id) is under \(parent)")
            }
        }
        #expect(document.section("sec-1.cookies")?.title == "Cookies")
        #expect(document.section("sec-1.cookies-and-other-tracking-technology")?.location
                == SourceLocation(line: 46, column: 1))
        // Section 4 has no text of its own: everything is in its subsections.
        #expect(try #require(document.section("sec-4")).clauses.isEmpty)
    }

    @Test func definedTerms() {
        let terms = document.definedTerms.map { "\($0.term) \($0.clause) \($0.location?.description ?? "-")" }
        #expect(terms == [
            "we preamble.p2 6:1",
            "us preamble.p2 6:1",
            "our preamble.p2 6:1",
            "Site preamble.p4 10:1",
            "Users preamble.p8 16:1",
            "Inputs sec-1.p1 22:1",
            "Tracking Technologies sec-1.cookies-and-other-tracking-technology.p1 49:1",
            "Google sec-1.analytics-and-other-tracking-technologies.p1 70:1",
            "Service Providers sec-3.p2 115:1",
            "EEA sec-9.p1 174:1",
        ])
    }

    @Test func clauses() throws {
        #expect(document.preambleClauses.count == 9)
        #expect(document.allClauses.count == 92)
        let ids = document.allClauses.map(\.clause.id)
        #expect(Set(ids).count == ids.count, "clause ids are unique")

        let samples: [(id: String, kind: Clause.Kind, line: Int, column: Int)] = [
            ("preamble.p1", .paragraph, 4, 1),
            ("preamble.p4", .listItem, 10, 1),
            ("preamble.p6", .listItem, 12, 1),
            ("sec-1.p1", .paragraph, 22, 1),
            ("sec-1.personal-data-you-voluntarily-provide-to-us.p1", .paragraph, 29, 1),
            ("sec-1.cookies.p1", .paragraph, 54, 1),
            ("sec-1.cookies.p5", .listItem, 60, 1),
            ("sec-4.rights-regarding-your-personal-data.p10", .listItem, 150, 1),
            ("sec-10.p1", .paragraph, 178, 1),
            // A nested list item, indented four spaces.
            ("sec-11.p3", .listItem, 185, 5),
            ("sec-11.p7", .listItem, 189, 5),
        ]
        for sample in samples {
            let clause = try #require(document.clause(sample.id), "\(sample.id)")
            #expect(clause.kind == sample.kind, "\(sample.id)")
            #expect(clause.location == SourceLocation(line: sample.line, column: sample.column), "\(sample.id)")
            #expect(!clause.text.isEmpty)
        }
        // Markup is gone from the plain text; the words stay.
        let definition = try #require(document.clause("preamble.p2"))
        #expect(!definition.text.contains("**"))
        #expect(definition.text.contains("(“we”, “us” or “our”)"))
    }

    @Test func referencesResolve() {
        #expect(document.referenceSummary == [
            "sectionTitle Cookies and Other Tracking Technology -> sec-1.cookies-and-other-tracking-technology",
            "sectionTitle Collection of Personal Data -> sec-1",
            "sectionTitle How We Use Your Personal Data -> sec-2",
            "sectionTitle Personal Data Retention -> sec-7",
            "sectionTitle Rights Regarding Your Personal Data -> sec-4.rights-regarding-your-personal-data",
        ])
        #expect(document.references.map(\.clause) == [
            "sec-1.personal-data-collected-automatically.p4",
            "sec-11.p1", "sec-11.p1", "sec-11.p1", "sec-11.p1",
        ])
        // "section 5" of the Terms of Service (line 22) is another document's section.
        #expect(!document.references.contains { $0.kind == .sectionNumber })
    }

    @Test func sourceFacts() {
        #expect(document.source.lineCount == 189)
        #expect(document.source.flaws.isEmpty)
        #expect(document.source.flattenedAt.isEmpty)
        #expect(!document.source.usesCRLF)
        #expect(!document.source.hasByteOrderMark)
        #expect(document.frontMatter.isEmpty)
    }

    @Test func parsingIsDeterministic() throws {
        let again = PolicyParser.parse(try Fixtures.data(Fixtures.seed), path: Fixtures.seed.path)
        #expect(again == document)
    }
}
