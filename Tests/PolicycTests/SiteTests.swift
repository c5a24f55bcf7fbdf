import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PolicyDiff
import PolicyTestSupport
import Testing

/// The published site built from the release archive: current, pending and past versions, redlines,
/// old anchors, the feed; every internal link lands.
@Suite struct SiteTests {
    let doc = "privacy-policy"

    func releasedProject() throws -> URL {
        let root = try Fixtures.scratchProject()
        func release(_ date: String, notes: String? = nil) throws {
            if let notes {
                try notes.write(to: root.appendingPathComponent("policy/\(doc).notes.md"), atomically: true, encoding: .utf8)
            }
            let result = try Fixtures.policyc(["release", doc, "--date", date], in: root)
            try #require(result.status == 0, "\(result.stderr)")
        }
        func edit(_ transform: (String) -> String) throws {
            let url = root.appendingPathComponent("policy/\(doc).md")
            try transform(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
        }
        try release("2026-11-03")
        // v2 renames a subsection (its id changes) and lengthens a period.
        try edit {
            $0.replacing("Managing Cookies\n----------------", with: "Your Cookie Controls\n--------------------")
                .replacing("45 days", with: "60 days", maxReplacements: 1)
        }
        try release("2026-11-20", notes: "You now have **60 days** to appeal our decision on a request.\n")
        // v3 adds advertising: pending on 2026-12-29.
        try edit { $0.replacing("* to understand how Quillmate is used,", with: "* to understand how Quillmate is used;\n* to show you ads from our partners,") }
        try release("2026-12-28", notes: "We will show you ads from our partners.\n")
        return root
    }

    func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("_site").appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theSiteShowsCurrentPendingAndPastVersions() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(build.status == 0, "\(build.stderr)")

        let current = try read(root, "\(doc).html")
        #expect(current.contains("<time datetime=\"2026-11-20\">Nov 20, 2026</time>"), "v2 is in force")
        #expect(current.contains("An updated version takes effect on <time datetime=\"2027-01-27\">"))
        #expect(current.contains("href=\"\(doc)/v3.html\"") && current.contains("href=\"\(doc)/v3-changes.html\""))
        // The renamed subsection keeps the id it was first published with; both heading slugs land on it.
        #expect(current.contains("<section id=\"sec-1.managing-cookies\">\n<span id=\"managing-cookies\"></span>"
                                 + "<span id=\"your-cookie-controls\"></span>"))
        #expect(!current.contains("sec-1.your-cookie-controls"), "a structural id no page carried is not carried")

        let archive = try read(root, "\(doc)/archive.html")
        for (version, state) in [("v1", "Superseded"), ("v2", "In force"),
                                 ("v3", "Takes effect on <time datetime=\"2027-01-27\">27 January 2027</time>")] {
            #expect(archive.contains("<a href=\"\(version).html\">Version \(version.dropFirst())</a>"))
            #expect(archive.contains("<td>\(state)</td>"), "\(version): \(state)")
        }
        let redline = try read(root, "\(doc)/v2-changes.html")
        #expect(redline.contains("<del><span class=\"visually-hidden\">removed: </span>45</del>"))
        #expect(redline.contains("<ins><span class=\"visually-hidden\">added: </span>60</ins>"))
        // Each change links to its place in the version it leads to, at an id that page carries.
        let places = redline.matches(of: /<p class="change-place"><a href="v2.html#([^"]+)">See it in version 2<\/a><\/p>/)
        #expect(!places.isEmpty, "\(redline)")
        let version2 = try read(root, "\(doc)/v2.html")
        for place in places { #expect(version2.contains("id=\"\(place.1)\""), "v2.html has no #\(place.1)") }
        // Public pages speak to Users: the words that changed, never the review's tiers or rule ids.
        let pending = try read(root, "\(doc)/v3-changes.html")
        #expect(pending.contains("Words added are underlined"))
        for page in [pending, redline, archive, try read(root, "feed.xml")] {
            for word in ["new-purpose", "words-changed", "Verdict:", "tier-", "consent", "editorial", ">initial<"] {
                #expect(!page.contains(word), "a public page shows “\(word)”")
            }
        }
        #expect(try read(root, "\(doc)/v1.html").contains("This is version 1 (superseded), released on "
                                                          + "<time datetime=\"2026-11-03\">3 November 2026</time>"))

        let feed = try read(root, "feed.xml")
        #expect(feed.hasPrefix("<?xml"))
        #expect(feed.ranges(of: "<entry>").count == 3)
        #expect(feed.firstRange(of: "Privacy Policy v3<")!.lowerBound < feed.firstRange(of: "Privacy Policy v1<")!.lowerBound, "newest first")
    }

    @Test func everyInternalLinkLandsAndNoPageRequestsAnythingExternal() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root).status == 0)
        let (pages, checked) = try checkLinks(root.appendingPathComponent("_site"))
        #expect(pages == 8)
        #expect(checked > 100)
    }

    /// Every link of every page of `site` lands on a file (and an id) that is there; no page loads
    /// anything from elsewhere or runs a script. Returns the pages and the links checked.
    func checkLinks(_ site: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> (pages: Int, links: Int) {
        let pages = try #require(FileManager.default.enumerator(atPath: site.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".html") }
        var checked = 0
        for page in pages {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            let ids = Set(html.matches(of: /id="([^"]+)"/).map { String($0.output.1) })
            #expect(ids.count == html.matches(of: /id="([^"]+)"/).count, "\(page): duplicate ids", sourceLocation: sourceLocation)
            for match in html.matches(of: /(?:href|src)="([^"]+)"/) {
                let link = String(match.output.1)
                if link.hasPrefix("http") || link.hasPrefix("mailto:") {
                    #expect(!html.contains("src=\"\(link)\""), "\(page) loads \(link)", sourceLocation: sourceLocation)
                    #expect(!link.hasSuffix(".css") && !link.hasSuffix(".js"), "\(page) requests \(link)", sourceLocation: sourceLocation)
                    continue
                }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let folder = URL(fileURLWithPath: page).deletingLastPathComponent().relativePath
                let target = parts[0].isEmpty ? page : (folder == "." ? parts[0] : "\(folder)/\(parts[0])")
                let resolved = site.appendingPathComponent(target).standardizedFileURL
                #expect(FileManager.default.fileExists(atPath: resolved.path), "\(page): \(link) is missing",
                        sourceLocation: sourceLocation)
                if parts.count == 2, let targetHTML = try? String(contentsOf: resolved, encoding: .utf8) {
                    #expect(targetHTML.contains("id=\"\(parts[1])\""), "\(page): \(link) lands nowhere", sourceLocation: sourceLocation)
                }
                checked += 1
            }
            #expect(!html.contains("<script"), "\(page) has a script", sourceLocation: sourceLocation)
        }
        return (pages.count, checked)
    }

    // MARK: Public pages speak to Users

    @Test func theRedlineTheNoticeAndTheFeedLeadWithTheNotesAndDatesInWords() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(build.status == 0, "\(build.stderr)")

        // The redline names the versions and their dates in words, then the author's notes, then every change.
        let redline = try read(root, "\(doc)/v3-changes.html")
        #expect(redline.contains("<h1>Changes to Privacy Policy</h1>"))
        #expect(redline.contains("From version 2, in force since <time datetime=\"2026-12-20\">20 December 2026</time>, to "
                                 + "version 3, in force from <time datetime=\"2027-01-27\">27 January 2027</time>."), "\(redline)")
        let notes = try #require(redline.firstRange(of: "<h2 id=\"what-is-changing\">What is changing</h2>\n<p>We will show you ads from our partners.</p>"))
        let details = try #require(redline.firstRange(of: "<h2>Every change, word by word</h2>"))
        let firstChange = try #require(redline.firstRange(of: "<ins>"))
        #expect(notes.upperBound < details.lowerBound && details.upperBound < firstChange.lowerBound)
        #expect(!redline.contains("version of"), "never “from the version of D to the version of D”")
        // v2's redline: v1 is superseded, v2 in force.
        #expect(try read(root, "\(doc)/v2-changes.html").contains(
            "From version 1, in force from <time datetime=\"2026-11-03\">3 November 2026</time>, to version 2, in force since "
            + "<time datetime=\"2026-12-20\">20 December 2026</time>."))

        // The current page announces the pending version with its notes.
        let current = try read(root, "\(doc).html")
        #expect(current.contains("An updated version takes effect on <time datetime=\"2027-01-27\">27 January 2027</time>."))
        #expect(current.contains("<div class=\"release-notes\">\n<p>We will show you ads from our partners.</p>"))
        let index = try read(root, "index.html")
        #expect(index.contains("an updated version takes effect on <time datetime=\"2027-01-27\">27 January 2027</time>"))
        // The policy's own line says "November 20, 2026"; the index, beside the date above, says it in the same words.
        #expect(index.contains("Last updated <time datetime=\"2026-11-20\">20 November 2026</time>"), "\(index)")

        // The feed: the notes as the entry's content, dates in words, an author and a link to itself.
        let feed = try read(root, "feed.xml")
        #expect(feed.contains("<content type=\"html\">&lt;p&gt;We will show you ads from our partners.&lt;/p&gt;"))
        #expect(feed.contains("<summary>Released on 28 December 2026; in force from 27 January 2027.</summary>"))
        #expect(feed.contains("<author><name>Quillmate Legal</name></author>"))
        #expect(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://quillmate.example/legal/feed.xml\"/>"))
    }

    /// The public site never shows a tier, a rule id or an override reason; the review (`--review`) shows
    /// them all, so the patterns below are the ones the review really prints.
    @Test func noPublicPageCarriesTheReviewsTiersOrRuleIds() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try Fixtures.policyc(["build", "--today", "2026-12-29", "--review", "review"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("wrote the review (3 pages) into review/"), "\(build.stderr)")

        func rendered(_ rule: String) -> [String] { ["<code>\(rule)</code>", ">\(rule)<", "[\(rule)]"] }
        let tiers = ["editorial", "material", "consent"].flatMap { ["tier-\($0)", "verdict-\($0)", ">\($0)<", ": \($0)"] }
        let forbidden = RuleCatalog.entries.flatMap { rendered($0.rule) } + tiers + ["Verdict:", "Override", "data-clause"]

        let review = try String(contentsOf: root.appendingPathComponent("review/\(doc)/v3.html"), encoding: .utf8)
            + String(contentsOf: root.appendingPathComponent("review/index.html"), encoding: .utf8)
        #expect(review.contains("<code>new-purpose</code>") && review.contains("tier-consent") && review.contains("Verdict:"),
                "the review shows what the public site does not")
        #expect(review.contains("v3: consent") && review.contains("We will show you ads from our partners."))
        // The stamped "Last updated" line is a change the reviewer sees; readers have both dates in the header.
        let publicRedline = try read(root, "\(doc)/v3-changes.html")
        #expect(review.contains("<em>Last Updated: </em>") && !publicRedline.contains("Last Updated"), "\(publicRedline)")

        let site = root.appendingPathComponent("_site")
        let files = try #require(FileManager.default.enumerator(atPath: site.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".xml") || $0.hasSuffix(".css") }
        #expect(files.count == 10)
        for file in files {
            let text = try String(contentsOf: site.appendingPathComponent(file), encoding: .utf8)
            let shown = forbidden.filter { text.contains($0) }
            #expect(shown.isEmpty, "\(file) shows the review's \(shown)")
        }

        // The review is never built into the public site, nor around it.
        for folder in ["_site/review", "_site", "."] {
            let refused = try Fixtures.policyc(["build", "--today", "2026-12-29", "--review", folder], in: root)
            #expect(refused.status != 0, "--review \(folder)")
        }
        let inside = try Fixtures.policyc(["build", "--today", "2026-12-29", "--review", "_site/review"], in: root)
        #expect(inside.stderr.contains("the review cannot be built into, around or inside the public site"), "\(inside.stderr)")
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("review").path))
    }

    /// A first release that takes effect later: its page says when, and links to no redline (there is none).
    @Test func aFirstReleaseTakingEffectLaterLinksToNoMissingPage() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let released = try Fixtures.policyc(["release", doc, "--date", "2026-12-01", "--effective", "2027-01-06"], in: root)
        #expect(released.status == 0, "\(released.stderr)")
        // An unreleased edit of the draft is never published.
        let draft = root.appendingPathComponent("policy/\(doc).md")
        try (try String(contentsOf: draft, encoding: .utf8) + "\nAn unreleased sentence.\n").write(to: draft, atomically: true, encoding: .utf8)
        let build = try Fixtures.policyc(["build", "--today", "2026-12-01"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("the site next changes on 2027-01-06"), "\(build.stderr)")
        let current = try read(root, "\(doc).html")
        #expect(current.contains("This policy takes effect on <time datetime=\"2027-01-06\">6 January 2027</time>."))
        #expect(!current.contains("An unreleased sentence"))
        #expect(try read(root, "index.html").contains("takes effect on <time datetime=\"2027-01-06\">6 January 2027</time>"))
        let (pages, links) = try checkLinks(root.appendingPathComponent("_site"))
        #expect(pages == 4 && links > 20)
        for page in ["index.html", "\(doc).html", "\(doc)/archive.html", "\(doc)/v1.html"] {
            #expect(!(try read(root, page)).contains("-changes.html"), "\(page) links to a redline")
        }
    }

    @Test func datesAreWrittenInTheSitesLanguage() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("policy/policyc.yml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacing("  baseURL:", with: "  locale: fr\n  baseURL:").write(to: config, atomically: true, encoding: .utf8)
        let build = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        let archive = try read(root, "\(doc)/archive.html")
        #expect(archive.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr\">"))
        #expect(archive.contains("<time datetime=\"2026-11-03\">3 novembre 2026</time>"))
        #expect(archive.contains("<time datetime=\"2027-01-27\">27 janvier 2027</time>"))
        #expect(try read(root, "index.html").contains("Last updated <time datetime=\"2026-11-20\">20 novembre 2026</time>"))
        #expect(try read(root, "feed.xml").contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">"))

        // German is in the one table the emails use too.
        try text.replacing("  baseURL:", with: "  locale: de\n  baseURL:").write(to: config, atomically: true, encoding: .utf8)
        let german = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(german.status == 0, "\(german.stderr)")
        #expect(try read(root, "\(doc)/archive.html").contains("<time datetime=\"2027-01-27\">27. Januar 2027</time>"))

        // A language without words for its dates is an error that names the key.
        try text.replacing("  baseURL:", with: "  locale: it\n  baseURL:").write(to: config, atomically: true, encoding: .utf8)
        let italian = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(italian.status != 0)
        #expect(italian.stderr.contains("policy/policyc.yml:") && italian.stderr.contains("site.locale")
                && italian.stderr.contains("en, fr, de, es or pt"), "\(italian.stderr)")
    }

    // MARK: The switch-over

    /// Pages are static: `build` and `status` say when the site next changes, so a pipeline rebuilds then.
    @Test func buildAndStatusSayWhenTheSiteNextChanges() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let status = try Fixtures.policyc(["status", "--on", "2026-12-29", "--format", "json"], in: root)
        #expect(status.status == 0, "\(status.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(entries.first?["nextChange"] as? String == "2027-01-27")
        let text = try Fixtures.policyc(["status", "--on", "2026-12-29"], in: root)
        #expect(text.stdout.contains("The site next changes on 2027-01-27"), "\(text.stdout)")
        let later = try Fixtures.policyc(["status", "--on", "2027-01-27", "--format", "json"], in: root)
        let laterEntries = try #require(try JSONSerialization.jsonObject(with: Data(later.stdout.utf8)) as? [[String: Any]])
        #expect(laterEntries.first?["nextChange"] is NSNull, "\(later.stdout)")
        let build = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(build.stderr.contains("the site next changes on 2027-01-27, when a pending version takes effect"), "\(build.stderr)")
        let built = try Fixtures.policyc(["build", "--today", "2027-01-27"], in: root)
        #expect(!built.stderr.contains("next changes"))
        #expect(try read(root, "\(doc).html").contains("Version 3, in force since <time datetime=\"2027-01-27\">27 January 2027</time>."))
    }

    // MARK: The feed

    /// Whatever the site's title and the notes hold, the feed is XML: parsed here by Foundation's XMLParser.
    @Test func theFeedIsXMLWithAnAuthorAndALinkToItselfWhateverTheTitle() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("policy/policyc.yml")
        let text = try String(contentsOf: config, encoding: .utf8)
        let hostile = #"title: "Q & A <Legal> ]]> \x01\x0B\x7F\u0085\uFFFE\uFFFF &amp; 'it' \"it\"""#
        try text.replacing(/title: .*/, with: hostile).write(to: config, atomically: true, encoding: .utf8)
        let build = try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        let feed = try Data(contentsOf: root.appendingPathComponent("_site/feed.xml"))
        let parsed = AtomReader(feed)
        #expect(parsed.error == nil, "feed.xml is XML: \(String(describing: parsed.error))")
        let title = try #require(parsed.text["feed/title"]?.first)
        #expect(title.hasPrefix("Q & A <Legal> ]]> \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD} &amp; 'it' \"it\""), "\(title)")
        #expect(parsed.text["feed/author/name"] == [title])
        #expect(parsed.links.contains { $0["rel"] == "self" && $0["href"] == "https://quillmate.example/legal/feed.xml" })
        #expect(parsed.text["feed/entry/title"]?.count == 3)
        #expect(parsed.text["feed/entry/content"] == ["<p>We will show you ads from our partners.</p>\n",
                                                      "<p>You now have <strong>60 days</strong> to appeal our decision on a request.</p>\n"])
    }
}

/// A feed read with Foundation's XMLParser: the texts of the elements at each path, in order, the
/// attributes of its `<link>`s, and the parser's error.
final class AtomReader: NSObject, XMLParserDelegate {
    private(set) var text: [String: [String]] = [:]
    private(set) var links: [[String: String]] = []
    private(set) var error: Error?
    private var path: [String] = []
    private var characters = ""

    init(_ data: Data) {
        super.init()
        let parser = XMLParser(data: data)
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? CocoaError(.coderReadCorrupt) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        path.append(name)
        if name == "link" { links.append(attributes) }
        characters = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        characters += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        text[path.joined(separator: "/"), default: []].append(characters)
        path.removeLast()
        characters = ""
    }
}
