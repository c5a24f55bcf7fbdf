import PolicyModel

/// A release's notes (the author's Markdown summary, parsed) as HTML for pages, feeds and emails, and as
/// plain text for an email's text part. No ids: the notes sit inside other pages. Raw HTML is dropped and
/// unsafe links reduced to their words, as everywhere (`release` refuses both; this holds if it did not).
public enum NotesRenderer {
    public static func html(_ notes: Document) -> String {
        var out = HTMLWriter(capacity: notes.source.byteCount * 2)
        for block in notes.preamble { write(block, into: &out) }
        return out.string
    }

    private static func write(_ block: Block, into out: inout HTMLWriter) {
        switch block {
        case .clause(let clause):
            switch clause.kind {
            case .html: return
            case .code:
                out.raw("<pre><code>")
                out.text(clause.text)
                out.raw("</code></pre>\n")
            default:
                out.raw("<p>")
                InlineHTML.write(clause.inlines, into: &out)
                out.raw("</p>\n")
            }
        case .list(let list):
            out.raw(list.ordered ? (list.start == 1 ? "<ol>\n" : "<ol start=\"\(list.start)\">\n") : "<ul>\n")
            for item in list.items {
                out.raw("<li>")
                InlineHTML.write(item.clause.inlines, into: &out)
                if !item.children.isEmpty { out.raw("\n") }
                for child in item.children { write(child, into: &out) }
                out.raw("</li>\n")
            }
            out.raw(list.ordered ? "</ol>\n" : "</ul>\n")
        case .table(let table):
            out.raw("<table>\n")
            for (index, row) in ([table.header] + table.rows).enumerated() {
                let tag = index == 0 ? "th" : "td"
                out.raw("<tr>")
                for cell in row.cells ?? [row.inlines] {
                    out.raw("<\(tag)>")
                    InlineHTML.write(cell, into: &out)
                    out.raw("</\(tag)>")
                }
                out.raw("</tr>\n")
            }
            out.raw("</table>\n")
        case .quote(let blocks):
            out.raw("<blockquote>\n")
            for child in blocks { write(child, into: &out) }
            out.raw("</blockquote>\n")
        case .thematicBreak:
            out.raw("<hr>\n")
        }
    }

    /// Plain text: paragraphs apart, list items marked, a link's address after its words; no final newline
    /// (the template places it).
    public static func text(_ notes: Document) -> String {
        var out = ""
        for block in notes.preamble { text(block, indent: "", into: &out) }
        while out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    private static func text(_ block: Block, indent: String, into out: inout String) {
        switch block {
        case .clause(let clause):
            guard clause.kind != .html else { return }
            out += indent + plain(clause.inlines).replacing("\n", with: "\n" + indent) + "\n\n"
        case .list(let list):
            for (offset, item) in list.items.enumerated() {
                let marker = list.ordered ? "\(list.start + offset). " : "- "
                out += indent + marker + plain(item.clause.inlines) + "\n"
                var nested = ""
                for child in item.children { text(child, indent: indent + String(repeating: " ", count: marker.count), into: &nested) }
                out += nested.replacing("\n\n", with: "\n")
            }
            out += "\n"
        case .table(let table):
            for row in [table.header] + table.rows {
                out += indent + (row.cells ?? [row.inlines]).map(plain).joined(separator: " | ") + "\n"
            }
            out += "\n"
        case .quote(let blocks):
            for child in blocks { text(child, indent: indent + "> ", into: &out) }
        case .thematicBreak:
            out += indent + "* * *\n\n"
        }
    }

    private static func plain(_ inlines: [Inline]) -> String {
        var out = ""
        for inline in inlines {
            switch inline {
            case .text(let text), .code(let text): out += text
            case .emphasis(let children), .strong(let children), .strikethrough(let children): out += plain(children)
            case .link(let destination, _, let children):
                let words = plain(children)
                out += words
                if LinkPolicy.isSafe(destination), !destination.hasPrefix("#"), words != destination,
                   "mailto:" + words != destination {
                    out += " (\(destination))"
                }
            case .image(_, _, let alt): out += plain(alt)
            case .softBreak, .lineBreak: out += "\n"
            case .html: continue
            }
        }
        return out
    }
}
