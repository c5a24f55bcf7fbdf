import PolicyModel

/// Renders a document to an HTML `<article>`: a table of contents, an anchor on every section
/// and clause, the "Last updated" date. Raw HTML from the policy is dropped; unsafe links are not emitted.
public struct HTMLRenderer {
    public struct Options: Sendable {
        /// Include the table of contents.
        public var tableOfContents: Bool
        /// Anchors of older versions, by the id of the element they now land on (see `PolicyDiffer.successors`).
        public var extraAnchors: [String: [String]]

        public init(tableOfContents: Bool = true, extraAnchors: [String: [String]] = [:]) {
            self.tableOfContents = tableOfContents
            self.extraAnchors = extraAnchors
        }
    }

    private let document: Document
    private let options: Options
    /// Old or alternative anchors (GitHub slugs) → the id they now land on.
    private let anchorTargets: [String: String]
    private var out: HTMLWriter
    private var usedIDs: Set<String> = []
    /// The ids of real elements of this page: an old anchor with one of these names already lands somewhere.
    private let elementIDs: Set<String>

    public static func render(_ document: Document, options: Options = Options()) -> String {
        var renderer = HTMLRenderer(document: document, options: options)
        renderer.renderArticle()
        return renderer.out.string
    }

    /// The rendered article as UTF-8 bytes (what the CLI writes, without a String in between).
    public static func renderBytes(_ document: Document, options: Options = Options()) -> [UInt8] {
        var renderer = HTMLRenderer(document: document, options: options)
        renderer.renderArticle()
        return renderer.out.bytes
    }

    private init(document: Document, options: Options) {
        self.document = document
        self.options = options
        var targets: [String: String] = [:]
        for alias in document.titleAliases { targets[alias] = Document.titleAnchor }
        for section in document.allSections {
            for alias in section.aliases { targets[alias] = targets[alias] ?? section.id }
        }
        self.anchorTargets = targets
        var elements: Set<String> = [Document.titleAnchor]
        for section in document.allSections { elements.insert(section.id) }
        for (_, clause) in document.allClauses { elements.insert(clause.id) }
        self.elementIDs = elements
        self.out = HTMLWriter(capacity: document.source.byteCount * 2 + 4096)
    }

    private mutating func renderArticle() {
        out.raw("<article class=\"policy\" id=\"policy-")
        out.text(document.id)
        out.raw("\">\n<header class=\"policy-header\">\n<h1 id=\"\(Document.titleAnchor)\">")
        out.text(document.title)
        out.raw("</h1>\n")
        usedIDs.insert(Document.titleAnchor)
        renderAliases(document.titleAliases + (options.extraAnchors[Document.titleAnchor] ?? []))
        if let lastUpdated = document.lastUpdated {
            out.raw("<p class=\"last-updated\">Last updated: ")
            if let date = lastUpdated.date {
                out.raw("<time datetime=\"\(date)\">")
                out.text(lastUpdated.text)
                out.raw("</time>")
            } else {
                out.text(lastUpdated.text)
            }
            out.raw("</p>\n")
        }
        out.raw("</header>\n")
        if options.tableOfContents, !document.sections.isEmpty { renderTableOfContents() }
        let skipped = document.lastUpdated?.clause
        if !document.preamble.isEmpty {
            out.raw("<div class=\"preamble\">\n")
            for block in document.preamble { renderBlock(block, skipping: skipped) }
            out.raw("</div>\n")
        }
        for section in document.sections { renderSection(section, depth: 0) }
        out.raw("</article>\n")
    }

    // MARK: Table of contents

    private mutating func renderTableOfContents() {
        out.raw("<nav class=\"toc\" aria-label=\"Contents\">\n<h2 class=\"toc-title\">Contents</h2>\n")
        renderTableOfContents(document.sections)
        out.raw("</nav>\n")
    }

    private mutating func renderTableOfContents(_ sections: [Section]) {
        out.raw("<ol>\n")
        for section in sections {
            out.raw("<li><a href=\"#")
            out.text(section.id)
            out.raw("\">")
            out.text(section.heading)
            out.raw("</a>")
            if !section.sections.isEmpty {
                out.raw("\n")
                renderTableOfContents(section.sections)
            }
            out.raw("</li>\n")
        }
        out.raw("</ol>\n")
    }

    // MARK: Sections

    private mutating func renderSection(_ section: Section, depth: Int) {
        let level = min(depth + 2, 6)
        out.raw("<section id=\"")
        out.text(section.id)
        out.raw("\">\n")
        usedIDs.insert(section.id)
        // Old deep links (GitHub-style slugs, kramdown ids, older versions' ids) land on the section too.
        renderAliases(section.aliases + (options.extraAnchors[section.id] ?? []))
        out.raw("<h\(level)>")
        if let number = section.number {
            out.raw("<span class=\"number\">")
            out.text(number)
            out.raw(".</span> ")
        }
        renderInlines(section.titleInlines)
        out.raw(" <a class=\"anchor\" href=\"#")
        out.text(section.id)
        out.raw("\" aria-label=\"Link to this section\">#</a></h\(level)>\n")
        for block in section.blocks { renderBlock(block, skipping: nil) }
        for child in section.sections { renderSection(child, depth: depth + 1) }
        out.raw("</section>\n")
    }

    // MARK: Blocks

    private mutating func renderBlock(_ block: Block, skipping skipped: String?) {
        switch block {
        case .clause(let clause):
            guard clause.id != skipped else { return }
            renderClause(clause)
        case .list(let list):
            if list.ordered {
                out.raw(list.start == 1 ? "<ol>\n" : "<ol start=\"\(list.start)\">\n")
            } else {
                out.raw("<ul>\n")
            }
            for item in list.items {
                out.raw("<li id=\"")
                out.text(item.clause.id)
                out.raw("\">")
                renderAliases(options.extraAnchors[item.clause.id] ?? [])
                if let checked = item.clause.checked {
                    out.raw(checked ? "<input type=\"checkbox\" checked disabled> " : "<input type=\"checkbox\" disabled> ")
                }
                renderInlines(item.clause.inlines)
                if !item.children.isEmpty {
                    out.raw("\n")
                    for child in item.children { renderBlock(child, skipping: skipped) }
                }
                out.raw("</li>\n")
            }
            out.raw(list.ordered ? "</ol>\n" : "</ul>\n")
        case .table(let table):
            out.raw("<div class=\"table-wrap\"><table>\n<thead>\n")
            renderRow(table.header, cellTag: "th", alignments: table.alignments)
            out.raw("</thead>\n")
            if !table.rows.isEmpty {
                out.raw("<tbody>\n")
                for row in table.rows { renderRow(row, cellTag: "td", alignments: table.alignments) }
                out.raw("</tbody>\n")
            }
            out.raw("</table></div>\n")
        case .quote(let blocks):
            out.raw("<blockquote>\n")
            for child in blocks { renderBlock(child, skipping: skipped) }
            out.raw("</blockquote>\n")
        case .thematicBreak:
            out.raw("<hr>\n")
        }
    }

    /// Empty elements carrying other names for the element they sit in, each name once per page.
    private mutating func renderAliases(_ aliases: [String]) {
        for alias in aliases where !alias.isEmpty && !elementIDs.contains(alias) && usedIDs.insert(alias).inserted {
            out.raw("<span id=\"")
            out.text(alias)
            out.raw("\"></span>")
        }
    }

    private mutating func renderClause(_ clause: Clause) {
        switch clause.kind {
        case .html:
            // Raw HTML is dropped: a policy page must not run or embed what the Markdown smuggles in.
            return
        case .code:
            out.raw("<pre id=\"")
            out.text(clause.id)
            out.raw("\"><code>")
            out.text(clause.text)
            out.raw("</code></pre>\n")
        case .paragraph, .listItem, .tableRow:
            out.raw("<p id=\"")
            out.text(clause.id)
            out.raw("\">")
            renderAliases(options.extraAnchors[clause.id] ?? [])
            renderInlines(clause.inlines)
            out.raw("</p>\n")
        }
    }

    private mutating func renderRow(_ row: Clause, cellTag: String, alignments: [TableBlock.Alignment]) {
        out.raw("<tr id=\"")
        out.text(row.id)
        out.raw("\">")
        for (index, cell) in (row.cells ?? []).enumerated() {
            let alignment = index < alignments.count ? alignments[index] : .none
            out.raw(alignment == .none ? "<\(cellTag)>" : "<\(cellTag) class=\"align-\(alignment.rawValue)\">")
            renderInlines(cell)
            out.raw("</\(cellTag)>")
        }
        out.raw("</tr>\n")
    }

    // MARK: Inlines

    private mutating func renderInlines(_ inlines: [Inline]) {
        InlineHTML.write(inlines, into: &out, anchorTargets: anchorTargets)
    }

}
