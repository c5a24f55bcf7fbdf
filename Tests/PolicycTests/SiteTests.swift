import Foundation
import PolicyTestSupport
import Testing

/// The published site built from the release archive: current, pending and past versions, redlines,
/// old anchors, the feed; every internal link lands.
@Suite struct SiteTests {
    let doc = "privacy-policy"

    func releasedProject() throws -> URL {
        let root = try Fixtures.scratchProject()
        func release(_ date: String) throws {
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
        try release("2026-11-20")
        // v3 adds advertising: pending on 2026-12-29.
        try edit { $0.replacing("* to understand how Quillmate is used,", with: "* to understand how Quillmate is used;\n* to show you ads from our partners,") }
        try release("2026-12-28")
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
        // The old anchor of the renamed subsection still lands on it.
        #expect(current.contains("<span id=\"sec-1.managing-cookies\"></span>"))

        let archive = try read(root, "\(doc)/archive.html")
        for (version, state) in [("v1", "superseded"), ("v2", "in force"), ("v3", "takes effect 2027-01-27")] {
            #expect(archive.contains("<a href=\"\(version).html\">\(version)</a>"))
            #expect(archive.contains(state))
        }
        let redline = try read(root, "\(doc)/v2-changes.html")
        #expect(redline.contains("<del><span class=\"visually-hidden\">removed: </span>45</del>"))
        #expect(redline.contains("<ins><span class=\"visually-hidden\">added: </span>60</ins>"))
        // Public pages speak to Users: the words that changed, never the review's tiers or rule ids.
        let pending = try read(root, "\(doc)/v3-changes.html")
        #expect(pending.contains("Words added are underlined"))
        for page in [pending, redline, archive, try read(root, "feed.xml")] {
            for word in ["new-purpose", "words-changed", "Verdict:", "tier-", "consent", "editorial", ">initial<"] {
                #expect(!page.contains(word), "a public page shows “\(word)”")
            }
        }
        #expect(try read(root, "\(doc)/v1.html").contains("This is v1 (superseded)"))

        let feed = try read(root, "feed.xml")
        #expect(feed.hasPrefix("<?xml"))
        #expect(feed.ranges(of: "<entry>").count == 3)
        #expect(feed.firstRange(of: "Privacy Policy v3<")!.lowerBound < feed.firstRange(of: "Privacy Policy v1<")!.lowerBound, "newest first")
    }

    @Test func everyInternalLinkLandsAndNoPageRequestsAnythingExternal() throws {
        let root = try releasedProject()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(["build", "--today", "2026-12-29"], in: root).status == 0)
        let site = root.appendingPathComponent("_site")
        let pages = try #require(FileManager.default.enumerator(atPath: site.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".html") }
        #expect(pages.count == 8)
        var checked = 0
        for page in pages {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            let ids = Set(html.matches(of: /id="([^"]+)"/).map { String($0.output.1) })
            #expect(ids.count == html.matches(of: /id="([^"]+)"/).count, "\(page): duplicate ids")
            for match in html.matches(of: /(?:href|src)="([^"]+)"/) {
                let link = String(match.output.1)
                if link.hasPrefix("http") || link.hasPrefix("mailto:") {
                    #expect(!html.contains("src=\"\(link)\""), "\(page) loads \(link)")
                    #expect(!link.hasSuffix(".css") && !link.hasSuffix(".js"), "\(page) requests \(link)")
                    continue
                }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let folder = URL(fileURLWithPath: page).deletingLastPathComponent().relativePath
                let target = parts[0].isEmpty ? page : (folder == "." ? parts[0] : "\(folder)/\(parts[0])")
                let resolved = site.appendingPathComponent(target).standardizedFileURL
                #expect(FileManager.default.fileExists(atPath: resolved.path), "\(page): \(link) is missing")
                if parts.count == 2, let targetHTML = try? String(contentsOf: resolved, encoding: .utf8) {
                    #expect(targetHTML.contains("id=\"\(parts[1])\""), "\(page): \(link) lands nowhere")
                }
                checked += 1
            }
            #expect(!html.contains("<script"), "\(page) has a script")
        }
        #expect(checked > 100)
    }
}
