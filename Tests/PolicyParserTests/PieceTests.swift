import Dispatch
import Foundation
import PolicyModel
@testable import PolicyParser
import PolicyTestSupport
import Testing

/// Long policies are cut into pieces parsed in parallel (`SourcePieces`). The promise: the document
/// is the same, byte for byte, as from one parse of the whole; a piece is cut only where that holds.
struct PieceTests {
    /// Parses `markdown` by the reference and cut at every safe place, returning both and the cut count.
    private func parseBothWays(_ markdown: String) -> (whole: Document, cut: Document, pieces: Int) {
        var text = markdown
        return text.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            let whole = PolicyParser.parse(bytes, path: "policy.md", analysis: .all, options: .reference)
            let cut = PolicyParser.parse(bytes, path: "policy.md", analysis: .all, pieceBytes: 1)
            return (whole, cut, SourcePieces.split(bytes, minimumBytes: 1).count)
        }
    }

    private func pieceStarts(_ markdown: String) -> [Int] {
        var text = markdown
        return text.withUTF8 { buffer in
            SourcePieces.split(UnsafeRawBufferPointer(buffer), minimumBytes: 1).map(\.start)
        }
    }

    @Test func cutsBeforeHeadingsAfterBlankLinesAndKeepsLineNumbers() {
        let markdown = "# Policy\n\nIntro with ~~old~~ and www.example.com.\n\n## 1. One\n\n- a\n- b\n\n## 2. Two\n\n> quoted\n\n### 2.1 Deep\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## 3. Three\n\ntext\n"
        let (whole, cut, pieces) = parseBothWays(markdown)
        // Before the intro, the four headings, the list, the table and the last text; not before the quote.
        #expect(pieces == 9)
        #expect(cut == whole)
        #expect(cut.allSections.map { $0.location?.line } == [5, 10, 14, 20])
        #expect(cut.allClauses.last?.clause.location?.line == 22)
    }

    @Test func cutsBeforeTextButNeverWhereAListOrQuoteGoesOn() {
        let markdown = "# T\n\nText.\n\n- a\n\n- b\n\n* c\n\n+ d\n\n1. e\n\n2) f\n\n> q\n\n> r\n\n  indented\n\n"
            + "**Bold** start.\n\n---\n\n***\n\n-not a list\n\n<span>x</span>\n\nEnd.\n"
        let cutBefore = pieceStarts(markdown).dropFirst().map { start in
            String(markdown.utf8.dropFirst(start).prefix { $0 != UInt8(ascii: "\n") })!
        }
        // The first list may be cut before: text was before it. None of the others.
        #expect(cutBefore == ["Text.", "- a", "**Bold** start.", "---", "***", "-not a list", "End."])
        let (whole, cut, _) = parseBothWays(markdown)
        #expect(cut == whole)
    }

    /// A list may be cut before where no list can be open: after text, a heading or a table at
    /// column 0 and a blank line. Never between two items of one list, however they are written.
    @Test func cutsBeforeAListOnlyWhereNoneIsOpen() {
        let markdown = "# T\n\nText.\n\n- a\n- b\n\n- loose\n\n1. one\n\n2. two\n\n"
            + "- item\nlazy text\n\n- after lazy\n\n- item\n\n  indented more\n\n- after indented\n\n"
            + "> - quoted\n\n- after quote\n\nClosing text.\n\n* new list\n\n| t |\n|---|\n\n3) after table\n"
        let cutBefore = pieceStarts(markdown).dropFirst().map { start in
            String(markdown.utf8.dropFirst(start).prefix { $0 != UInt8(ascii: "\n") })!
        }
        #expect(cutBefore == ["Text.", "- a", "Closing text.", "* new list", "| t |", "3) after table"])
        let (whole, cut, _) = parseBothWays(markdown)
        #expect(cut == whole)
    }

    @Test func neverCutsInsideAFencedCodeBlock() {
        let markdown = "# T\n\ntext\n\n````md\n\n## not a heading\n\n```\n\n## still code\n````\n\n## Real\n\nend\n"
        let starts = pieceStarts(markdown)
        #expect(starts.count == 4)
        #expect(starts.dropFirst(2).first == markdown.utf8.count - "## Real\n\nend\n".utf8.count)
        let (whole, cut, _) = parseBothWays(markdown)
        #expect(cut == whole)
        #expect(whole.allSections.map(\.title) == ["Real"])
    }

    @Test func anUnclosedFenceStopsTheCutsAtItsStart() {
        let markdown = "# T\n\n## A\n\n~~~\n\n## in code\n\n## also code\n"
        #expect(pieceStarts(markdown).count == 2)
        let (whole, cut, _) = parseBothWays(markdown)
        #expect(cut == whole)
    }

    /// An HTML comment is followed line by line: the document is cut after it, never inside, and a
    /// fence-like line inside it (HTML, or a fence if the comment was inline) stops the cuts.
    @Test(arguments: [
        ("# T\n\n## A\n\n<!-- markdownlint-disable MD033 -->\n\n## B\n\nx\n", "## B", []),
        ("# T\n\n## A\n\n<!--\n\n## hidden\n\nstill hidden\n-->\n\n## B\n\nx\n", "## B", ["## hidden", "still hidden"]),
        ("# T\n\n## A\n\ntext <!-- an inline note\n\n## after\n\n--> text\n\n## B\n\nx\n", "## B", ["## after"]),
        ("# T\n\n## A\n\n<!-- a --> <!--\n\n## hidden\n\n-->\n\n## B\n\nx\n", "## B", ["## hidden"]),
        ("# T\n\n## A\n\n<!-->\n\n## maybe\n\n-->\n\n## B\n\nx\n", "## B", ["## maybe"]),
        ("# T\n\n## A\n\n```\n<!--\n```\n\n## B\n\nx\n\n## C\n\n-->\n", "## C", []),
        ("# T\n\n## A\n\n    <!--\n```\n-->\n\n## in code\n\n```\n\n## B\n\nx\n", nil, ["## in code", "## B"]),
    ])
    func cutsAfterHTMLCommentsNeverInside(markdown: String, cutBefore: String?, notBefore: [String]) {
        let starts = Set(pieceStarts(markdown))
        func offset(_ line: String) -> Int { markdown.utf8.count - markdown.components(separatedBy: "\n" + line + "\n").last!.utf8.count - line.utf8.count - 1 }
        if let cutBefore { #expect(starts.contains(offset(cutBefore)), "\(starts.sorted())") }
        for line in notBefore { #expect(!starts.contains(offset(line)), "\(line)") }
        let (whole, cut, _) = parseBothWays(markdown)
        #expect(cut == whole)
    }

    @Test(arguments: [
        // Link reference definitions serve the whole document.
        "# T\n\n## A\n\nSee [the terms][t].\n\n## B\n\n[t]: https://example.com/terms\n",
        // HTML blocks that only an end marker closes run across blank lines and headings.
        "# T\n\n## A\n\n<pre>\n\n## kept\n\n</pre>\n\n## B\n\nx\n",
        "# T\n\n## A\n\n<SCRIPT>\n\n## kept\n\n</SCRIPT>\n\n## B\n\nx\n",
        // A fence line inside an HTML block is HTML, and a real fence may follow.
        "# T\n\n<div>\n```\n</div>\n\n## A\n\n```\n\n## in code\n\n```\n\n## B\n\nx\n",
        // A fence line under a table may be one more row.
        "# T\n\n| a |\n|---|\n| 1 |\n```\n\n## A\n\n```\n\n## in code\n\n```\n\n## B\n\nx\n",
        // A fence indented under a list item, left open, ends with the item; a later fence is real.
        "# T\n\n- item\n\n  ```\n  code\n\n## A\n\n```\n\n## in code\n\n```\n\n## B\n\nx\n",
    ])
    func declinesWhatACutCouldChange(markdown: String) {
        #expect(pieceStarts(markdown) == [0])
        let (whole, cut, _) = parseBothWays(markdown)
        #expect(cut == whole)
    }

    @Test func readsEveryLineEndingAsCmarkDoes() {
        for newline in ["\r\n", "\r"] {
            let markdown = "# T\n\nintro\n\n## A\n\n- x\n\n## B\n\ny\n".replacingOccurrences(of: "\n", with: newline)
            let (whole, cut, pieces) = parseBothWays(markdown)
            #expect(pieces == 6)
            #expect(cut == whole)
            #expect(cut.allSections.map { $0.location?.line } == [5, 9])
        }
    }

    @Test func frontMatterAndByteOrderMarkKeepPositions() {
        let markdown = "\u{FEFF}---\ntitle: X\n---\n# T\n\n## A\n\nz\n\n## B\n\ny\n"
        let (whole, cut, pieces) = parseBothWays(markdown)
        #expect(pieces == 5)
        #expect(cut == whole)
        #expect(cut.allSections.map { $0.location?.line } == [6, 10])
    }

    @Test(.enabled(if: Fixtures.hasSeed, "needs ../shared/seed"))
    func theSeedIsTheSameCut() throws {
        let (whole, cut, pieces) = parseBothWays(String(decoding: try Fixtures.data(Fixtures.seed), as: UTF8.self))
        #expect(pieces > 5)
        #expect(cut == whole)
    }

    /// Every real revision, cut wherever the rules allow, against its whole parse.
    @Test(.enabled(if: Fixtures.hasCorpus, "needs ../shared/corpus"))
    func everyCorpusRevisionIsTheSameCut() throws {
        var differing: [String] = []
        var cutRevisions = 0
        for revision in try Fixtures.corpusRevisions() {
            let data = try Data(contentsOf: revision.url)
            let (whole, cut, pieces) = parseBothWays(String(decoding: data, as: UTF8.self))
            if pieces > 1 { cutRevisions += 1 }
            if cut != whole { differing.append("\(revision.doc)/\(revision.file)") }
        }
        #expect(differing.isEmpty)
        // The rules must leave most real policies something to cut, or the fast path is never taken.
        #expect(cutRevisions > 400)
    }

    /// cmark-gfm keeps the extensions' special characters in a global (see `CommonMarkConverter`):
    /// many documents with tables, strikethrough and autolinks parsed at once come out as parsed alone.
    @Test func concurrentParsesKeepStrikethroughAndAutolinks() {
        let markdown = (0..<40).map { index in
            "## \(index). Part\n\nSee https://example.com/\(index) and ~~old~~ text, www.example.org, a@b.example.\n\n| a | ~~b~~ |\n|---|---|\n| https://x.example | y |\n"
        }.joined(separator: "\n")
        let expected = PolicyParser.parse(text: markdown, options: .reference)
        let results = ParallelResults<Document>(count: 64)
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            results.set(index, PolicyParser.parse(text: markdown, options: .fast))
        }
        let differing = (0..<64).filter { results.value($0) != expected }
        #expect(differing.isEmpty)
        var links = 0
        var struck = 0
        for (_, clause) in expected.allClauses {
            for inlines in [clause.inlines] + (clause.cells ?? []) {
                Inline.forEach(in: inlines) { inline in
                    if case .link = inline { links += 1 }
                    if case .strikethrough = inline { struck += 1 }
                }
            }
        }
        // Each part: a URL, a www. link and an address in the paragraph, a URL in the table.
        #expect(links == 40 * 4)
        #expect(struck == 40 * 2)
    }
}

/// On Linux, policyc's replacement for cmark-gfm's special-character setter must be the one cmark
/// calls, or every parse falls back to running one at a time (see `CommonMarkConverter`).
@Suite struct SpecialCharacterTests {
    @Test func cmarkParsesMayOverlap() {
        #if os(Linux)
        #expect(CommonMarkConverter.parsesMayOverlap)
        #endif
        let document = PolicyParser.parse(text: "~~gone~~ www.example.com\n\n| a |\n|---|\n| ~~b~~ |\n")
        var inlines: [Inline] = []
        for block in document.preamble {
            block.forEachClause { clause in inlines += clause.inlines + (clause.cells ?? []).flatMap { $0 } }
        }
        var struck: [String] = []
        var links: [String] = []
        Inline.forEach(in: inlines) { inline in
            if case .strikethrough(let children) = inline { struck.append(Inline.plainText(children)) }
            if case .link(let destination, _, _) = inline { links.append(destination) }
        }
        #expect(struck == ["gone", "b"])
        #expect(links == ["http://www.example.com"])
    }
}
