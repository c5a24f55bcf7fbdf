/// The unit of meaning and of diffing: a paragraph, a list item, a table row, a code block.
public struct Clause: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case paragraph, listItem, tableRow, code, html
    }

    /// Deterministic, structural id usable as an HTML anchor (`sec-1.p2`).
    public var id: String
    public var kind: Kind
    public var inlines: [Inline]
    /// Table cells, for `.tableRow` only.
    public var cells: [[Inline]]?
    /// Plain text: markup removed, escapes resolved (cells joined by " | ").
    public var text: String
    public var location: SourceLocation?
    /// Task-list state (`- [x]`), where the item is a task.
    public var checked: Bool?

    public init(id: String, kind: Kind, inlines: [Inline], cells: [[Inline]]? = nil, text: String,
                location: SourceLocation?, checked: Bool? = nil) {
        self.id = id
        self.kind = kind
        self.inlines = inlines
        self.cells = cells
        self.text = text
        self.location = location
        self.checked = checked
    }

    private enum CodingKeys: String, CodingKey {
        case id, kind, text, line, column, inlines, cells, checked
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(text, forKey: .text)
        try container.encode(location?.line, forKey: .line)
        try container.encode(location?.column, forKey: .column)
        try container.encode(inlines, forKey: .inlines)
        try container.encodeIfPresent(cells, forKey: .cells)
        try container.encodeIfPresent(checked, forKey: .checked)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        kind = try container.decode(Kind.self, forKey: .kind)
        text = try container.decode(String.self, forKey: .text)
        inlines = try container.decode([Inline].self, forKey: .inlines)
        cells = try container.decodeIfPresent([[Inline]].self, forKey: .cells)
        checked = try container.decodeIfPresent(Bool.self, forKey: .checked)
        if let line = try container.decodeIfPresent(Int.self, forKey: .line) {
            location = SourceLocation(line: line, column: try container.decodeIfPresent(Int.self, forKey: .column) ?? 1)
        } else {
            location = nil
        }
    }
}
