import PolicyParser
import Testing
@testable import PolicyDiff

/// Words a policy keeps in raw HTML (Mozilla writes tables as `<table>` blocks) are judged as a
/// paragraph's are. They once were not: the parser gives an HTML block no text, so "share" → "sell"
/// inside a table was "only markup changed", editorial.
@Suite struct HTMLBlockTests {
    func diff(_ old: String, _ new: String) -> ChangeSet {
        func policy(_ body: String) -> String { "# Privacy Policy\n\n## Sharing\n\n\(body)\n" }
        return PolicyDiffer.diff(PolicyParser.parse(text: policy(old)), PolicyParser.parse(text: policy(new)))
    }

    func table(_ cell: String, cellAttributes: String = "") -> String {
        "<table>\n<tr><td\(cellAttributes)>\(cell)</td></tr>\n</table>"
    }

    @Test func aWordChangedInATableIsJudgedByItsWords() throws {
        let changes = diff(table("We share your email address with our partners for support."),
                           table("We sell your email address to our partners for support."))
        #expect(changes.verdict == .consent)
        let change = try #require(changes.changes.first)
        #expect(change.kind == .modified)
        #expect(change.reasons.contains { $0.rule == "new-disclosure" && $0.detail.contains("“share” → “sell”") })
        #expect(change.oldText == "We share your email address with our partners for support.")
        #expect(change.words?.contains { $0.operation == .insert && $0.text.contains("sell") } == true)
    }

    @Test func anAddedHTMLParagraphIsReadForItsWords() throws {
        let kept = "We share your email with partners."
        let changes = diff(kept, kept + "\n\n<p>We sell your email and location to advertisers.</p>")
        #expect(changes.verdict == .consent)
        let added = try #require(changes.changes.first { $0.kind == .added })
        #expect(added.newText == "We sell your email and location to advertisers.")
        #expect(added.reasons.map(\.rule).contains("new-disclosure"))
    }

    @Test func markupThatShowsTheSameWordsIsEditorial() {
        let changes = diff(table("We share your email.", cellAttributes: " class=\"a\""),
                           table("We share your email.", cellAttributes: " class=\"b\""))
        #expect(changes.verdict == .editorial)
        #expect(changes.changes.flatMap(\.reasons).map(\.rule) == ["formatting"])
    }

    @Test func aLinkInAnHTMLBlockThatGoesElsewhereIsMaterial() {
        let changes = diff(table("We <a href=\"https://b.example/x\">share</a> your email."),
                           table("We <a href=\"https://c.example/x\">share</a> your email."))
        #expect(changes.verdict == .material)
        #expect(changes.changes.flatMap(\.reasons).contains {
            $0.rule == "link-host-changed" && $0.detail == "links now point to c.example instead of b.example"
        })
    }

    /// Comments (markdownlint's switches) and anchors that only name a place are never seen: adding one
    /// is editorial. GitHub's policies added such comments in revisions that changed nothing else, and
    /// those were material. Markup that may show something (an image, a script) stays material.
    /// (An anchor closed on its own line is an HTML block; `<a id="x"></a>` on one line is a paragraph
    /// without words, which the diff reports as formatting.)
    @Test(arguments: ["<!-- markdownlint-disable GHD034 -->", "<a id=\"old-anchor\">\n</a>",
                      "<a name=\"old-anchor\">\n</a>\n<!-- kept for old links -->"])
    func hiddenMarkupIsEditorial(_ markup: String) throws {
        let kept = "We share your email with partners."
        let changes = diff(kept, kept + "\n\n" + markup)
        #expect(changes.verdict == .editorial, "\(changes.changes.flatMap(\.reasons))")
        let reason = try #require(changes.changes.first?.reasons.first)
        #expect(reason.rule == "hidden-markup")
        #expect(reason.detail.hasPrefix("added “<"))
        #expect(diff(kept + "\n\n" + markup, kept).verdict == .editorial)
    }

    @Test(arguments: ["<script>track()</script>", "<img src=\"https://pixel.example/p.gif\">",
                      "<a href=\"https://a.example\">\n</a>"])
    func markupThatMayShowSomethingStaysMaterial(_ markup: String) throws {
        let kept = "We share your email with partners."
        let changes = diff(kept, kept + "\n\n" + markup)
        #expect(changes.verdict == .material)
        let reason = try #require(changes.changes.first?.reasons.first)
        #expect(reason.rule == "clause-added")
        #expect(reason.detail == "“\(markup.replacing("\n", with: " "))”")
    }

    @Test func visibleTextDropsTagsCommentsScriptsAndStylesAndDecodesReferences() {
        #expect(HTMLText.visible("<table>\n<tr><td>a</td><td>b</td></tr></table>") == "a b")
        #expect(HTMLText.visible("<p>Fish &amp; chips &lt;3 &#x2019;&#8217;&rsquo; &unknown; 5 < 6</p>")
            == "Fish & chips <3 ’’’ &unknown; 5 < 6")
        #expect(HTMLText.visible("<p>Seen<!-- unseen <b>x</b> --> <SCRIPT type=x>unseen()</script >and<style>p{}</style> seen</p>")
            == "Seen and seen")
        #expect(HTMLText.visible("<!-- never closed") == "")
        #expect(HTMLText.visible("<a id=\"x\"></a>") == "")
        // Stray `<` before any `>`: text, read once (a search to the end for each was quadratic).
        let stray = String(repeating: "<a ", count: 200_000)
        #expect(HTMLText.visible(stray).count == stray.count - 1)
        #expect(HTMLText.visible("<a <b>c") == "c")
    }

    @Test func hiddenMarkupIsOnlyCommentsAndNamedAnchors() {
        #expect(HTMLText.isHidden("<!-- a -->\n<!-- b -->"))
        #expect(HTMLText.isHidden("<a id=\"x\"></a>"))
        #expect(HTMLText.isHidden("<A NAME=\"x\"></A>"))
        #expect(!HTMLText.isHidden("<a href=\"https://a.example\" id=\"x\"></a>"))
        #expect(!HTMLText.isHidden("<!-- a --> words"))
        #expect(!HTMLText.isHidden("<img src=\"x.png\">"))
        #expect(!HTMLText.isHidden("<div></div>"))
    }
}
