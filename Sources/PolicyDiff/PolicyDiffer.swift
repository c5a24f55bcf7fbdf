import Dispatch
import PolicyModel

/// Two revisions of a policy → the `ChangeSet`: every change, its tier and its reasons, and the verdict.
public enum PolicyDiffer {
    public static func diff(_ oldDocument: Document, _ newDocument: Document,
                            options: DiffOptions = DiffOptions()) -> ChangeSet {
        compare(oldDocument, newDocument, options: options).changes
    }

    /// The ChangeSet and the successor of every old id (see `successors`), from one alignment.
    public static func compare(_ oldDocument: Document, _ newDocument: Document,
                               options: DiffOptions = DiffOptions()) -> (changes: ChangeSet, successors: [String: String]) {
        // Flattening and normalising each side is independent: one core each, each writing its own slot.
        let slots = UnsafeMutableBufferPointer<Revision>.allocate(capacity: 2)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let shared = slots
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            (shared.baseAddress! + side).initialize(to: Revision(side == 0 ? oldDocument : newDocument))
        }
        let old = slots[0]
        let new = slots[1]
        let alignment = Alignment(old: old, new: new)
        var builder = ChangeBuilder(old: old, new: new, alignment: alignment, options: options)
        builder.sectionChanges()
        builder.clauseChanges()
        return (builder.finish(), successors(old, new, alignment))
    }
}

private struct ChangeBuilder {
    let old: Revision
    let new: Revision
    let alignment: Alignment
    let options: DiffOptions
    let classifier: Classifier
    var changes: [(order: (Int, Int, Int), change: Change)] = []
    /// Old clause ids that define a term.
    let definingClauses: Set<String>
    /// Categories of the new revision's sections, worked out once each.
    private var categories: [Int: SectionCategory] = [:]

    private mutating func category(ofNew section: Int?) -> SectionCategory {
        let key = section ?? -1
        if let known = categories[key] { return known }
        let category = new.category(ofSection: section, options: options)
        categories[key] = category
        return category
    }

    init(old: Revision, new: Revision, alignment: Alignment, options: DiffOptions) {
        self.old = old
        self.new = new
        self.alignment = alignment
        self.options = options
        self.classifier = Classifier(options: options, wordCounts: WordCounts(texts: old.clauses.map(\.text) + new.clauses.map(\.text)))
        self.definingClauses = Set(old.document.definedTerms.map(\.clause))
    }

    // MARK: Sections

    mutating func sectionChanges() {
        let pairs = alignment.sectionNewForOld.enumerated().compactMap { o, n in n.map { (old: o, new: $0) } }
        let stayed = Set(longestIncreasingRun(pairs.sorted { $0.new < $1.new }.map(\.old)))
        for pair in pairs {
            let before = old.sections[pair.old], after = new.sections[pair.new]
            let order = (new.sections[pair.new].section.location?.line ?? 0, 0, pair.new)
            if before.section.number != after.section.number {
                add(order, kind: .renumbered, subject: .section, tier: .editorial, oldSection: pair.old, newSection: pair.new,
                    reasons: [Reason(rule: "renumbered",
                                     detail: "\(before.section.number ?? "unnumbered") → \(after.section.number ?? "unnumbered")")])
            }
            if before.titleKey != after.titleKey {
                add(order, kind: .renamed, subject: .section, tier: .editorial, oldSection: pair.old, newSection: pair.new,
                    reasons: [Reason(rule: "heading-renamed", detail: "“\(before.section.title)” → “\(after.section.title)”")])
            }
            let parentMoved = before.parent.flatMap { alignment.sectionNewForOld[$0] } != after.parent
            if !stayed.contains(pair.old) || parentMoved {
                add(order, kind: .moved, subject: .section, tier: .editorial, oldSection: pair.old, newSection: pair.new,
                    reasons: [Reason(rule: "section-moved", detail: "“\(after.section.heading)” moved")])
            }
        }
        for (o, n) in alignment.sectionNewForOld.enumerated() where n == nil {
            let entry = old.sections[o]
            add((entry.section.location?.line ?? 0, 1, o), kind: .removed, subject: .section, tier: .editorial,
                oldSection: o, newSection: nil,
                reasons: [Reason(rule: "heading-removed", detail: "“\(entry.section.heading)” (its clauses are listed on their own)")])
        }
        for (n, o) in alignment.sectionOldForNew.enumerated() where o == nil {
            let entry = new.sections[n]
            add((entry.section.location?.line ?? 0, 0, n), kind: .added, subject: .section, tier: .editorial,
                oldSection: nil, newSection: n,
                reasons: [Reason(rule: "heading-added", detail: "“\(entry.section.heading)” (its clauses are listed on their own)")])
        }
    }

    // MARK: Clauses

    mutating func clauseChanges() {
        let splitOld = Set(alignment.splits.map(\.old))
        let mergedNew = Set(alignment.merges.map(\.new))
        let stayed = clausesInOrder()

        for (o, match) in alignment.clauseNewForOld.enumerated() {
            guard let n = match, !splitOld.contains(o), !mergedNew.contains(n) else { continue }
            let before = old.clauses[o], after = new.clauses[n]
            let crossSection = before.section.flatMap { alignment.sectionNewForOld[$0] } != after.section
                && !(before.section == nil && after.section == nil)
            let moved = crossSection || !stayed.contains(o)
            let order = (after.clause.location?.line ?? 0, 2, n)
            if o == old.lastUpdatedClause || n == new.lastUpdatedClause, before.key != after.key {
                // Only the date is editorial: whatever else the "Last updated" paragraph says is judged as usual.
                let dateReason = Reason(rule: "last-updated", detail: "“\(before.clause.text)” → “\(after.clause.text)”")
                if masked(before.clause.text, old.document) == masked(after.clause.text, new.document) {
                    addClause(order, .modified, o, n, tier: .editorial, reasons: [dateReason], words: true)
                } else {
                    var verdict = modified(o, n)
                    verdict.reasons.insert(dateReason, at: 0)
                    addClause(order, .modified, o, n, tier: verdict.tier, reasons: verdict.reasons, words: true)
                }
                continue
            }
            var verdict = Classifier.Verdict(tier: .editorial, reasons: [])
            var words = false
            if before.key != after.key || before.clause.inlines != after.clause.inlines {
                verdict = modified(o, n)
                words = true
            }
            if moved {
                if crossSection {
                    let from = before.section.map { old.sections[$0].section.heading } ?? "the preamble"
                    let to = after.section.map { new.sections[$0].section.heading } ?? "the preamble"
                    verdict.raise(.material, "moved-to-other-section", "from “\(from)” to “\(to)”")
                } else if verdict.reasons.isEmpty {
                    verdict.raise(.editorial, "moved-within-section", "same words, new place in the section")
                }
                addClause(order, .moved, o, n, tier: verdict.tier, reasons: verdict.reasons, words: words)
            } else if words {
                addClause(order, .modified, o, n, tier: verdict.tier, reasons: verdict.reasons, words: true)
            }
        }
        for split in alignment.splits { addJoined(old: [split.old], new: split.new, kind: .split) }
        for merge in alignment.merges { addJoined(old: merge.old, new: [merge.new], kind: .merged) }

        for (o, match) in alignment.clauseNewForOld.enumerated() where match == nil {
            let entry = old.clauses[o]
            let verdict = classifier.classifyRemoved(entry.clause, category: old.category(ofSection: entry.section, options: options))
            addClause((anchorLine(forOld: o), 1, o), .removed, o, nil, tier: verdict.tier, reasons: verdict.reasons, words: false)
        }
        for (n, match) in alignment.clauseOldForNew.enumerated() where match == nil {
            let entry = new.clauses[n]
            let verdict = classifier.classifyAdded(entry.clause, category: category(ofNew: entry.section))
            addClause((entry.clause.location?.line ?? 0, 2, n), .added, nil, n, tier: verdict.tier, reasons: verdict.reasons,
                      words: false)
        }
    }

    /// A clause's text with the document's "Last updated" date taken out.
    private func masked(_ text: String, _ document: Document) -> String {
        guard let date = document.lastUpdated?.text, !date.isEmpty else { return text }
        return String(decoding: TextNormalizer.exactKey(text.replacing(date, with: "\u{1}")), as: UTF8.self)
    }

    /// Old clauses that kept their order within their (aligned) section: the longest increasing run per section.
    private func clausesInOrder() -> Set<Int> {
        var bySection: [Int: [(old: Int, new: Int)]] = [:]
        for (o, n) in alignment.clauseNewForOld.enumerated() {
            guard let n else { continue }
            bySection[new.clauses[n].section ?? -1, default: []].append((o, n))
        }
        var stayed: Set<Int> = []
        for pairs in bySection.values {
            stayed.formUnion(longestIncreasingRun(pairs.sorted { $0.new < $1.new }.map(\.old)))
        }
        return stayed
    }

    private mutating func modified(_ o: Int, _ n: Int) -> Classifier.Verdict {
        let before = old.clauses[o], after = new.clauses[n]
        let oldTokens = tokens(before.clause), newTokens = tokens(after.clause)
        let runs = MyersDiff.diff(oldTokens.map(\.key), newTokens.map(\.key))
        return classifier.classifyModified(old: before.clause, new: after.clause, oldTokens: oldTokens,
                                           newTokens: newTokens, runs: runs,
                                           category: category(ofNew: after.section),
                                           definesTerm: definingClauses.contains(before.clause.id))
    }

    private func tokens(_ clause: Clause) -> [WordToken] {
        switch clause.kind {
        case .tableRow: WordTokenizer.tokens(text: clause.text)
        case .code: WordTokenizer.tokens(text: Revision.readingText(clause))
        default: WordTokenizer.tokens(clause.inlines)
        }
    }

    private mutating func addJoined(old oldIndices: [Int], new newIndices: [Int], kind: Change.Kind) {
        let oldText = oldIndices.map { old.clauses[$0].text }.joined(separator: " ")
        let newText = newIndices.map { new.clauses[$0].text }.joined(separator: " ")
        let oldTokens = WordTokenizer.tokens(text: oldText), newTokens = WordTokenizer.tokens(text: newText)
        let runs = MyersDiff.diff(oldTokens.map(\.key), newTokens.map(\.key))
        var verdict = Classifier.Verdict(tier: .editorial, reasons: [])
        if TextNormalizer.looseWords(oldText) == TextNormalizer.looseWords(newText) {
            verdict.raise(.editorial, kind == .split ? "split-same-words" : "merged-same-words",
                          "\(oldIndices.count) clause\(oldIndices.count == 1 ? "" : "s") became \(newIndices.count), same words")
        } else {
            let first = Clause(id: "", kind: .paragraph, inlines: [.text(oldText)], text: oldText, location: nil)
            let second = Clause(id: "", kind: .paragraph, inlines: [.text(newText)], text: newText, location: nil)
            let entry = new.clauses[newIndices[0]]
            verdict = classifier.classifyModified(old: first, new: second, oldTokens: oldTokens, newTokens: newTokens,
                                                  runs: runs, category: new.category(ofSection: entry.section, options: options),
                                                  definesTerm: oldIndices.contains { definingClauses.contains(old.clauses[$0].clause.id) })
        }
        let line = new.clauses[newIndices[0]].clause.location?.line ?? 0
        var change = makeClauseChange(kind, oldIndices[0], newIndices[0], tier: verdict.tier, reasons: verdict.reasons)
        change.oldText = oldText
        change.newText = newText
        change.words = wordRuns(runs, oldTokens, newTokens)
        change.fingerprint = Fingerprint.of(kind.rawValue, oldText, newText)
        append((line, 2, newIndices[0]), applyingOverride(change))
    }

    /// Where a removed clause would have stood in the new revision, for ordering the output.
    private func anchorLine(forOld o: Int) -> Int {
        var previous = o - 1
        while previous >= 0 {
            if let n = alignment.clauseNewForOld[previous] { return new.clauses[n].clause.location?.line ?? 0 }
            previous -= 1
        }
        return 0
    }

    // MARK: Assembly

    private mutating func addClause(_ order: (Int, Int, Int), _ kind: Change.Kind, _ o: Int?, _ n: Int?, tier: Tier,
                                    reasons: [Reason], words: Bool) {
        var change = makeClauseChange(kind, o, n, tier: tier, reasons: reasons)
        if words, let o, let n {
            let oldTokens = tokens(old.clauses[o].clause), newTokens = tokens(new.clauses[n].clause)
            change.words = wordRuns(MyersDiff.diff(oldTokens.map(\.key), newTokens.map(\.key)), oldTokens, newTokens)
        }
        append(order, applyingOverride(change))
    }

    private func makeClauseChange(_ kind: Change.Kind, _ o: Int?, _ n: Int?, tier: Tier, reasons: [Reason]) -> Change {
        let oldText = o.map { old.clauses[$0].clause.text }
        let newText = n.map { new.clauses[$0].clause.text }
        return Change(kind: kind, subject: .clause, tier: tier, old: o.map(old.position(ofClause:)),
                      new: n.map(new.position(ofClause:)), reasons: reasons, oldText: oldText, newText: newText,
                      words: nil, fingerprint: Fingerprint.of(kind.rawValue, oldText ?? "", newText ?? ""))
    }

    private mutating func add(_ order: (Int, Int, Int), kind: Change.Kind, subject: Change.Subject, tier: Tier,
                              oldSection: Int?, newSection: Int?, reasons: [Reason]) {
        let oldTitle = oldSection.map { old.sections[$0].section.heading }
        let newTitle = newSection.map { new.sections[$0].section.heading }
        let change = Change(kind: kind, subject: subject, tier: tier, old: oldSection.map(old.position(ofSection:)),
                            new: newSection.map(new.position(ofSection:)), reasons: reasons, oldText: oldTitle,
                            newText: newTitle, words: nil,
                            fingerprint: Fingerprint.of("section-" + kind.rawValue, oldTitle ?? "", newTitle ?? ""))
        append(order, applyingOverride(change))
    }

    private mutating func append(_ order: (Int, Int, Int), _ change: Change) {
        changes.append((order, change))
    }

    private func applyingOverride(_ change: Change) -> Change {
        guard let override = options.overrides.first(where: { $0.fingerprint == change.fingerprint }) else { return change }
        var changed = change
        changed.tier = override.tier
        changed.override = override
        changed.reasons.append(Reason(rule: "override", detail: override.reason))
        return changed
    }

    private func wordRuns(_ runs: [MyersDiff.Run], _ oldTokens: [WordToken], _ newTokens: [WordToken]) -> [WordRun] {
        runs.map { run in
            let slice = run.operation == .insert ? newTokens[run.newRange] : oldTokens[run.oldRange]
            let operation: WordRun.Operation = run.operation == .equal ? .equal : run.operation == .insert ? .insert : .delete
            let inlines = WordTokenizer.inlines(run.operation == .equal ? newTokens[run.newRange] : slice)
            return WordRun(operation: operation, text: slice.map(\.text).joined(), inlines: inlines)
        }
    }

    func finish() -> ChangeSet {
        var ordered = changes.sorted { $0.order < $1.order }.map(\.change)
        // List markers, heading style, blank lines: the source changed and no word did.
        if ordered.isEmpty, old.document.source.digest != new.document.source.digest {
            ordered.append(Change(kind: .modified, subject: .document, tier: .editorial, old: nil, new: nil,
                                  reasons: [Reason(rule: "formatting", detail: "the Markdown changed; the text did not")],
                                  oldText: nil, newText: nil, words: nil, fingerprint: Fingerprint.of("document-formatting")))
        }
        let verdict = ordered.map(\.tier).max() ?? .unchanged
        var reasons: [Reason] = []
        for change in ordered where change.tier == verdict {
            for reason in change.reasons where !reasons.contains(reason) { reasons.append(reason) }
        }
        return ChangeSet(verdict: verdict, changes: ordered, verdictReasons: Array(reasons.prefix(20)),
                         oldTitle: old.document.title, newTitle: new.document.title,
                         oldLastUpdated: old.document.lastUpdated?.date, newLastUpdated: new.document.lastUpdated?.date)
    }
}

/// The indices of `values` that form a longest strictly increasing subsequence (patience sorting, O(n log n)),
/// returned as the values themselves.
func longestIncreasingRun(_ values: [Int]) -> [Int] {
    var tails: [Int] = []
    var tailIndices: [Int] = []
    var previous = [Int](repeating: -1, count: values.count)
    for (index, value) in values.enumerated() {
        var low = 0, high = tails.count
        while low < high {
            let mid = (low + high) / 2
            if tails[mid] < value { low = mid + 1 } else { high = mid }
        }
        if low > 0 { previous[index] = tailIndices[low - 1] }
        if low == tails.count {
            tails.append(value)
            tailIndices.append(index)
        } else {
            tails[low] = value
            tailIndices[low] = index
        }
    }
    var result: [Int] = []
    var cursor = tailIndices.last ?? -1
    while cursor >= 0 {
        result.append(values[cursor])
        cursor = previous[cursor]
    }
    return result.reversed()
}

/// A short, stable name for a change (FNV-1a, 64 bits): the same change gets the same fingerprint on every machine.
enum Fingerprint {
    static func of(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in TextNormalizer.exactKey(part) {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            hash ^= 0xFF
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension PolicyDiffer {
    /// Where each section and clause id of `oldDocument` lands in `newDocument`: its successor when it was
    /// kept, moved, reworded, split or merged; for a removed clause, the section its section became.
    /// The site uses it so that old deep links keep working.
    public static func successors(from oldDocument: Document, to newDocument: Document) -> [String: String] {
        let old = Revision(oldDocument)
        let new = Revision(newDocument)
        return successors(old, new, Alignment(old: old, new: new))
    }

    static func successors(_ old: Revision, _ new: Revision, _ alignment: Alignment) -> [String: String] {
        var map: [String: String] = [:]
        for (o, n) in alignment.sectionNewForOld.enumerated() {
            if let n { map[old.sections[o].section.id] = new.sections[n].section.id }
        }
        // A removed section lands on its nearest kept ancestor.
        for (index, entry) in old.sections.enumerated() where map[entry.section.id] == nil {
            var parent = old.sections[index].parent
            while let current = parent, map[old.sections[current].section.id] == nil { parent = old.sections[current].parent }
            if let parent, let target = map[old.sections[parent].section.id] { map[entry.section.id] = target }
        }
        for (o, n) in alignment.clauseNewForOld.enumerated() {
            let id = old.clauses[o].clause.id
            if let n {
                map[id] = new.clauses[n].clause.id
            } else if let section = old.clauses[o].section {
                if let successor = map[old.sections[section].section.id] { map[id] = successor }
            } else {
                map[id] = Document.titleAnchor
            }
        }
        return map.filter { $0.key != $0.value }
    }
}
