import PolicyModel

/// Renders a document as plain text: what a reader sees, with headings numbered and lists marked.
public enum TextRenderer {
    /// Escaped for a terminal (`TerminalText`): the text of a policy from a pull request is read there.
    public static func render(_ document: Document) -> String {
        TerminalText.visible(renderUnescaped(document))
    }

    private static func renderUnescaped(_ document: Document) -> String {
        var out = document.title + "\n" + String(repeating: "=", count: max(3, document.title.count)) + "\n\n"
        if let lastUpdated = document.lastUpdated {
            out += "Last updated: \(lastUpdated.text)\n\n"
        }
        let skipped = document.lastUpdated?.clause
        for block in document.preamble { render(block, indent: "", skipping: skipped, into: &out) }
        for section in document.sections {
            section.walk { section, depth in
                let marks = String(repeating: "#", count: min(depth + 2, 6))
                out += "\(marks) \(section.heading)\n\n"
                for block in section.blocks { render(block, indent: "", skipping: nil, into: &out) }
            }
        }
        return out
    }

    private static func render(_ block: Block, indent: String, skipping skipped: String?, into out: inout String) {
        switch block {
        case .clause(let clause):
            guard clause.id != skipped, clause.kind != .html else { return }
            out += indent + clause.text + "\n\n"
        case .list(let list):
            for (offset, item) in list.items.enumerated() {
                let marker = list.ordered ? "\(list.start + offset). " : "- "
                let box = item.clause.checked.map { $0 ? "[x] " : "[ ] " } ?? ""
                out += indent + marker + box + item.clause.text + "\n"
                let childIndent = indent + String(repeating: " ", count: marker.count)
                for child in item.children {
                    var nested = ""
                    render(child, indent: childIndent, skipping: skipped, into: &nested)
                    out += nested.replacingDoubleNewlines
                }
            }
            out += "\n"
        case .table(let table):
            for row in [table.header] + table.rows { out += indent + row.text + "\n" }
            out += "\n"
        case .quote(let blocks):
            for child in blocks { render(child, indent: indent + "> ", skipping: skipped, into: &out) }
        case .thematicBreak:
            out += indent + "* * *\n\n"
        }
    }
}

private extension String {
    /// Nested list content stays tight under its item.
    var replacingDoubleNewlines: String {
        var result = ""
        var previousNewline = false
        for character in self {
            if character == "\n" {
                if previousNewline { continue }
                previousNewline = true
            } else {
                previousNewline = false
            }
            result.append(character)
        }
        return result
    }
}
