/// A section of a policy: a heading and what belongs under it, by meaning rather than raw level.
public struct Section: Sendable, Hashable, Encodable, Identifiable {
    /// Deterministic id usable as an HTML anchor: `sec-1`, `sec-1.cookies`.
    public var id: String
    /// The number as written (`1`, `4.2`, `IV`), without its trailing dot; nil when unnumbered.
    public var number: String?
    /// The heading's plain text without its number.
    public var title: String
    public var titleInlines: [Inline]
    /// The Markdown heading level (1–6) as written.
    public var level: Int
    public var location: SourceLocation?
    /// Other anchors that should land here: the GitHub-style slug of the heading text.
    public var aliases: [String]
    /// Ids the author pinned on the heading with a kramdown attribute list (`{: #sharing }`): the first
    /// one is the section's persistent id from the release that writes it on (see `IdentityMap`).
    public var pinnedIDs: [String] = []
    public var blocks: [Block]
    public var sections: [Section]

    public init(id: String, number: String?, title: String, titleInlines: [Inline], level: Int,
                location: SourceLocation?, aliases: [String] = [], blocks: [Block] = [], sections: [Section] = []) {
        self.id = id
        self.number = number
        self.title = title
        self.titleInlines = titleInlines
        self.level = level
        self.location = location
        self.aliases = aliases
        self.blocks = blocks
        self.sections = sections
    }

    /// The clauses directly in this section (not in subsections), in order.
    public var clauses: [Clause] {
        var result: [Clause] = []
        for block in blocks { block.appendClauses(to: &result) }
        return result
    }

    /// The heading as a reader sees it: `1. Collection of Personal Data`.
    public var heading: String {
        guard let number else { return title }
        return title.isEmpty ? number : "\(number). \(title)"
    }

    private enum CodingKeys: String, CodingKey {
        case id, number, title, level, line, column, aliases, clauses, sections
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(title, forKey: .title)
        try container.encode(level, forKey: .level)
        try container.encode(location?.line, forKey: .line)
        try container.encode(location?.column, forKey: .column)
        try container.encode(aliases, forKey: .aliases)
        try container.encode(clauses, forKey: .clauses)
        try container.encode(sections, forKey: .sections)
    }
}

extension Section {
    /// This section and all its subsections, depth first, with their depth (0 for this one).
    public func walk(depth: Int = 0, _ body: (Section, Int) -> Void) {
        body(self, depth)
        for child in sections { child.walk(depth: depth + 1, body) }
    }
}
