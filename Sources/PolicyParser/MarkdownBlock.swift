import PolicyModel

/// cmark's block tree as Swift values: what the converter hands to the sectioner.
indirect enum MarkdownBlock: Sendable {
    case heading(level: Int, inlines: [Inline], location: SourceLocation?)
    case paragraph(inlines: [Inline], location: SourceLocation?)
    case list(ordered: Bool, start: Int, tight: Bool, items: [MarkdownListItem])
    case quote([MarkdownBlock])
    case code(literal: String, location: SourceLocation?)
    case html(literal: String, location: SourceLocation?)
    case table(alignments: [TableBlock.Alignment], rows: [MarkdownTableRow])
    case thematicBreak
}

extension MarkdownBlock {
    /// The same block `lines` further down its file: a piece of one revision found again in another.
    func shifted(by lines: Int) -> MarkdownBlock {
        guard lines != 0 else { return self }
        switch self {
        case .heading(let level, let inlines, let location):
            return .heading(level: level, inlines: inlines, location: location?.shifted(by: lines))
        case .paragraph(let inlines, let location):
            return .paragraph(inlines: inlines, location: location?.shifted(by: lines))
        case .list(let ordered, let start, let tight, let items):
            return .list(ordered: ordered, start: start, tight: tight, items: items.map { item in
                MarkdownListItem(location: item.location?.shifted(by: lines), checked: item.checked,
                                 blocks: item.blocks.map { $0.shifted(by: lines) })
            })
        case .quote(let blocks):
            return .quote(blocks.map { $0.shifted(by: lines) })
        case .code(let literal, let location):
            return .code(literal: literal, location: location?.shifted(by: lines))
        case .html(let literal, let location):
            return .html(literal: literal, location: location?.shifted(by: lines))
        case .table(let alignments, let rows):
            return .table(alignments: alignments, rows: rows.map { row in
                MarkdownTableRow(isHeader: row.isHeader, cells: row.cells, location: row.location?.shifted(by: lines))
            })
        case .thematicBreak:
            return self
        }
    }
}

extension SourceLocation {
    func shifted(by lines: Int) -> SourceLocation {
        SourceLocation(line: line + lines, column: column)
    }
}

struct MarkdownListItem: Sendable {
    var location: SourceLocation?
    var checked: Bool?
    var blocks: [MarkdownBlock]
}

struct MarkdownTableRow: Sendable {
    var isHeader: Bool
    var cells: [[Inline]]
    var location: SourceLocation?
}

/// How deep the model nests blocks and inlines. Deeper content is kept, flattened at this depth,
/// so that no walk over the model can run out of stack on a hostile document.
enum NestingLimit {
    static let blocks = 24
    static let inlines = 24
}
