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
