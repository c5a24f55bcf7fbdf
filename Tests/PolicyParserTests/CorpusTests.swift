import Foundation
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// Every revision of the twelve real policies in `shared/corpus` (717 files, about 22 MB).
@Suite(.enabled(if: Fixtures.hasCorpus, "needs ../shared/corpus"))
struct CorpusTests {
    @Test func everyRevisionParsesIntoAPlausibleDocument() throws {
        let revisions = try Fixtures.corpusRevisions()
        #expect(revisions.count == 717)
        var problems: [String] = []
        var datedByDocument: [String: Int] = [:]
        var bytes = 0

        for revision in revisions {
            let data = try Data(contentsOf: revision.url)
            bytes += data.count
            let document = PolicyParser.parse(data, path: revision.url.path)
            let name = "\(revision.doc)/\(revision.file)"
            func problem(_ text: String) { problems.append("\(name): \(text)") }

            let source = String(decoding: data, as: UTF8.self)
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(document.source.byteCount == data.count)
            if document.source.lineCount != lines.count - (source.hasSuffix("\n") ? 1 : 0) {
                problem("line count \(document.source.lineCount)")
            }

            if document.title.trimmingCharacters(in: .whitespaces).isEmpty { problem("empty title") }

            // Sections: at least one where the file has a heading besides its title; none with an empty
            // title unless the heading was only a number; every location inside the file.
            let atxHeadings = lines.filter(Self.isATXHeading).count
            let headingsBesidesTitle = atxHeadings - (document.titleLocation == nil ? 0 : 1)
            if headingsBesidesTitle > 0, document.sections.isEmpty { problem("no sections for \(atxHeadings) headings") }
            if document.sections.count > 40 { problem("\(document.sections.count) top-level sections") }
            var sectionIDs: Set<String> = []
            for section in document.allSections {
                if section.title.isEmpty, section.number == nil { problem("empty title at \(section.id)") }
                if !sectionIDs.insert(section.id).inserted { problem("duplicate section id \(section.id)") }
                guard let line = section.location?.line, (1...document.source.lineCount).contains(line) else {
                    problem("section \(section.id) at \(String(describing: section.location))")
                    continue
                }
            }

            // Clauses: unique ids, locations inside the file.
            var clauseIDs: Set<String> = []
            for (_, clause) in document.allClauses {
                if !clauseIDs.insert(clause.id).inserted { problem("duplicate clause id \(clause.id)") }
                if let location = clause.location {
                    if !(1...document.source.lineCount).contains(location.line) || location.column < 1 {
                        problem("clause \(clause.id) at \(location)")
                    }
                } else if clause.kind != .tableRow {
                    problem("clause \(clause.id) has no location")
                }
            }
            for term in document.definedTerms where !clauseIDs.contains(term.clause) {
                problem("term \(term.term) in unknown clause \(term.clause)")
            }
            for reference in document.references {
                if !clauseIDs.contains(reference.clause) { problem("reference in unknown clause \(reference.clause)") }
                if let target = reference.resolved, target != "title", !sectionIDs.contains(target),
                   !clauseIDs.contains(target) {
                    problem("reference resolved to unknown id \(target)")
                }
            }

            // A document that declares a date near its top has it read.
            if let declaration = lines.prefix(40).first(where: Self.declaresDate) {
                if document.lastUpdated?.date == nil { problem("date not read from \"\(declaration)\"") }
            }
            if document.lastUpdated?.date != nil { datedByDocument[revision.doc, default: 0] += 1 }
            if !document.source.flaws.isEmpty { problem("flaws \(document.source.flaws)") }
        }

        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(40).joined(separator: "\n"))")
        #expect(bytes > 20_000_000)
        // Every GitHub privacy statement says "Effective date:"; Basecamp writes `*Last updated:` in all
        // but its first privacy revision and first seven terms revisions; WordPress.com from 0076 on.
        #expect(datedByDocument["github-privacy-statement"] == 70)
        #expect(datedByDocument["github-terms-of-service"] == 44)
        #expect(datedByDocument["github-corporate-terms-of-service"] == 50)
        #expect(datedByDocument["basecamp-privacy-policy"] == 46)
        #expect(datedByDocument["basecamp-terms-of-service"] == 32)
        #expect(datedByDocument["wordpresscom-terms-of-service"] == 32)
        #expect(datedByDocument["mozilla-firefox-privacy-notice"] == 123)
        #expect(datedByDocument["mozilla-websites-privacy-notice"] == 49)
        #expect(datedByDocument["tiktok-privacy-policy"] == 61)
    }

    @Test func knownStructures() throws {
        func parseRevision(_ doc: String, _ number: String) throws -> Document {
            let folder = Fixtures.corpus.appendingPathComponent(doc)
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .first { $0.hasPrefix(number + "-") })
            let url = folder.appendingPathComponent(file)
            return PolicyParser.parse(try Data(contentsOf: url), path: url.path)
        }

        // GitHub's terms: lettered sections with arabic series inside, anchors by GitHub slug.
        let terms = try parseRevision("github-terms-of-service", "0044")
        #expect(terms.title == "GitHub Terms of Service")
        #expect(terms.section("sec-b")?.title == "Account Terms")
        #expect(terms.section("sec-b.1") != nil)
        #expect(terms.section("sec-d.1") != nil)
        let summaryLinks = terms.references.filter { $0.kind == .anchor && $0.clause.hasPrefix("sec-summary") }
        #expect(!summaryLinks.isEmpty)
        #expect(summaryLinks.allSatisfy { $0.resolved != nil }, "\(summaryLinks.filter { $0.resolved == nil })")

        // Automattic: no H1; `Privacy Policy` as a setext H2 heads `###` sections.
        let automattic = try parseRevision("automattic-privacy-policy", "0038")
        #expect(automattic.title == "Privacy Policy")
        #expect(automattic.sections.count > 10)
        #expect(automattic.sections.allSatisfy { $0.level == 3 })

        // Mozilla: kramdown ids on headings, the visible date.
        let mozilla = try parseRevision("mozilla-firefox-privacy-notice", "0001")
        #expect(mozilla.title == "Firefox Browser Privacy Notice")
        #expect(mozilla.lastUpdated?.date == CalendarDate(year: 2014, month: 1, day: 27))
        #expect(mozilla.allSections.contains { $0.aliases.contains("auto-updates") })

        // Basecamp: front matter, then an H1 title and `*Last updated:`.
        let basecamp = try parseRevision("basecamp-privacy-policy", "0047")
        #expect(basecamp.title == "Privacy policy")
        #expect(basecamp.frontMatter["title"] == "Privacy policy")
        #expect(basecamp.lastUpdated?.date == CalendarDate(year: 2023, month: 4, day: 20))
        #expect(basecamp.references.filter { $0.kind == .anchor }.allSatisfy { $0.resolved != nil })
    }

    /// `# Title`, `### 1. Scope`: an ATX heading line (outside code, which the corpus does not have).
    static func isATXHeading(_ line: Substring) -> Bool {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return false }
        let rest = line.dropFirst(hashes)
        return rest.first == " " && !rest.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// `Effective date: …`, `*Last updated: …*`, `_Last Updated: …_`, `Version Effective Date: …`.
    static func declaresDate(_ line: Substring) -> Bool {
        let text = line.drop { $0 == "*" || $0 == "_" || $0 == " " }.lowercased()
        return ["last updated", "effective date", "version effective date", "last modified"].contains { text.hasPrefix($0) }
    }
}
