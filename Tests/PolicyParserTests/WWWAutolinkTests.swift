import Foundation
import PolicyModel
@testable import PolicyParser
import PolicyTestSupport
import Testing

/// www autolinks are found by `WWWAutolinks`, not by cmark-gfm (whose way costs two thirds of its
/// parse). The result must be cmark's own, on every document: parsed both ways, the documents are
/// equal. Parsed one after another in each test, so that cmark's `w` is special only while a parse
/// asks for it (other tests may switch it on meanwhile: that costs time, never a different result).
@Suite(.serialized) struct WWWAutolinkTests {
    static func both(_ text: String) -> (fast: Document, cmark: Document) {
        var text = text
        return text.withUTF8 { bytes in
            let source = UnsafeRawBufferPointer(bytes)
            // The reference pipeline: cmark-gfm finds www autolinks itself.
            let cmark = PolicyParser.parse(source, path: "policy.md", analysis: .all, options: .reference)
            let fast = PolicyParser.parse(source, path: "policy.md", analysis: .all, options: .fast)
            return (fast, cmark)
        }
    }

    static func links(_ document: Document) -> [String] {
        var found: [String] = []
        func visit(_ inlines: [Inline]) {
            for inline in inlines {
                switch inline {
                case .link(let destination, _, let children): found.append(destination); visit(children)
                case .emphasis(let children), .strong(let children), .strikethrough(let children): visit(children)
                default: break
                }
            }
        }
        for clause in document.allClauses { visit(clause.clause.inlines) }
        return found
    }

    /// Cases the port decides itself (no decline): cmark-gfm's answer on each is in the expectation.
    @Test(arguments: [
        ("Visit www.example.com today.", ["http://www.example.com"]),
        ("See (www.example.org/a) and www.x.com/p?q=1&r.", ["http://www.example.org/a", "http://www.x.com/p?q=1&r"]),
        ("A cell www.example.org. Then www. alone, and www. at the end: www.", ["http://www.example.org", "http://www", "http://www"]),
        ("No link: w.www.example.com, xwww.example.com, \\www.example.com, /www.example.com", []),
        ("Starts www.a.co, then www.a.co.uk!? and \"www.quoted.com\"", ["http://www.a.co", "http://www.a.co.uk"]),
        ("Line one www.one.com\nline two www.two.com", ["http://www.one.com", "http://www.two.com"]),
        ("Scheme https://www.scheme.com/x stays cmark's; mail privacy@www.example.com too.", ["https://www.scheme.com/x", "mailto:privacy@www.example.com"]),
        ("[www.inside.com](https://other.example) gets none", ["https://other.example"]),
        ("www.", []),
        ("(www.example.com) and www.example.com)", ["http://www.example.com", "http://www.example.com"]),
    ])
    func casesDecidedHereAreCmarks(text: String, expected: [String]) {
        let (fast, cmark) = Self.both("# Policy\n\n" + text + "\n")
        #expect(fast == cmark)
        #expect(Self.links(fast) == expected)
        #expect(Self.links(cmark) == expected)
    }

    /// The port on its own, whatever cmark's table of special characters holds meanwhile: a paragraph
    /// of plain text.
    @Test(arguments: [
        ("Visit www.example.com today.", ["http://www.example.com"]),
        ("See (www.example.org/a), www.a.co.uk!? and www.x.com/p?q=1.", ["http://www.example.org/a", "http://www.a.co.uk", "http://www.x.com/p?q=1"]),
        ("Then www. alone, and at the end: www.", ["http://www"]),
        ("w.www.example.com, xwww.example.com, \"www.quoted.com\"", []),
    ])
    func thePortLinksPlainText(text: String, expected: [String]) throws {
        let linked = try #require(WWWAutolinks.link([.text(text)]))
        var destinations: [String] = []
        for case .link(let destination, _, let children) in linked {
            destinations.append(destination)
            #expect(children == [.text(String(destination.dropFirst("http://".count)))])
        }
        #expect(destinations == expected)
        // Inside emphasis, the delimiters beside a candidate are not in the inlines: always cmark's call.
        #expect(WWWAutolinks.link([.emphasis([.text(text)])]) == nil)
    }

    /// Where the inlines cannot show what cmark read, the piece goes back to cmark: same result. (And
    /// table cells, whose links these tests do not list.)
    @Test(arguments: [
        "| a | b |\n|---|---|\n| www.cell.com | x www.cell2.org. |\n| *www.e.com* | (www.p.com) |",
        "*www.emphasis.com* and **www.strong.com**",
        "`code`www.after-code.com and <b>x</b>www.after-html.com",
        "www.x.com*not emphasis* and www.y.com_under_",
        "&#119;ww.entity.com and www&#46;x.com and www\\.escaped.com",
        "&amp;www.after-entity.com and www.in&amp;side.com and www.back\\slash.com",
        "[www.unclosed.com and www.x.com]",
        "www.ünicode.com and www.paren(s).com and www.x.com/{y}",
        "www.x.com~~strike~~ and ~~www.in-strike.com~~",
        "![www.alt.com](i.png) www.after-image.com",
    ])
    func declinedCasesAreCmarks(text: String) {
        let (fast, cmark) = Self.both("# Policy\n\n" + text + "\n")
        #expect(fast == cmark)
    }

    @Test func everyCorpusRevisionTheSeedAndOurPolicyParseAsCmarksOwn() throws {
        var urls = [Fixtures.ownPolicy] + (Fixtures.hasSeed ? [Fixtures.seed] : [])
        urls += try Fixtures.corpusRevisions().map(\.url)
        var linked = 0
        for url in urls {
            let (fast, cmark) = Self.both(String(decoding: try Fixtures.data(url), as: UTF8.self))
            #expect(fast == cmark, "\(url.path)")
            linked += Self.links(fast).filter { $0.hasPrefix("http://www") }.count
        }
        // The corpus has www addresses outside links for the port to find.
        if Fixtures.hasCorpus { #expect(linked > 100) }
    }

    /// A long policy is cut into pieces parsed on every core; a piece that declines is parsed again
    /// with `w` special while the others run without it.
    @Test func piecesThatDeclineBesidePiecesThatDoNotParseAsCmarksOwn() {
        var text = "# Policy\n\n"
        for index in 0..<12_000 {
            text += "## Section \(index)\n\n"
            text += index.isMultiple(of: 97) ? "Emphasis *www.s\(index).example.com* here.\n\n" : "Plain www.s\(index).example.com here.\n\n"
        }
        let (fast, cmark) = Self.both(text)
        #expect(fast == cmark)
        #expect(Self.links(fast).count == 12_000)
    }
}
