import PolicyModel

/// How much a change matters to Users, in increasing order.
public enum Tier: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Nothing changed.
    case unchanged
    /// Wording, formatting or order changed; the meaning did not. No notice needed.
    case editorial
    /// The meaning changed: Users get advance notice by email.
    case material
    /// Material and adverse in a way that needs Users' consent for data already collected.
    case consent

    private var rank: Int { Tier.allCases.firstIndex(of: self)! }

    public static func < (lhs: Tier, rhs: Tier) -> Bool { lhs.rank < rhs.rank }
}

/// Why a change got its tier: the rule that decided, and the words that triggered it.
public struct Reason: Sendable, Hashable, Codable {
    public var rule: String
    public var detail: String

    public init(rule: String, detail: String) {
        self.rule = rule
        self.detail = detail
    }

    /// The reason in plain words, for a reader who does not know the rule ids (`RuleCatalog`).
    public var summary: String { RuleCatalog.summary(rule: rule, detail: detail) }

    private enum CodingKeys: String, CodingKey { case rule, detail, summary }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rule = try container.decode(String.self, forKey: .rule)
        detail = try container.decode(String.self, forKey: .detail)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(detail, forKey: .detail)
        try container.encode(summary, forKey: .summary)
    }

    /// Strongest first (`RuleCatalog`), the order they were found in otherwise.
    public static func strongestFirst(_ reasons: [Reason]) -> [Reason] {
        reasons.enumerated().sorted { (RuleCatalog.strength($0.element.rule), $0.offset) < (RuleCatalog.strength($1.element.rule), $1.offset) }
            .map(\.element)
    }
}

/// Where a changed clause or section is in one revision.
public struct Position: Sendable, Hashable, Codable {
    /// The clause or section id.
    public var id: String
    /// The id of the section that holds it (nil for the preamble, or for a section itself: its parent).
    public var section: String?
    /// The heading of that section as a reader sees it (`7. Your Rights and Choices`).
    public var sectionHeading: String?
    public var line: Int?

    public init(id: String, section: String?, sectionHeading: String?, line: Int?) {
        self.id = id
        self.section = section
        self.sectionHeading = sectionHeading
        self.line = line
    }
}

/// A run of the word diff inside a modified clause: equal, inserted or deleted tokens, with their markup.
public struct WordRun: Sendable, Hashable, Codable {
    public enum Operation: String, Sendable, Hashable, Codable {
        case equal, insert, delete
    }

    public var operation: Operation
    /// The tokens' text, spaces included, as a reader sees it.
    public var text: String
    /// The inline content of the run, markup kept (links, emphasis), for redlines.
    public var inlines: [Inline]

    public init(operation: Operation, text: String, inlines: [Inline]) {
        self.operation = operation
        self.text = text
        self.inlines = inlines
    }

    private enum CodingKeys: String, CodingKey { case op, text }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(operation, forKey: .op)
        try container.encode(text, forKey: .text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        operation = try container.decode(Operation.self, forKey: .op)
        text = try container.decode(String.self, forKey: .text)
        inlines = [.text(text)]
    }
}

/// One change between two revisions: a clause or a section added, removed, modified, moved, …
///
/// Its JSON is written by `ChangeWriter` (PolicyRender), not through this `Encodable` conformance:
/// a field added here must be added there too (`JSONRendererTests` compares the two).
public struct Change: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case added, removed, modified, moved, renamed, renumbered, split, merged
    }

    /// What changed: a clause, a section heading, or only the Markdown source of the document.
    public enum Subject: String, Sendable, Hashable, Codable {
        case clause, section, document
    }

    public var kind: Kind
    public var subject: Subject
    public var tier: Tier
    public var old: Position?
    public var new: Position?
    public var reasons: [Reason]
    /// The clause text before and after (joined for splits and merges).
    public var oldText: String?
    public var newText: String?
    /// The word diff, for modified, moved-and-reworded, split and merged clauses.
    public var words: [WordRun]?
    /// Stable across runs and machines: what an override names.
    public var fingerprint: String
    /// The author's reason where an override set this change's tier.
    public var override: Override?

    public init(kind: Kind, subject: Subject, tier: Tier, old: Position?, new: Position?, reasons: [Reason],
                oldText: String?, newText: String?, words: [WordRun]?, fingerprint: String, override: Override? = nil) {
        self.kind = kind
        self.subject = subject
        self.tier = tier
        self.old = old
        self.new = new
        self.reasons = reasons
        self.oldText = oldText
        self.newText = newText
        self.words = words
        self.fingerprint = fingerprint
        self.override = override
    }
}

/// An author's decision on one change, kept with the release.
public struct Override: Sendable, Hashable, Codable {
    public var fingerprint: String
    public var tier: Tier
    public var reason: String

    public init(fingerprint: String, tier: Tier, reason: String) {
        self.fingerprint = fingerprint
        self.tier = tier
        self.reason = reason
    }
}

/// Everything that changed between two revisions of a policy, and the verdict.
public struct ChangeSet: Sendable, Hashable, Codable {
    public var verdict: Tier
    public var changes: [Change]
    /// The reasons behind the verdict: those of the changes at the verdict's tier.
    public var verdictReasons: [Reason]
    public var oldTitle: String
    public var newTitle: String
    public var oldLastUpdated: CalendarDate?
    public var newLastUpdated: CalendarDate?

    public var material: Bool { verdict >= .material }

    public init(verdict: Tier, changes: [Change], verdictReasons: [Reason], oldTitle: String, newTitle: String,
                oldLastUpdated: CalendarDate?, newLastUpdated: CalendarDate?) {
        self.verdict = verdict
        self.changes = changes
        self.verdictReasons = verdictReasons
        self.oldTitle = oldTitle
        self.newTitle = newTitle
        self.oldLastUpdated = oldLastUpdated
        self.newLastUpdated = newLastUpdated
    }

    private enum CodingKeys: String, CodingKey {
        case verdict, material, reasons, changes, old, new, summary
    }

    private struct Side: Codable {
        var title: String
        var lastUpdated: CalendarDate?
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(material, forKey: .material)
        try container.encode(verdictReasons, forKey: .reasons)
        try container.encode(Side(title: oldTitle, lastUpdated: oldLastUpdated), forKey: .old)
        try container.encode(Side(title: newTitle, lastUpdated: newLastUpdated), forKey: .new)
        try container.encode(summary, forKey: .summary)
        try container.encode(changes, forKey: .changes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        verdict = try container.decode(Tier.self, forKey: .verdict)
        verdictReasons = try container.decode([Reason].self, forKey: .reasons)
        changes = try container.decode([Change].self, forKey: .changes)
        let old = try container.decode(Side.self, forKey: .old)
        let new = try container.decode(Side.self, forKey: .new)
        oldTitle = old.title
        newTitle = new.title
        oldLastUpdated = old.lastUpdated
        newLastUpdated = new.lastUpdated
    }

    /// Counts of changes by kind and by tier.
    public var summary: [String: Int] {
        var counts: [String: Int] = [:]
        for change in changes {
            counts[change.kind.rawValue, default: 0] += 1
            counts["tier." + change.tier.rawValue, default: 0] += 1
        }
        return counts
    }
}
