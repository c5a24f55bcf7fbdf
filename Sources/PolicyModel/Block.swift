/// The layout of a section's content: clauses, and the lists, tables and quotes that hold them.
///
/// Clauses are the leaves. The tree is capped in depth by the parser, so every walk over it
/// is bounded however deeply a hostile document nests.
public indirect enum Block: Sendable, Hashable, Codable {
    case clause(Clause)
    case list(ListBlock)
    case table(TableBlock)
    case quote([Block])
    case thematicBreak

    /// Every clause in this block, in document order.
    public var clauses: [Clause] {
        var result: [Clause] = []
        appendClauses(to: &result)
        return result
    }

    /// Visits every clause in this block in document order, without copying them into an array.
    public func forEachClause(_ body: (Clause) -> Void) {
        switch self {
        case .clause(let clause):
            body(clause)
        case .list(let list):
            for item in list.items {
                body(item.clause)
                for child in item.children { child.forEachClause(body) }
            }
        case .table(let table):
            body(table.header)
            table.rows.forEach(body)
        case .quote(let blocks):
            for block in blocks { block.forEachClause(body) }
        case .thematicBreak:
            break
        }
    }

    public func appendClauses(to result: inout [Clause]) {
        forEachClause { result.append($0) }
    }
}

public struct ListBlock: Sendable, Hashable, Codable {
    public var ordered: Bool
    public var start: Int
    public var tight: Bool
    public var items: [ListItem]

    public init(ordered: Bool, start: Int, tight: Bool, items: [ListItem]) {
        self.ordered = ordered
        self.start = start
        self.tight = tight
        self.items = items
    }
}

/// A list item: its first paragraph is its clause; further paragraphs and nested lists follow.
public struct ListItem: Sendable, Hashable, Codable {
    public var clause: Clause
    public var children: [Block]

    public init(clause: Clause, children: [Block]) {
        self.clause = clause
        self.children = children
    }
}

public struct TableBlock: Sendable, Hashable, Codable {
    public enum Alignment: String, Sendable, Hashable, Codable {
        case none, left, center, right
    }

    public var alignments: [Alignment]
    public var header: Clause
    public var rows: [Clause]

    public init(alignments: [Alignment], header: Clause, rows: [Clause]) {
        self.alignments = alignments
        self.header = header
        self.rows = rows
    }
}
