import Foundation
import PolicyLint
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// Today in UTC, as `policyc check` would take it.
private var utcToday: CalendarDate {
    CalendarDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
}

@Suite struct PolicyFixtureTests {
    private func lint(_ url: URL) throws -> (Document, [Diagnostic]) {
        let document = PolicyParser.parse(try Fixtures.data(url), path: url.path)
        return (document, Linter.lint(document, options: LintOptions(today: utcToday)))
    }

    @Test func ownPolicyHasNoWarningsOrErrors() throws {
        let (document, diagnostics) = try lint(Fixtures.ownPolicy)
        // Make sure the rules had something to look at.
        #expect(document.definedTerms.count >= 10 && document.references.count >= 10)
        #expect(diagnostics.filter { $0.severity >= .warning }.map(\.formatted) == [])
    }

    @Test(.enabled(if: Fixtures.hasSeed)) func seedFollowsTheHouseStyle() throws {
        let (document, diagnostics) = try lint(Fixtures.seed)
        #expect(document.sections.count == 11)
        // Numbered `###` sections with unnumbered setext `##` headings inside: no level contradiction.
        #expect(diagnostics.filter { $0.rule == "heading-level" || $0.rule.hasPrefix("numbering-") }.map(\.formatted) == [])
        // Every term the seed defines is used again (checked by reading): we/us/our, Site, Users, Inputs,
        // Tracking Technologies, Google, Service Providers, EEA.
        #expect(Set(document.definedTerms.map(\.term)).isSuperset(of: ["Users", "Inputs", "Google", "EEA"]))
        #expect(diagnostics.filter { $0.rule == "term-unused" }.map(\.formatted) == [])
        #expect(diagnostics.filter { $0.severity >= .warning }.map(\.formatted) == [])
    }

    @Test(.enabled(if: Fixtures.hasCorpus), arguments: try corpusDocuments())
    func corpusLintsWithoutCrashing(_ doc: String) throws {
        let revisions = try Fixtures.corpusRevisions().filter { $0.doc == doc }
        try #require(!revisions.isEmpty)
        let known = Set(Linter.rules.map { $0.id })
        for revision in revisions {
            let path = "\(revision.doc)/\(revision.file)"
            let document = PolicyParser.parse(try Fixtures.data(revision.url), path: path)
            let diagnostics = Linter.lint(document, options: LintOptions(today: utcToday))
            for diagnostic in diagnostics {
                #expect(diagnostic.path == path)
                #expect(known.contains(diagnostic.rule))
                if let location = diagnostic.location {
                    #expect((1...document.source.lineCount).contains(location.line) && location.column >= 1,
                            "\(diagnostic.formatted)")
                }
            }
            // The crawled TikTok pages keep links to anchors of the live site that the Markdown lost.
            if doc == "tiktok-privacy-policy" {
                #expect(diagnostics.contains { $0.rule == "anchor-unresolved" }, "\(path)")
            }
        }
    }

    static func corpusDocuments() throws -> [String] {
        var seen: Set<String> = []
        return try Fixtures.corpusRevisions().map(\.doc).filter { seen.insert($0).inserted }
    }
}

private func corpusDocuments() throws -> [String] { try PolicyFixtureTests.corpusDocuments() }
