import Dispatch
import PolicyModel

/// Renders a document to an HTML `<article>`: a table of contents, an anchor on every section
/// and clause, the "Last updated" date. Raw HTML from the policy is dropped; unsafe links are not emitted.
public struct HTMLRenderer: Sendable {
    public struct Options: Sendable {
        /// Include the table of contents.
        public var tableOfContents: Bool
        /// Anchors of older versions, by the id of the element they now land on (see `PolicyDiffer.successors`).
        public var extraAnchors: [String: [String]]

        /// Anchors of parts no current element continues, each landing on a note saying so.
        public var removedParts: [RemovedPart]

        public init(tableOfContents: Bool = true, extraAnchors: [String: [String]] = [:], removedParts: [RemovedPart] = []) {
            self.tableOfContents = tableOfContents
            self.extraAnchors = extraAnchors
            self.removedParts = removedParts
        }
    }

    /// An anchor that denoted a part a later version removed: it lands on a note, never on other words.
    public struct RemovedPart: Sendable, Hashable {
        public var anchor: String
        /// The number of the version that removed it (`5` for v5).
        public var removedIn: Int
        /// The number of the last version that had it, and that version's page at the anchor.
        public var lastIn: Int
        public var url: String

        public init(anchor: String, removedIn: Int, lastIn: Int, url: String) {
            self.anchor = anchor
            self.removedIn = removedIn
            self.lastIn = lastIn
            self.url = url
        }
    }

    private let document: Document
    private let options: Options
    /// Old or alternative anchors (GitHub slugs) → the id they now land on.
    private let anchorTargets: [String: String]
    /// The extra anchors each element carries (see `plannedAliases`).
    private let aliases: [String: [String]]
    private var out: HTMLWriter

    /// Policies at least this long have their top-level sections rendered on every core.
    static let parallelBytes = 256 << 10

    public static func render(_ document: Document, options: Options = Options()) -> String {
        String(decoding: renderBytes(document, options: options), as: UTF8.self)
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
        let sections = document.allSections
        var targets: [String: String] = [:]
        for alias in document.titleAliases { targets[alias] = Document.titleAnchor }
        for section in sections {
            for alias in section.aliases { targets[alias] = targets[alias] ?? section.id }
        }
        self.anchorTargets = targets
        self.aliases = Self.plannedAliases(document, sections: sections, extraAnchors: options.extraAnchors)
        self.out = HTMLWriter(capacity: document.source.byteCount * 2 + 4096)
    }

    private mutating func renderArticle() {
        out.raw("<article class=\"policy\" id=\"policy-")
        out.text(document.id)
        out.raw("\">\n<header class=\"policy-header\">\n<h1 id=\"\(Document.titleAnchor)\">")
        out.text(document.title)
        out.raw("</h1>\n")
        renderAliases(of: Document.titleAnchor)
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
        if document.source.byteCount >= Self.parallelBytes, document.sections.count > 1 {
            // Each top-level section into a buffer of its own, on every core, then joined in order.
            var base = self
            base.out = HTMLWriter()
            let renderer = base
            let parts = ParallelResults<[UInt8]>(count: document.sections.count)
            DispatchQueue.concurrentPerform(iterations: document.sections.count) { index in
                var part = renderer
                part.renderSection(part.document.sections[index], depth: 0)
                parts.set(index, part.out.bytes)
            }
            for index in document.sections.indices { out.raw(bytes: parts.value(index)) }
        } else {
            for section in document.sections { renderSection(section, depth: 0) }
        }
        renderRemovedParts()
        out.raw("</article>\n")
    }

    /// One note per removed part's anchor, shown only when a link lands on it (`:target` in the stylesheet).
    private mutating func renderRemovedParts() {
        guard !options.removedParts.isEmpty else { return }
        out.raw("<div class=\"removed-parts\">\n")
        for part in options.removedParts {
            out.raw("<p class=\"removed-note\" id=\"")
            out.text(part.anchor)
            out.raw("\">This part was removed in version \(part.removedIn). <a href=\"")
            out.text(part.url)
            out.raw("\">Read it as it was in version \(part.lastIn)</a>.</p>\n")
        }
        out.raw("</div>\n")
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
        // Old deep links (GitHub-style slugs, kramdown ids, older versions' ids) land on the section too.
        renderAliases(of: section.id)
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
                renderAliases(of: item.clause.id)
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

    /// Empty elements carrying other names for the element `id`.
    private mutating func renderAliases(of id: String) {
        for alias in aliases[id] ?? [] {
            out.raw("<span id=\"")
            out.text(alias)
            out.raw("\"></span>")
        }
    }

    /// The other names each element carries, chosen once in page order before anything is rendered
    /// (sections may render in parallel): a name is skipped when it is empty, when a real element has
    /// it, or when an earlier element on the page already took it.
    private static func plannedAliases(_ document: Document, sections: [Section],
                                       extraAnchors: [String: [String]]) -> [String: [String]] {
        var candidates: Set<String> = []
        candidates.formUnion(document.titleAliases)
        for section in sections { candidates.formUnion(section.aliases) }
        for names in extraAnchors.values { candidates.formUnion(names) }
        guard !candidates.isEmpty else { return [:] }

        // Names of real elements are never aliases; only the candidates need checking, not every id.
        var taken: Set<String> = [Document.titleAnchor]
        func noteElement(_ id: String) { if candidates.contains(id) { taken.insert(id) } }
        func noteClauses(_ blocks: [Block]) {
            for block in blocks { block.forEachClause { noteElement($0.id) } }
        }
        noteClauses(document.preamble)
        for section in sections {
            noteElement(section.id)
            noteClauses(section.blocks)
        }

        var plan: [String: [String]] = [:]
        func assign(_ names: [String], to id: String) {
            let kept = names.filter { !$0.isEmpty && taken.insert($0).inserted }
            if !kept.isEmpty { plan[id, default: []].append(contentsOf: kept) }
        }
        // In the order the page shows them: the title, then each section and the clauses in it.
        func assignClauses(_ blocks: [Block], skipping skipped: String?) {
            guard !extraAnchors.isEmpty else { return }
            for block in blocks {
                switch block {
                case .clause(let clause):
                    if clause.id != skipped, clause.kind != .html {
                        assign(extraAnchors[clause.id] ?? [], to: clause.id)
                    }
                case .list(let list):
                    for item in list.items {
                        assign(extraAnchors[item.clause.id] ?? [], to: item.clause.id)
                        assignClauses(item.children, skipping: skipped)
                    }
                case .quote(let children):
                    assignClauses(children, skipping: skipped)
                case .table(let table):
                    for row in [table.header] + table.rows { assign(extraAnchors[row.id] ?? [], to: row.id) }
                case .thematicBreak:
                    break
                }
            }
        }
        assign(document.titleAliases + (extraAnchors[Document.titleAnchor] ?? []), to: Document.titleAnchor)
        assignClauses(document.preamble, skipping: document.lastUpdated?.clause)
        for section in sections {
            assign(section.aliases + (extraAnchors[section.id] ?? []), to: section.id)
            assignClauses(section.blocks, skipping: nil)
        }
        return plan
    }

    private mutating func renderClause(_ clause: Clause) {
        switch clause.kind {
        case .html:
            // Raw HTML is dropped: a policy page must not run or embed what the Markdown smuggles in.
            return
        case .code:
            out.raw("<pre id=\"")
            out.text(clause.id)
            out.raw("\">")
            renderAliases(of: clause.id)
            out.raw("<code>")
            out.text(clause.text)
            out.raw("</code></pre>\n")
        case .paragraph, .listItem, .tableRow:
            out.raw("<p id=\"")
            out.text(clause.id)
            out.raw("\">")
            renderAliases(of: clause.id)
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
            // A row's other names go in its first cell: a `<tr>` holds nothing but cells.
            if index == 0 { renderAliases(of: row.id) }
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
