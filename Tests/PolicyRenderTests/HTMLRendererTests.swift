import Foundation
import PolicyModel
import PolicyParser
@testable import PolicyRender
import PolicyTestSupport
import Testing

@Suite struct HTMLRendererTests {
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares with the golden file; `RECORD_GOLDENS=1 swift test` writes it anew.
    func assertGolden(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = Self.goldenFolder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, sourceLocation: sourceLocation)
    }

    func smallPolicy() throws -> Document {
        let data = try Data(contentsOf: Self.goldenFolder.appendingPathComponent("small-policy.md"))
        return PolicyParser.parse(data, path: "small-policy.md")
    }

    @Test func smallPolicyMatchesGoldenHTML() throws {
        try assertGolden(HTMLRenderer.render(try smallPolicy()), named: "small-policy.html")
    }

    @Test func smallPolicyMatchesGoldenText() throws {
        try assertGolden(TextRenderer.render(try smallPolicy()), named: "small-policy.txt")
    }

    @Test func smallPolicyMatchesGoldenTree() throws {
        try assertGolden(TreeRenderer.render(try smallPolicy()), named: "small-policy.tree")
    }

    @Test func rawHTMLAndUnsafeLinksAreNeverEmitted() throws {
        let html = HTMLRenderer.render(try smallPolicy())
        #expect(!html.contains("<script"))
        #expect(!html.contains("<span onclick"))
        #expect(!html.lowercased().contains("javascript:"))
        #expect(html.contains("Click"), "the link text stays, only the link goes")
        #expect(html.contains("<a href=\"https://acme.example\">"))
    }

    @Test(arguments: ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:x", "java\tscript:x",
                      "data:text/html,<b>", "vbscript:x", "file:///etc/passwd"])
    func unsafeSchemesAreDropped(destination: String) {
        let document = PolicyParser.parse(text: "# T\n\nA [link](<\(destination)>) here.\n")
        let html = HTMLRenderer.render(document)
        #expect(!html.contains("href=\"\(destination)"))
        #expect(!LinkPolicy.isSafe(destination))
        #expect(html.contains("link"))
    }

    @Test(arguments: ["https://example.com", "mailto:a@example.com", "/terms", "#sec-1", "tel:+15551234"])
    func safeSchemesAreKept(destination: String) {
        #expect(LinkPolicy.isSafe(destination))
    }

    @Test func policyTextIsEscaped() {
        let document = PolicyParser.parse(text: "# A & B <i>\n\nWe say \"x\" & 'y' < z.\n")
        let html = HTMLRenderer.render(document)
        #expect(html.contains("We say &quot;x&quot; &amp; &#39;y&#39; &lt; z."))
        #expect(!html.contains("<i>"))
    }

    @Test func everyIdIsUniqueAndEveryTableOfContentsLinkLands() throws {
        let document = PolicyParser.parse(try Data(contentsOf: Fixtures.ownPolicy), path: "privacy-policy.md")
        let html = HTMLRenderer.render(document)
        let ids = html.matches(of: /id="([^"]+)"/).map { String($0.output.1) }
        #expect(Set(ids).count == ids.count, "duplicate ids")
        let targets = html.matches(of: /href="#([^"]+)"/).map { String($0.output.1) }
        #expect(!targets.isEmpty)
        for target in targets { #expect(ids.contains(target), "dangling #\(target)") }
        for clause in document.allClauses.map(\.clause) where clause.kind != .html && clause.id != document.lastUpdated?.clause {
            #expect(ids.contains(clause.id), "clause \(clause.id) has no anchor")
        }
    }

    @Test func githubSlugLinksAreRewrittenToSectionIds() {
        let document = PolicyParser.parse(text: "# T\n\nSee [it](#what-we-collect).\n\n## What We Collect\n\nText.\n")
        let html = HTMLRenderer.render(document)
        #expect(html.contains("href=\"#sec-what-we-collect\""))
        #expect(html.contains("<span id=\"what-we-collect\"></span>"))
    }

    @Test func renderingIsDeterministic() throws {
        let document = try smallPolicy()
        #expect(HTMLRenderer.render(document) == HTMLRenderer.render(try smallPolicy()))
        #expect(HTMLRenderer.renderBytes(document) == Array(HTMLRenderer.render(document).utf8))
    }

    @Test func lastUpdatedIsShownOnceInTheHeader() throws {
        let html = HTMLRenderer.render(try smallPolicy())
        #expect(html.contains("<time datetime=\"2026-03-03\">March 3, 2026</time>"))
        #expect(html.components(separatedBy: "March 3, 2026").count == 2)
    }
}
