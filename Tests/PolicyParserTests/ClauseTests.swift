import PolicyTestSupport
import PolicyModel
import PolicyParser
import Testing

/// Clauses: the unit of meaning and of diffing, each with a kind, inlines, plain text and location.
@Suite struct ClauseTests {
    @Test func kindsTextAndLocations() throws {
        let marked = Marked("""
        # T

        ## K

        ⟨para⟩Para *em* and **strong** `code` [link](https://example.com "t") ![alt](i.png)\\
        next line, soft
        break.

        ⟨item1⟩- item one
          ⟨item2⟩- nested two
            ⟨item3⟩- nested three

          ⟨second⟩second paragraph of item one

        ⟨ordered⟩3. ordered

        ⟨row0⟩| Data | How long |
        |:--|--:|
        ⟨row1⟩| Logs | *90* days |
        ⟨row2⟩| Billing | 7 years |

        ⟨code⟩```
        code block
        ```

        ⟨html⟩<div class="notice">Note</div>

        > ⟨quoted⟩Quoted paragraph.
        > ⟨quotedItem⟩- quoted item

        ***

        ⟨after⟩After ~~old~~ text.
        """)
        let document = parse(marked.text)
        let clauses = try #require(document.section("sec-k")).clauses
        let expected: [(marker: String, kind: Clause.Kind, text: String)] = [
            ("para", .paragraph, "Para em and strong code link alt next line, soft break."),
            ("item1", .listItem, "item one"),
            ("item2", .listItem, "nested two"),
            ("item3", .listItem, "nested three"),
            ("second", .paragraph, "second paragraph of item one"),
            ("ordered", .listItem, "ordered"),
            ("row0", .tableRow, "Data | How long"),
            ("row1", .tableRow, "Logs | 90 days"),
            ("row2", .tableRow, "Billing | 7 years"),
            ("code", .code, "code block\n"),
            ("html", .html, ""),
            ("quoted", .paragraph, "Quoted paragraph."),
            ("quotedItem", .listItem, "quoted item"),
            ("after", .paragraph, "After old text."),
        ]
        #expect(clauses.map(\.id) == (1...expected.count).map { "sec-k.p\($0)" })
        #expect(clauses.map(\.kind) == expected.map(\.kind))
        #expect(clauses.map(\.text) == expected.map(\.text))
        #expect(clauses.map(\.location) == expected.map { marked[$0.marker] })
    }

    @Test func inlinesKeepTheirStructure() throws {
        let document = parse("""
        # T

        Read *this* and **that**, `x`, [our terms](https://example.com/terms "Terms"), ~~gone~~, <b>raw</b>.\\
        Next.
        """)
        let clause = try #require(document.preambleClauses.first)
        #expect(clause.inlines == [
            .text("Read "), .emphasis([.text("this")]), .text(" and "), .strong([.text("that")]), .text(", "),
            .code("x"), .text(", "),
            .link(destination: "https://example.com/terms", title: "Terms", children: [.text("our terms")]),
            .text(", "), .strikethrough([.text("gone")]), .text(", "), .html("<b>"), .text("raw"), .html("</b>"),
            .text("."), .lineBreak, .text("Next."),
        ])
        #expect(clause.text == "Read this and that, x, our terms, gone, raw. Next.")
    }

    @Test func escapesAreResolvedInText() throws {
        let document = parse("# T\n\n1\\. Not a list \\*not emphasis\\* &amp; &copy;\n")
        let clause = try #require(document.preambleClauses.first)
        #expect(clause.kind == .paragraph)
        #expect(clause.text == "1. Not a list *not emphasis* & ©")
    }

    @Test func nestedListsKeepTheirShape() throws {
        let document = parse("""
        # T

        1. First
           - a
           - b
        2. Second
        """)
        guard case .list(let list)? = document.preamble.first else {
            Issue.record("expected a list, got \(document.preamble)")
            return
        }
        #expect(list.ordered)
        #expect(list.start == 1)
        #expect(list.tight)
        #expect(list.items.map(\.clause.text) == ["First", "Second"])
        guard case .list(let inner)? = list.items.first?.children.first else {
            Issue.record("expected a nested list")
            return
        }
        #expect(!inner.ordered)
        #expect(inner.items.map(\.clause.text) == ["a", "b"])
        #expect(document.preambleClauses.map(\.text) == ["First", "a", "b", "Second"])
    }

    @Test func tableRowsHaveCellsAndAlignments() throws {
        let document = parse("""
        # T

        | Category | Kept for | Notes |
        |:---|:---:|---:|
        | Logs | 90 *days* | [see](#sec-1) |
        | Empty |  |  |
        """)
        guard case .table(let table)? = document.preamble.first else {
            Issue.record("expected a table, got \(document.preamble)")
            return
        }
        #expect(table.alignments == [.left, .center, .right])
        #expect(table.header.kind == .tableRow)
        #expect(table.header.cells?.map { Inline.plainText($0) } == ["Category", "Kept for", "Notes"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0].cells?[1] == [.text("90 "), .emphasis([.text("days")])])
        #expect(table.rows[0].text == "Logs | 90 days | see")
        #expect(table.rows[1].text == "Empty |  | ")
        #expect(table.rows.map(\.location?.line) == [5, 6])
        // A link inside a cell is a reference like any other.
        #expect(document.references.map(\.clause) == [table.rows[0].id])
    }

    @Test func taskListItemsAreChecked() throws {
        let document = parse("""
        # T

        - [x] Done
        - [ ] Open
        - Plain
        """)
        let items = document.preambleClauses
        #expect(items.map(\.kind) == [.listItem, .listItem, .listItem])
        #expect(items.map(\.checked) == [true, false, nil])
        #expect(items.map(\.text) == ["Done", "Open", "Plain"])
    }

    @Test func looseListItemsWithSeveralParagraphs() throws {
        let marked = Marked("""
        # T

        ⟨a⟩* First item.

          ⟨b⟩More about the first item.

        ⟨c⟩* Second item.
        """)
        let document = parse(marked.text)
        let clauses = document.preambleClauses
        #expect(clauses.map(\.kind) == [.listItem, .paragraph, .listItem])
        #expect(clauses.map(\.location) == [marked["a"], marked["b"], marked["c"]])
        guard case .list(let list)? = document.preamble.first else {
            Issue.record("expected a list")
            return
        }
        #expect(!list.tight)
    }

    @Test func anEmptyListItemIsStillAClause() throws {
        let document = parse("# T\n\n-\n- x\n")
        #expect(document.preambleClauses.map(\.text) == ["", "x"])
        #expect(document.preambleClauses.map(\.kind) == [.listItem, .listItem])
    }

    @Test func htmlBlocksAreKeptAsHTMLClauses() throws {
        let document = parse("""
        # T

        <!-- markdownlint-disable -->

        <script>alert("x")</script>

        <iframe src="https://example.com"></iframe>
        """)
        let clauses = document.preambleClauses
        #expect(clauses.map(\.kind) == [.html, .html, .html])
        #expect(clauses.allSatisfy { $0.text.isEmpty })
        guard case .html(let script)? = clauses[1].inlines.first else {
            Issue.record("expected the raw HTML in the inlines")
            return
        }
        #expect(script.contains("<script>"))
    }

    @Test func javascriptLinksAreKeptForLintToReport() throws {
        let document = parse("# T\n\n[click](javascript:alert(1)) and [mail](mailto:a@example.com)\n")
        let clause = try #require(document.preambleClauses.first)
        var destinations: [String] = []
        Inline.forEach(in: clause.inlines) { inline in
            if case .link(let destination, _, _) = inline { destinations.append(destination) }
        }
        #expect(destinations == ["javascript:alert(1)", "mailto:a@example.com"])
        #expect(clause.text == "click and mail")
        #expect(document.references.isEmpty)
    }

    @Test func autolinksAreLinks() throws {
        let document = parse("# T\n\nWrite to <privacy@example.com> or see https://example.com/privacy.\n")
        let clause = try #require(document.preambleClauses.first)
        var destinations: [String] = []
        Inline.forEach(in: clause.inlines) { inline in
            if case .link(let destination, _, _) = inline { destinations.append(destination) }
        }
        #expect(destinations == ["mailto:privacy@example.com", "https://example.com/privacy"])
    }

    @Test func aHeadingInsideAListIsContentNotASection() throws {
        let document = parse("# T\n\n- ## Inner heading\n\n  Body.\n\n> ## Quoted heading\n")
        #expect(document.sections.isEmpty)
        let clauses = document.preambleClauses
        #expect(clauses.map(\.kind) == [.listItem, .paragraph, .paragraph])
        #expect(clauses.map(\.text) == ["Inner heading", "Body.", "Quoted heading"])
    }
}
