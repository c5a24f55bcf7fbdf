import PolicyModel

/// Which element of a new revision continues which element of the old one, by structural id: what the
/// persistent ids of a release are carried by (`IdentityLineage`). Read from the alignment, untouched.
public struct Correspondence: Sendable, Hashable {
    /// Old section id → the new section that continues it (matched, renamed, renumbered or moved).
    public var sections: [String: String]
    /// Old clause id → the new clause that continues it: kept, reworded or moved; the first part of a
    /// split; the survivor of a merge (the clause the alignment matched before it found the merge).
    public var clauses: [String: String]
    /// Old clause id → the new clause it was merged into, for the merged clauses that did not survive.
    public var absorbed: [String: String]
}

extension PolicyDiffer {
    /// What continues what from `oldDocument` to `newDocument`, from the same alignment the diff makes.
    public static func correspondence(from oldDocument: Document, to newDocument: Document) -> Correspondence {
        let (old, new) = inParallel({ Revision(oldDocument) }, { Revision(newDocument) })
        let alignment = Alignment(old: old, new: new)
        var sections: [String: String] = [:]
        for (o, n) in alignment.sectionNewForOld.enumerated() {
            if let n { sections[old.sections[o].section.id] = new.sections[n].section.id }
        }
        var clauses: [String: String] = [:], absorbed: [String: String] = [:]
        // The parts of a split all point back at the old clause: the first in document order continues it.
        for (n, o) in alignment.clauseOldForNew.enumerated() {
            guard let o else { continue }
            let oldID = old.clauses[o].clause.id
            if clauses[oldID] == nil { clauses[oldID] = new.clauses[n].clause.id }
        }
        // Merged clauses point at the new clause, which points back at one of them only: the survivor.
        for (o, n) in alignment.clauseNewForOld.enumerated() {
            guard let n, alignment.clauseOldForNew[n] != o else { continue }
            absorbed[old.clauses[o].clause.id] = new.clauses[n].clause.id
        }
        return Correspondence(sections: sections, clauses: clauses, absorbed: absorbed)
    }
}
