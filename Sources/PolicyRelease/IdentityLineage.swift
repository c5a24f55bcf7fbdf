import PolicyDiff
import PolicyModel
import PolicyParser

/// A pinned id (`{: #id }`) that already meant something else in the policy's history.
public struct IdentityConflict: Error, Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var heading: String
    public var reason: String

    public var description: String {
        "“\(heading)” pins the id \(id), but \(reason): an id never changes meaning; pin another one"
    }
}

/// How persistent ids are born, carried and retired (`IdentityMap`; docs/design.md, "Persistent ids").
///
/// - Born: a new element takes the structural id it is first published with when no page of the
///   policy's history ever carried it; otherwise a section takes `sec-<title>`, a clause
///   `<its section's id>.p<n>`, with `-2`, `-3`… when needed. A heading's `{: #id }` wins.
/// - Carried: an element the alignment continues keeps its id and aliases (renamed, renumbered, moved,
///   reworded; the first part of a split; the survivor of a merge, which also takes every name of the
///   clauses merged into it), and gains its new heading slug or pinned id when no page ever carried it.
/// - Retired: the names of an element no later version continues are never given again.
public enum IdentityLineage {
    /// An element of one version, sections and clauses apart (they may share a structural id).
    public struct Key: Hashable, Sendable {
        public var isSection: Bool
        public var at: String

        public init(isSection: Bool, at: String) {
            self.isSection = isSection
            self.at = at
        }
    }

    /// Which element of `new` continues each element of `old`: the correspondence, with merged clauses
    /// leading to their survivor and wordless clauses (a list item holding only a list, which the
    /// alignment does not compare) paired in order inside sections that continue.
    public static func links(old: Document, new: Document, _ correspondence: Correspondence) -> Links {
        var links: [Key: Key] = [:]
        for (o, n) in correspondence.sections { links[Key(isSection: true, at: o)] = Key(isSection: true, at: n) }
        for (o, n) in correspondence.clauses { links[Key(isSection: false, at: o)] = Key(isSection: false, at: n) }
        for (o, n) in correspondence.absorbed { links[Key(isSection: false, at: o)] = Key(isSection: false, at: n) }
        let continued = Set(links.values)
        func wordless(_ document: Document, paired: (String) -> Bool) -> [String: [String]] {
            var bySection: [String: [String]] = [:]
            for (section, clause) in document.allClauses where clause.text.trimmingSpaces.isEmpty && !paired(clause.id) {
                bySection[section ?? "", default: []].append(clause.id)
            }
            return bySection
        }
        let oldWordless = wordless(old) { links[Key(isSection: false, at: $0)] != nil }
        let newWordless = wordless(new) { continued.contains(Key(isSection: false, at: $0)) }
        for (oldSection, clauses) in oldWordless {
            let newSection = oldSection.isEmpty ? "" : correspondence.sections[oldSection]
            guard let newSection, let targets = newWordless[newSection] else { continue }
            for (o, n) in zip(clauses, targets) { links[Key(isSection: false, at: o)] = Key(isSection: false, at: n) }
        }
        return Links(next: links, absorbed: Set(correspondence.absorbed.keys.map { Key(isSection: false, at: $0) }))
    }

    /// What continues what between two versions.
    public struct Links: Sendable {
        /// Each element of the old version that lives on → the element of the new one that carries its names.
        public var next: [Key: Key]
        /// Clauses merged into another, which survives with its own id.
        public var absorbed: Set<Key>
    }

    /// The id map of `document`, released as `version` after the versions whose maps `history` holds
    /// (oldest first); `previous` is the text of the latest of them, with what continues what.
    /// `derived`: the map of a version released before id maps existed, whose pages carried structural
    /// ids: those become aliases where no earlier page gave them another meaning, and a pinned id that
    /// did is dropped rather than refused.
    public static func map(for document: Document, version: String, derived: Bool, history: [IdentityMap],
                           previous: (document: Document, links: Links)?) throws(IdentityConflict) -> IdentityMap {
        // Every name any earlier page carried, with the version that last carried it.
        var retired: Set<String> = []
        for map in history { retired.formUnion(map.names) }
        var claimed: Set<String> = [Document.titleAnchor]
        claimed.formUnion(document.titleAliases)
        func isFresh(_ name: String) -> Bool { !name.isEmpty && !retired.contains(name) && !claimed.contains(name) }

        let sections = document.allSections
        let clauses = document.allClauses
        var ids: [Key: String] = [:]
        var aliases: [Key: [String]] = [:]
        // 1. What continues an element of the previous version keeps its names; a merge's survivor takes
        // the names of the clauses merged into it, in the previous version's order.
        if let previous, let last = history.last {
            var predecessors: [Key: [Key]] = [:]
            let oldKeys = previous.document.allSections.map { Key(isSection: true, at: $0.id) }
                + previous.document.allClauses.map { Key(isSection: false, at: $0.clause.id) }
            for old in oldKeys { if let new = previous.links.next[old] { predecessors[new, default: []].append(old) } }
            let oldSections = Dictionary(last.sections.map { ($0.at, $0) }, uniquingKeysWith: { first, _ in first })
            let oldClauses = Dictionary(last.clauses.map { ($0.at, $0) }, uniquingKeysWith: { first, _ in first })
            for (new, olds) in predecessors {
                let elements = olds.compactMap { old in (old.isSection ? oldSections[old.at] : oldClauses[old.at]).map { (old, $0) } }
                let survivor = (elements.first { !previous.links.absorbed.contains($0.0) } ?? elements.first)?.1
                guard let survivor else { continue }
                ids[new] = survivor.id
                var names = survivor.aliases
                for (_, other) in elements where other != survivor { names += other.names }
                aliases[new] = names
            }
        }
        for name in ids.values { claimed.insert(name) }
        for list in aliases.values { claimed.formUnion(list) }

        // 2. A pinned id wins: it becomes the id, and the id it replaces an alias.
        for section in sections {
            guard let pinned = section.pinnedIDs.first else { continue }
            let key = Key(isSection: true, at: section.id)
            if ids[key] == pinned { continue }
            if var own = aliases[key], let position = own.firstIndex(of: pinned) {
                own.remove(at: position)
                if let id = ids[key] { own.insert(id, at: 0) }
                aliases[key] = own
                ids[key] = pinned
                continue
            }
            guard isFresh(pinned) else {
                if derived { continue }
                throw IdentityConflict(id: pinned, heading: section.heading, reason: claimed.contains(pinned)
                                       ? "another part of this version has it" : "an earlier version's page gave it to another part")
            }
            if let id = ids[key] { aliases[key, default: []].insert(id, at: 0) }
            ids[key] = pinned
            claimed.insert(pinned)
        }

        // 3. New elements: a name no page ever carried.
        func allocate(_ candidates: [String]) -> String {
            for candidate in candidates where isFresh(candidate) { return candidate }
            let base = candidates.last!
            var suffix = 2
            while !isFresh("\(base)-\(suffix)") { suffix += 1 }
            return "\(base)-\(suffix)"
        }
        for section in sections where ids[Key(isSection: true, at: section.id)] == nil {
            let id = allocate([section.id, "sec-" + Slug.anchor(section.title.isEmpty ? section.heading : section.title)])
            ids[Key(isSection: true, at: section.id)] = id
            claimed.insert(id)
        }
        for (section, clause) in clauses where ids[Key(isSection: false, at: clause.id)] == nil {
            // `<section id>.p<n>`: the number the clause has in its section at first publication.
            var candidates = [clause.id]
            if let range = clause.id.range(of: ".p", options: .backwards) {
                let prefix = section.flatMap { ids[Key(isSection: true, at: $0)] } ?? String(clause.id[..<range.lowerBound])
                candidates = [prefix + clause.id[range.lowerBound...]]
            }
            let id = allocate(candidates)
            ids[Key(isSection: false, at: clause.id)] = id
            claimed.insert(id)
        }

        // 4. New aliases: a heading's slug and pinned ids, and for a derived map the structural ids its
        // pages carried, each where no page gave it another meaning.
        func addAlias(_ name: String, to key: Key) {
            guard ids[key] != name, !(aliases[key] ?? []).contains(name) else { return }
            guard isFresh(name) else { return }
            aliases[key, default: []].append(name)
            claimed.insert(name)
        }
        for section in sections {
            let key = Key(isSection: true, at: section.id)
            if derived { addAlias(section.id, to: key) }
            for name in section.aliases + section.pinnedIDs { addAlias(name, to: key) }
        }
        if derived {
            for (_, clause) in clauses { addAlias(clause.id, to: Key(isSection: false, at: clause.id)) }
        }

        func element(_ key: Key) -> IdentityMap.Element {
            IdentityMap.Element(at: key.at, id: ids[key] ?? key.at, aliases: aliases[key] ?? [])
        }
        return IdentityMap(document: document.id, version: version, derived: derived,
                           sections: sections.map { element(Key(isSection: true, at: $0.id)) },
                           clauses: clauses.map { element(Key(isSection: false, at: $0.clause.id)) })
    }

    /// The id maps of every version, oldest first: each recorded one where `recorded` has it, the others
    /// derived from the texts by replaying the alignment from the first version.
    public static func maps(documents: [Document], versions: [String], recorded: [IdentityMap?],
                            correspondence: (Document, Document) -> Correspondence) -> [IdentityMap] {
        var maps: [IdentityMap] = []
        for (index, document) in documents.enumerated() {
            if let map = recorded[index] {
                maps.append(map)
                continue
            }
            let previous = index == 0 ? nil
                : (documents[index - 1], links(old: documents[index - 1], new: document,
                                               correspondence(documents[index - 1], document)))
            // Derived maps drop a conflicting pin instead of refusing, so this cannot throw.
            let map = (try? Self.map(for: document, version: versions[index], derived: true, history: maps, previous: previous))
                ?? IdentityMap(document: document.id, version: versions[index], derived: true, sections: [], clauses: [])
            maps.append(map)
        }
        return maps
    }
}
