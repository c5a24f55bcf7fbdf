import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// The project's own policy (`policy/privacy-policy.md`), written in the seed's style.
@Suite struct OwnPolicyTests {
    let document: Document

    init() throws {
        document = PolicyParser.parse(try Fixtures.data(Fixtures.ownPolicy), path: "policy/privacy-policy.md")
    }

    @Test func titleDateAndSections() throws {
        #expect(document.id == "privacy-policy")
        #expect(document.title == "Privacy Policy")
        #expect(try #require(document.lastUpdated).date != nil)
        #expect(document.sections.map(\.number) == (1...11).map { String($0) })
        #expect(document.sections.map(\.id) == (1...11).map { "sec-\($0)" })
        #expect(document.sections.allSatisfy { !$0.title.isEmpty })
        #expect(document.source.flaws.isEmpty)
    }

    @Test func subsectionsUnderOneTwoAndSeven() {
        let withSubsections = document.sections.filter { !$0.sections.isEmpty }.map(\.id)
        #expect(withSubsections == ["sec-1", "sec-2", "sec-7"])
        for section in document.sections {
            for subsection in section.sections {
                #expect(subsection.number == nil)
                #expect(subsection.id.hasPrefix(section.id + "."))
                #expect(subsection.sections.isEmpty)
            }
        }
        #expect(document.section("sec-1.managing-cookies")?.title == "Managing Cookies")
    }

    @Test func twelveDefinedTerms() {
        #expect(document.definedTerms.map(\.term) == [
            "we", "us", "our", "Site", "Users", "Assist Features", "Inputs", "Tracking Technologies",
            "Service Providers", "Workspace Administrator", "EEA", "Authorized Agent",
        ])
        let clauseIDs = Set(document.allClauses.map(\.clause.id))
        #expect(document.definedTerms.allSatisfy { clauseIDs.contains($0.clause) && $0.location != nil })
    }

    @Test func referencesAllResolve() {
        #expect(!document.references.isEmpty)
        let unresolved = document.references.filter { $0.resolved == nil }
        #expect(unresolved.isEmpty, "\(unresolved)")
        let summary = Set(document.referenceSummary)
        #expect(summary.contains("anchor sec-7 -> sec-7"))
        #expect(summary.contains("anchor sec-4 -> sec-4"))
        #expect(summary.contains("sectionNumber 7 -> sec-7"))
        #expect(summary.contains("sectionTitle Managing Cookies -> sec-1.managing-cookies"))
        #expect(summary.contains("sectionTitle Cookies and Similar Technologies -> sec-1.cookies-and-similar-technologies"))
    }

    @Test func idsAreUnique() {
        let clauseIDs = document.allClauses.map(\.clause.id)
        #expect(Set(clauseIDs).count == clauseIDs.count)
        let sectionIDs = document.allSections.map(\.id)
        #expect(Set(sectionIDs).count == sectionIDs.count)
    }
}
