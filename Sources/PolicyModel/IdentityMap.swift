/// The persistent ids of one released version: `policy/archive/<doc>/vN.ids.json`.
///
/// A structural id (`sec-3.p2`) says where an element stands in one text, and changes when a section is
/// inserted before it. A persistent id (like Akoma Ntoso's work-level `wId`) is the one the element was
/// first published with, carried forward at every release by the diff's alignment; its aliases are
/// every other anchor that denoted it on a published page (earlier ids, heading slugs, pinned ids).
/// No anchor ever denotes two elements in a policy's history (`IdentityLineage`, `policyc check`).
public struct IdentityMap: Sendable, Hashable, Codable {
    public struct Element: Sendable, Hashable, Codable {
        /// The element's structural id in the version's text (`sec-3.p2`): which element this is.
        public var at: String
        /// Its persistent id: the anchor the version's pages give it.
        public var id: String
        /// Other anchors that land on it.
        public var aliases: [String]

        public init(at: String, id: String, aliases: [String] = []) {
            self.at = at
            self.id = id
            self.aliases = aliases
        }

        /// Every anchor that lands on it: its id first.
        public var names: [String] { [id] + aliases }
    }

    public static let currentFormat = "policyc ids 1"

    public var format: String
    public var document: String
    public var version: String
    /// Made from the texts for a version released before id maps existed: its pages carried structural ids.
    public var derived: Bool
    /// In document order.
    public var sections: [Element]
    /// In document order (the preamble's first).
    public var clauses: [Element]

    public init(document: String, version: String, derived: Bool, sections: [Element], clauses: [Element]) {
        self.format = Self.currentFormat
        self.document = document
        self.version = version
        self.derived = derived
        self.sections = sections
        self.clauses = clauses
    }

    /// Every element, sections first.
    public var elements: [Element] { sections + clauses }

    /// Every anchor the version's pages carry.
    public var names: Set<String> { Set(elements.flatMap(\.names)) }

    /// Persistent id by structural id, sections and clauses apart (a clause and a section may share a structural id).
    public var sectionIDs: [String: String] { Dictionary(sections.map { ($0.at, $0.id) }, uniquingKeysWith: { first, _ in first }) }
    public var clauseIDs: [String: String] { Dictionary(clauses.map { ($0.at, $0.id) }, uniquingKeysWith: { first, _ in first }) }
}

extension Document {
    /// The document as its pages show it under `map`: every section and clause under its persistent id,
    /// each section's aliases those of the map, and the links and references of the text (written
    /// against structural ids) pointing at the persistent ones. Elements the map does not name keep theirs.
    public func withPersistentIDs(_ map: IdentityMap) -> Document {
        let sectionIDs = map.sectionIDs, clauseIDs = map.clauseIDs
        let sectionAliases = Dictionary(map.sections.map { ($0.at, $0.aliases) }, uniquingKeysWith: { first, _ in first })
        // An author's `[see section 2](#sec-2)` means the text's own section 2.
        var anchors: [String: String] = [:]
        for (at, id) in clauseIDs where at != id { anchors[at] = id }
        for (at, id) in sectionIDs where at != id { anchors[at] = id }
        func renameClause(_ clause: Clause) -> Clause {
            var renamed = clause
            renamed.id = clauseIDs[clause.id] ?? clause.id
            if !anchors.isEmpty { renamed.inlines = Inline.retargeting(clause.inlines, anchors) }
            if !anchors.isEmpty, let cells = clause.cells { renamed.cells = cells.map { Inline.retargeting($0, anchors) } }
            return renamed
        }
        func renameSection(_ section: Section) -> Section {
            var renamed = section
            renamed.id = sectionIDs[section.id] ?? section.id
            if let aliases = sectionAliases[section.id] { renamed.aliases = aliases }
            if !anchors.isEmpty { renamed.titleInlines = Inline.retargeting(section.titleInlines, anchors) }
            renamed.blocks = section.blocks.map { $0.mappingClauses(renameClause) }
            renamed.sections = section.sections.map(renameSection)
            return renamed
        }
        var document = self
        document.preamble = preamble.map { $0.mappingClauses(renameClause) }
        document.sections = sections.map(renameSection)
        if let id = lastUpdated?.clause { document.lastUpdated?.clause = clauseIDs[id] ?? id }
        document.definedTerms = definedTerms.map { term in
            var renamed = term
            renamed.clause = clauseIDs[term.clause] ?? term.clause
            return renamed
        }
        document.references = references.map { reference in
            var renamed = reference
            renamed.clause = clauseIDs[reference.clause] ?? reference.clause
            renamed.resolved = reference.resolved.map { sectionIDs[$0] ?? clauseIDs[$0] ?? $0 }
            return renamed
        }
        return document
    }
}

extension Block {
    /// The block with `transform` applied to every clause in it.
    public func mappingClauses(_ transform: (Clause) -> Clause) -> Block {
        switch self {
        case .clause(let clause):
            return .clause(transform(clause))
        case .list(var list):
            list.items = list.items.map { ListItem(clause: transform($0.clause), children: $0.children.map { $0.mappingClauses(transform) }) }
            return .list(list)
        case .table(var table):
            table.header = transform(table.header)
            table.rows = table.rows.map(transform)
            return .table(table)
        case .quote(let blocks):
            return .quote(blocks.map { $0.mappingClauses(transform) })
        case .thematicBreak:
            return .thematicBreak
        }
    }
}

extension Inline {
    /// `inlines` with every `#anchor` link whose anchor `targets` names pointed at its target.
    static func retargeting(_ inlines: [Inline], _ targets: [String: String]) -> [Inline] {
        inlines.map { inline in
            switch inline {
            case .link(let destination, let title, let children):
                var destination = destination
                if destination.hasPrefix("#"), let target = targets[String(destination.dropFirst())] { destination = "#" + target }
                return .link(destination: destination, title: title, children: retargeting(children, targets))
            case .emphasis(let children): return .emphasis(retargeting(children, targets))
            case .strong(let children): return .strong(retargeting(children, targets))
            case .strikethrough(let children): return .strikethrough(retargeting(children, targets))
            case .text, .code, .image, .softBreak, .lineBreak, .html: return inline
            }
        }
    }
}
