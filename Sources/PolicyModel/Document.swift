/// A parsed policy: the structure every other stage (lint, diff, render, release) works on.
public struct Document: Sendable, Hashable, Encodable {
    /// The file stem (`privacy-policy`).
    public var id: String
    public var path: String
    public var title: String
    public var titleLocation: SourceLocation?
    public var lastUpdated: LastUpdated?
    /// Simple `key: value` pairs from YAML front matter, if the file has any.
    public var frontMatter: [String: String]
    /// Content before the first section heading.
    public var preamble: [Block]
    public var sections: [Section]
    public var definedTerms: [DefinedTerm]
    public var references: [Reference]
    public var source: SourceFacts
    /// Other anchors that land on the title (its GitHub-style slug, kramdown ids).
    public var titleAliases: [String] = []

    /// The anchor of the title heading on a rendered page; references to the title resolve to it.
    public static let titleAnchor = "title"

    public init(id: String, path: String, title: String, titleLocation: SourceLocation?, lastUpdated: LastUpdated?,
                frontMatter: [String: String], preamble: [Block], sections: [Section],
                definedTerms: [DefinedTerm], references: [Reference], source: SourceFacts) {
        self.id = id
        self.path = path
        self.title = title
        self.titleLocation = titleLocation
        self.lastUpdated = lastUpdated
        self.frontMatter = frontMatter
        self.preamble = preamble
        self.sections = sections
        self.definedTerms = definedTerms
        self.references = references
        self.source = source
    }

    /// The preamble's clauses, in order.
    public var preambleClauses: [Clause] {
        var result: [Clause] = []
        for block in preamble { block.appendClauses(to: &result) }
        return result
    }

    /// Every section at every depth, in document order.
    public var allSections: [Section] {
        var result: [Section] = []
        for section in sections { section.walk { section, _ in result.append(section) } }
        return result
    }

    /// Every clause with the id of the section that holds it (nil for the preamble), in document order.
    public var allClauses: [(section: String?, clause: Clause)] {
        var result: [(section: String?, clause: Clause)] = preambleClauses.map { (nil, $0) }
        for section in allSections {
            result.append(contentsOf: section.clauses.map { (section.id, $0) })
        }
        return result
    }

    private enum CodingKeys: String, CodingKey {
        case id, path, title, lastUpdated, frontMatter, clauses, sections, definedTerms, references
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(path, forKey: .path)
        try container.encode(title, forKey: .title)
        try container.encode(lastUpdated?.date, forKey: .lastUpdated)
        try container.encode(frontMatter, forKey: .frontMatter)
        try container.encode(preambleClauses, forKey: .clauses)
        try container.encode(sections, forKey: .sections)
        try container.encode(definedTerms, forKey: .definedTerms)
        try container.encode(references, forKey: .references)
    }
}

/// The "Last updated" statement of a policy, where one was found.
public struct LastUpdated: Sendable, Hashable, Codable {
    /// The date, or nil when the line says "Last updated" but the date could not be read.
    public var date: CalendarDate?
    /// The date as written (`Apr 15, 2025`).
    public var text: String
    /// The clause that carries it, or nil when it came from front matter or a heading.
    public var clause: String?
    public var location: SourceLocation?

    public init(date: CalendarDate?, text: String, clause: String?, location: SourceLocation?) {
        self.date = date
        self.text = text
        self.clause = clause
        self.location = location
    }
}

/// A term the policy defines, like `(“**Users**”)`.
public struct DefinedTerm: Sendable, Hashable, Codable {
    public var term: String
    /// The id of the clause that defines it.
    public var clause: String
    public var location: SourceLocation?

    public init(term: String, clause: String, location: SourceLocation?) {
        self.term = term
        self.clause = clause
        self.location = location
    }

    private enum CodingKeys: String, CodingKey { case term, clause, line, column }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(term, forKey: .term)
        try container.encode(clause, forKey: .clause)
        try container.encode(location?.line, forKey: .line)
        try container.encode(location?.column, forKey: .column)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        term = try container.decode(String.self, forKey: .term)
        clause = try container.decode(String.self, forKey: .clause)
        let line = try container.decodeIfPresent(Int.self, forKey: .line)
        location = line.map { SourceLocation(line: $0, column: (try? container.decode(Int.self, forKey: .column)) ?? 1) }
    }
}

/// A place where the policy points at one of its own parts.
public struct Reference: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `[text](#anchor)`
        case anchor
        /// "section 5", "Section 4.2"
        case sectionNumber
        /// "see *Cookies*", "see Cookies and Other Tracking Technology"
        case sectionTitle
    }

    public var kind: Kind
    /// What the text says: the anchor, the number or the title.
    public var target: String
    /// The section or clause id it resolves to, or nil when it points nowhere.
    public var resolved: String?
    /// The clause it appears in.
    public var clause: String
    public var location: SourceLocation?

    public init(kind: Kind, target: String, resolved: String?, clause: String, location: SourceLocation?) {
        self.kind = kind
        self.target = target
        self.resolved = resolved
        self.clause = clause
        self.location = location
    }
}

/// Facts about the bytes of the source that no Markdown structure shows.
public struct SourceFacts: Sendable, Hashable, Codable {
    public struct Flaw: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            case invalidUTF8, nulByte
        }
        public var kind: Kind
        /// 0-based byte offset in the file.
        public var offset: Int
        public var location: SourceLocation

        public init(kind: Kind, offset: Int, location: SourceLocation) {
            self.kind = kind
            self.offset = offset
            self.location = location
        }
    }

    public var byteCount: Int
    public var lineCount: Int
    public var hasByteOrderMark: Bool
    public var usesCRLF: Bool
    /// The first flaws found (capped, so a binary file does not produce millions).
    public var flaws: [Flaw]
    /// Where the block or inline structure was deeper than the model keeps; content there was flattened.
    public var flattenedAt: [SourceLocation]
    /// FNV-1a of the source bytes: tells a reformatted file from an identical one when the text is the same.
    public var digest: UInt64 = 0

    public init(byteCount: Int = 0, lineCount: Int = 0, hasByteOrderMark: Bool = false, usesCRLF: Bool = false,
                flaws: [Flaw] = [], flattenedAt: [SourceLocation] = []) {
        self.byteCount = byteCount
        self.lineCount = lineCount
        self.hasByteOrderMark = hasByteOrderMark
        self.usesCRLF = usesCRLF
        self.flaws = flaws
        self.flattenedAt = flattenedAt
    }
}
