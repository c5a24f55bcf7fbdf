import PolicyTestSupport
import Foundation
import PolicyModel
import PolicyParser
import Testing

/// Parsing never fails and never crashes: every byte string is some document, and what is wrong
/// with it is recorded for lint to report.
@Suite struct HostileInputTests {
    @Test func invalidUTF8IsRecordedWithItsOffsetAndTheTextStillParses() throws {
        let marked = Marked("# Title\n\nGood line.\nBad ⟨a⟩X⟨b⟩X byte.\n\nAfter ⟨c⟩X end.\n")
        var bytes = Array(marked.text.utf8)
        let offsets = marked.text.utf8.indices.filter { marked.text.utf8[$0] == UInt8(ascii: "X") }
            .map { marked.text.utf8.distance(from: marked.text.utf8.startIndex, to: $0) }
        #expect(offsets.count == 3)
        bytes[offsets[0]] = 0xFF        // never valid
        bytes[offsets[1]] = 0xFE        // never valid
        bytes[offsets[2]] = 0xC3        // a lead byte followed by a space
        let document = parse(bytes: bytes)

        #expect(document.source.flaws.map(\.kind) == [.invalidUTF8, .invalidUTF8, .invalidUTF8])
        #expect(document.source.flaws.map(\.offset) == offsets)
        #expect(document.source.flaws.map(\.location) == [marked["a"], marked["b"], marked["c"]])
        #expect(document.title == "Title")
        let texts = document.preambleClauses.map(\.text)
        #expect(texts == ["Good line. Bad \u{FFFD}\u{FFFD} byte.", "After \u{FFFD} end."])
    }

    @Test func truncatedAndOverlongSequencesAreFlaws() {
        // A cut-off three-byte sequence at the end, an overlong encoding of "/", a UTF-16 surrogate.
        let bytes: [UInt8] = Array("# T\n\n".utf8) + [0xC0, 0xAF, 0x20, 0xED, 0xA0, 0x80, 0x20, 0xE2, 0x82]
        let document = parse(bytes: bytes)
        #expect(document.source.flaws.map(\.offset) == [5, 6, 8, 9, 10, 12, 13])
        #expect(document.source.flaws.allSatisfy { $0.kind == .invalidUTF8 && $0.location.line == 3 })
        #expect(document.preambleClauses.count == 1)
    }

    @Test func manyFlawsAreCapped() {
        let bytes = Array("# T\n\n".utf8) + [UInt8](repeating: 0xFF, count: 10_000)
        let document = parse(bytes: bytes)
        #expect(document.source.flaws.count == 100)
        #expect(document.source.flaws.last?.offset == 5 + 99)
        #expect(document.source.byteCount == bytes.count)
    }

    @Test func nulBytesAreRecorded() throws {
        let marked = Marked("# T\n\nA⟨nul⟩-B text.\n")
        var bytes = Array(marked.text.utf8)
        let offset = try #require(bytes.firstIndex(of: UInt8(ascii: "-")))
        bytes[offset] = 0
        let document = parse(bytes: bytes)
        #expect(document.source.flaws.map(\.kind) == [.nulByte])
        #expect(document.source.flaws.first?.offset == offset)
        #expect(document.source.flaws.first?.location == marked["nul"])
        // cmark replaces NUL with U+FFFD; the words around it are kept.
        #expect(document.preambleClauses.map(\.text) == ["A\u{FFFD}B text."])
    }

    @Test func anEmptyFileIsAnEmptyDocumentNamedAfterItsFile() {
        let document = parse(bytes: [], path: "policy/cookie-policy.md")
        #expect(document.id == "cookie-policy")
        #expect(document.title == "Cookie Policy")
        #expect(document.titleLocation == nil)
        #expect(document.sections.isEmpty)
        #expect(document.preamble.isEmpty)
        #expect(document.lastUpdated == nil)
        #expect(document.source.byteCount == 0)
        #expect(document.source.lineCount == 0)

        let blank = parse("\n\n   \n\t\n", path: "terms_of_service.md")
        #expect(blank.title == "Terms Of Service")
        #expect(blank.sections.isEmpty)
        #expect(blank.preamble.isEmpty)
        #expect(blank.source.lineCount == 4)
    }

    @Test func crlfLineEndingsGiveTheSameStructureAndLines() {
        let lf = """
        Cookie Notice
        =============

        _Last Updated: Jan 9, 2024_

        Acme (“**we**”) collects data.

        ### 1\\. Scope

        Scope text.

        Details
        -------

        - item one
        - item two, see Section 2

        | A | B |
        |---|---|
        | 1 | 2 |

        ### 2\\. More

        ```
        code
        ```
        """
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let a = parse(lf)
        let b = parse(crlf)
        #expect(!a.source.usesCRLF)
        #expect(b.source.usesCRLF)
        #expect(a.source.lineCount == b.source.lineCount)
        #expect(a.title == b.title)
        #expect(a.titleLocation == b.titleLocation)
        #expect(a.lastUpdated == b.lastUpdated)
        #expect(a.outline == b.outline)
        #expect(a.allSections.map(\.location) == b.allSections.map(\.location))
        #expect(a.allClauses.map(\.clause) == b.allClauses.map(\.clause))
        #expect(a.definedTerms == b.definedTerms)
        #expect(a.references == b.references)
        #expect(b.allClauses.allSatisfy { !$0.clause.text.contains("\r") })
        #expect(b.allSections.allSatisfy { !$0.title.contains("\r") })
    }

    @Test func aByteOrderMarkDoesNotHideTheTitleOrShiftColumns() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = "# Privacy Policy\n\nBad \u{1}byte.\n\n## One\n"
        let document = parse(bytes: bom + Array(text.utf8))
        #expect(document.source.hasByteOrderMark)
        #expect(document.title == "Privacy Policy")
        #expect(document.titleLocation == SourceLocation(line: 1, column: 1))
        #expect(document.outline == ["sec-one"])
        #expect(document.section("sec-one")?.location == SourceLocation(line: 5, column: 1))
        #expect(!document.title.unicodeScalars.contains("\u{FEFF}"))

        let withFrontMatter = parse(bytes: bom + Array("---\ntitle: X\n---\n# Title\n\n## One\n".utf8))
        #expect(withFrontMatter.frontMatter["title"] == "X")
        #expect(withFrontMatter.title == "Title")
        #expect(withFrontMatter.titleLocation == SourceLocation(line: 4, column: 1))

        // A flaw on the first line is counted from after the mark, like the headings.
        let flawed = parse(bytes: bom + Array("# T".utf8) + [0xFF] + Array("\n".utf8))
        #expect(flawed.source.flaws.map(\.offset) == [6])
        #expect(flawed.source.flaws.map(\.location) == [SourceLocation(line: 1, column: 4)])
    }

    @Test func tenThousandDeepNestedListsAreFlattened() throws {
        let depth = 10_000
        let markdown = "# T\n\n" + String(repeating: "- ", count: depth) + "deepest item\n\nAfter.\n"
        let document = parse(markdown)
        #expect(!document.source.flattenedAt.isEmpty)
        let texts = document.preambleClauses.map(\.text)
        #expect(texts.contains("deepest item"))
        #expect(texts.last == "After.")
        #expect(texts.count < 100)
        try assertEncodes(document)
    }

    @Test func deeplyIndentedListsAreFlattened() throws {
        // Each level indented under the previous one (quadratic in bytes, so a thousand levels, 1 MB).
        let depth = 1_000
        var markdown = "# T\n\n"
        for level in 0..<depth {
            markdown += String(repeating: " ", count: 2 * level) + "- item \(level)\n"
        }
        let document = parse(markdown)
        #expect(!document.source.flattenedAt.isEmpty)
        let text = document.preambleClauses.map(\.text).joined(separator: " ")
        #expect(text.contains("item 0"))
        #expect(text.contains("item \(depth - 1)"))
        try assertEncodes(document)
    }

    @Test func tenThousandDeepBlockQuotesAreFlattened() throws {
        let depth = 10_000
        let markdown = "# T\n\n" + String(repeating: ">", count: depth) + " deep quote\n\n"
            + String(repeating: "> ", count: depth) + "- quoted item\n\nAfter.\n"
        let document = parse(markdown)
        #expect(!document.source.flattenedAt.isEmpty)
        let texts = document.preambleClauses.map(\.text)
        #expect(texts.contains("deep quote"))
        #expect(texts.contains("quoted item"))
        #expect(texts.last == "After.")
        try assertEncodes(document)
    }

    @Test func tenThousandDeepEmphasisAndLinksAreFlattened() throws {
        let depth = 10_000
        let markdown = "# T\n\n"
            + String(repeating: "*", count: depth) + "emphasised" + String(repeating: "*", count: depth) + "\n\n"
            + String(repeating: "**a *b ", count: depth / 2) + "core" + String(repeating: "* b** a", count: depth / 2)
            + "\n\n"
            + String(repeating: "![", count: depth) + "image" + String(repeating: "](i.png)", count: depth) + "\n\n"
            + String(repeating: "[", count: depth) + "link" + String(repeating: "](#x)", count: depth) + "\n\n"
            // Not at the start of the line: three tildes there open a code block.
            + "Old: " + String(repeating: "~~", count: depth) + "struck" + String(repeating: "~~", count: depth) + "\n\n"
            + "After.\n"
        let document = parse(markdown)
        #expect(document.source.flattenedAt.count >= 3)
        let texts = document.preambleClauses.map(\.text)
        try #require(texts.count == 6)
        #expect(texts[0] == "emphasised")
        #expect(texts[1].contains("core"))
        #expect(texts[1].filter { $0 == "a" }.count == depth)
        #expect(texts[2].contains("image"))
        #expect(texts[3].contains("link"))
        #expect(texts[4].contains("struck"))
        #expect(texts[5] == "After.")
        try assertEncodes(document)
    }

    @Test func manyHeadingsAndDeepHeadingNumbers() {
        var markdown = "# T\n\n"
        for index in 1...2_000 { markdown += "## \(index). Section \(index)\n\nText.\n\n" }
        markdown += "### " + (1...30).map(String.init).joined(separator: ".") + " Deep\n"
        let document = parse(markdown)
        // A thirty-part number is no section number: the heading nests, unnumbered, under 2000.
        #expect(document.sections.count == 2_000)
        #expect(document.sections.last?.sections.map(\.number) == [nil])
        #expect(Set(document.allSections.map(\.id)).count == 2_001)
    }

    @Test func pathologicalHeadingsAndEmptyStructures() {
        let document = parse("""
        #

        ##

        ######

        ####### seven hashes is a paragraph

        |   |
        |---|

        -

        >

        ```
        """)
        #expect(document.allSections.allSatisfy { $0.id.hasPrefix("sec-") })
        let ids = document.allSections.map(\.id) + document.allClauses.map(\.clause.id)
        #expect(Set(ids).count == ids.count)
        #expect(document.allClauses.contains { $0.clause.text == "####### seven hashes is a paragraph" })
    }

    @Test func htmlBlocksAreKeptAsHTMLClauses() {
        let document = parse("""
        # T

        <script>document.cookie</script>

        <details><summary>More</summary>

        Hidden text.

        </details>
        """)
        #expect(document.preambleClauses.map(\.kind) == [.html, .html, .paragraph, .html])
        #expect(document.preambleClauses.map(\.text) == ["", "", "Hidden text.", ""])
    }

    @Test func controlCharactersAndOddWhitespaceAreText() {
        let document = parse("# T\u{7}itle\n\nA\u{1B}[31m red\u{2028}line\u{00A0}here.\n")
        #expect(document.title == "T\u{7}itle")
        #expect(document.preambleClauses.map(\.text) == ["A\u{1B}[31m red\u{2028}line\u{00A0}here."])
    }

    /// A hostile document must also survive every later stage that walks it recursively.
    private func assertEncodes(_ document: Document) throws {
        let data = try JSONEncoder().encode(document)
        #expect(data.count > 0)
    }
}

/// A 50 MB policy, generated in memory: the parser stays linear and keeps every section and clause.
@Suite struct LargeInputTests {
    @Test func fiftyMegabytes() throws {
        // Clauses as long as real ones (the seed averages 500 bytes), a defined term, a cross-reference
        // and a link in every section, and an unnumbered subsection under each numbered one.
        let words = "We process the personal data described here only for the purposes this policy states, "
            + "keep it no longer than we need it, and protect it with safeguards suited to the risk. "
        var markdown = "# Big Policy\n\n_Last updated: May 1, 2025_\n\n"
        markdown.reserveCapacity(52_500_000)
        var sections = 0
        while markdown.utf8.count < 50 * 1024 * 1024 {
            sections += 1
            let n = sections
            markdown += """
            ### \(n)\\. Part number \(n)

            Paragraph one of part \(n) defines a term (“**Term\(n)**”). \(words)\(words)

            * First item of \(n). \(words)
            * Second item of \(n), see Section \((n - 1) % 900 + 1).

            Details of part \(n)
            ----------------

            More text in subsection \(n), with *emphasis* and a [link](#sec-\(n)). \(words)\(words)\(words)


            """
        }
        let clock = ContinuousClock()
        let start = clock.now
        let document = parse(markdown, path: "big.md")
        let elapsed = clock.now - start

        #expect(document.title == "Big Policy")
        #expect(document.lastUpdated?.date == CalendarDate(year: 2025, month: 5, day: 1))
        #expect(document.sections.count == sections)
        #expect(document.allSections.count == 2 * sections)
        #expect(document.allClauses.count == 1 + 4 * sections)
        #expect(document.definedTerms.count == sections)
        #expect(document.references.count == 2 * sections)
        #expect(document.references.allSatisfy { $0.resolved != nil })
        let last = try #require(document.sections.last)
        #expect(last.id == "sec-\(sections)")
        #expect(last.sections.map(\.id) == ["sec-\(sections).details-of-part-\(sections)"])
        #expect(document.source.byteCount >= 50 * 1024 * 1024)
        print("policyc: parsed \(document.source.byteCount) bytes, \(sections) sections, in \(elapsed)")
    }
}
