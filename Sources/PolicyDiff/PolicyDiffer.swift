import PolicyModel

/// Two revisions of a policy → the `ChangeSet`: every change, its tier and its reasons, and the verdict.
public enum PolicyDiffer {
    /// One revision made ready for diffing: its sections and clauses flattened, their texts normalised.
    /// A caller that parses both revisions in parallel makes each side right after its parse, so that
    /// this work fills the time the other parse still takes.
    public struct Side: Sendable {
        let revision: Revision
        /// For an old side parsed without defined terms: whether a clause defines one. Only reworded
        /// clauses are asked (a new side's terms are never read).
        let definesTerm: (@Sendable (Clause) -> Bool)?

        public init(_ document: Document, definesTerm: (@Sendable (Clause) -> Bool)? = nil) {
            revision = Revision(document)
            self.definesTerm = definesTerm
        }
    }

    public static func diff(_ old: Side, _ new: Side, options: DiffOptions = DiffOptions()) -> ChangeSet {
        // Alignment is mostly serial; what classification knows without it is worked out beside it.
        let (alignment, context) = inParallel({
            Trace.measure("align") { Alignment(old: old.revision, new: new.revision) }
        }, {
            ClassificationContext(old: old.revision, new: new.revision, options: options, definesTerm: old.definesTerm)
        })
        return changes(old.revision, new.revision, alignment, context)
    }

    public static func diff(_ oldDocument: Document, _ newDocument: Document,
                            options: DiffOptions = DiffOptions()) -> ChangeSet {
        let (old, new) = sides(oldDocument, newDocument)
        return diff(old, new, options: options)
    }

    /// The ChangeSet and the successor of every old id (see `successors`), from one alignment.
    public static func compare(_ oldDocument: Document, _ newDocument: Document,
                               options: DiffOptions = DiffOptions()) -> (changes: ChangeSet, successors: [String: String]) {
        let (old, new) = sides(oldDocument, newDocument)
        let alignment = Alignment(old: old.revision, new: new.revision)
        let context = ClassificationContext(old: old.revision, new: new.revision, options: options)
        return (changes(old.revision, new.revision, alignment, context),
                successors(old.revision, new.revision, alignment))
    }

    private static func changes(_ old: Revision, _ new: Revision, _ alignment: Alignment,
                                _ context: ClassificationContext) -> ChangeSet {
        Trace.measure("classify") {
            var builder = ChangeBuilder(old: old, new: new, alignment: alignment, context: context)
            builder.titleChange()
            builder.sectionChanges()
            builder.clauseChanges()
            return builder.finish()
        }
    }

    /// Both sides, made at the same time.
    private static func sides(_ oldDocument: Document, _ newDocument: Document) -> (Side, Side) {
        inParallel({ Side(oldDocument) }, { Side(newDocument) })
    }
}

/// What classifying needs from the two revisions and the settings, apart from their alignment.
private struct ClassificationContext: Sendable {
    let options: DiffOptions
    let classifier: Classifier
    /// Whether an old clause defines a term.
    let definesTerm: @Sendable (Clause) -> Bool
    /// The category of each section (by index), worked out once: the clause work reads them from every core.
    let oldCategories: [SectionCategory]
    let newCategories: [SectionCategory]

    init(old: Revision, new: Revision, options: DiffOptions, definesTerm: (@Sendable (Clause) -> Bool)? = nil) {
        self.options = options
        classifier = Classifier(options: options, wordCounts: WordCounts(revisions: [old, new]))
        if let definesTerm {
            self.definesTerm = definesTerm
        } else {
            let defining = Set(old.document.definedTerms.map(\.clause))
            self.definesTerm = { defining.contains($0.id) }
        }
        oldCategories = old.sectionCategories(options: options)
        newCategories = new.sectionCategories(options: options)
    }
}

private struct ChangeBuilder {
    /// The verdict's reasons shown first (`ChangeSet.verdictReasons`).
    static let verdictReasonLimit = 20

    let old: Revision
    let new: Revision
    let alignment: Alignment
    let options: DiffOptions
    let classifier: Classifier
    var changes: [(order: (Int, Int, Int), change: Change)] = []
    let definesTerm: @Sendable (Clause) -> Bool
    let oldCategories: [SectionCategory]
    let newCategories: [SectionCategory]

    init(old: Revision, new: Revision, alignment: Alignment, context: ClassificationContext) {
        self.old = old
        self.new = new
        self.alignment = alignment
        options = context.options
        classifier = context.classifier
        definesTerm = context.definesTerm
        oldCategories = context.oldCategories
        newCategories = context.newCategories
    }

    private func category(ofNew section: Int?) -> SectionCategory {
        section.map { newCategories[$0] } ?? .other
    }

    private func category(ofOld section: Int?) -> SectionCategory {
        section.map { oldCategories[$0] } ?? .other
    }

    // MARK: Title and sections

    /// The policy's own title, written as a heading or in front matter (one made from a file name
    /// says nothing: `old.md` against `new.md` is no rename).
    mutating func titleChange() {
        func declaredTitle(_ document: Document) -> String? {
            document.titleLocation != nil || document.frontMatter["title"] == document.title ? document.title : nil
        }
        if let oldTitle = declaredTitle(old.document), let newTitle = declaredTitle(new.document),
           TextNormalizer.exactKey(oldTitle.lowercased()) != TextNormalizer.exactKey(newTitle.lowercased()) {
            append((0, 0, -1), applyingOverride(Change(
                kind: .renamed, subject: .document, tier: .editorial, old: nil, new: nil,
                reasons: [Reason(rule: "title-renamed", detail: "“\(oldTitle)” → “\(newTitle)”")], oldText: oldTitle,
                newText: newTitle, words: nil, fingerprint: Fingerprint.of("document-renamed", oldTitle, newTitle))))
        }
    }

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
        let inOrder = clausesInOrder()
        let kept = alignment.clauseNewForOld.enumerated().compactMap { o, match in
            match.flatMap { n in splitOld.contains(o) || mergedNew.contains(n) ? nil : (old: o, new: n) }
        }
        // Each kept clause is judged on its own: in chunks, on every core. At least 16 chunks, so that
        // the few reworded clauses (the costly ones) spread over the cores in a short policy too.
        let builder = self
        changes += kept.concurrentChunks(of: min(2048, max(64, kept.count / 16))) { pairs in
            pairs.compactMap { builder.keptChange($0.old, $0.new, inOrder: inOrder[$0.old]) }
        }

        for split in alignment.splits { addJoined(old: [split.old], new: split.new, kind: .split) }
        for merge in alignment.merges { addJoined(old: merge.old, new: [merge.new], kind: .merged) }

        // A removed clause is listed where it would have stood: after the new place of the kept clause before it.
        var removed: [(old: Int, anchorLine: Int)] = []
        var anchorLine = 0
        for (o, match) in alignment.clauseNewForOld.enumerated() {
            if let n = match {
                anchorLine = new.clauseLines[n]
            } else {
                removed.append((o, anchorLine))
            }
        }
        let added = alignment.clauseOldForNew.indices.filter { alignment.clauseOldForNew[$0] == nil }
        // A clause that came or went beside a kept copy of itself, word for word, in the same section: a
        // duplicate pasted or cleared away.
        @Sendable func besideItsCopy(_ index: Int, in clauses: [Revision.ClauseEntry], kept: [Int?]) -> Bool {
            [index - 1, index + 1].contains { other in
                clauses.indices.contains(other) && kept[other] != nil && clauses[other].section == clauses[index].section
                    && clauses[other].key == clauses[index].key
            }
        }
        let (keptOld, keptNew) = (alignment.clauseNewForOld, alignment.clauseOldForNew)
        // Added and removed clauses are judged on every core too: a revision may replace thousands.
        changes += removed.concurrentChunks(of: 256) { chunk in
            chunk.map { o, anchorLine in
                let entry = builder.old.clauses[o]
                let verdict = builder.classifier.classifyRemoved(
                    entry.clause, category: builder.category(ofOld: entry.section),
                    besideItsCopy: besideItsCopy(o, in: builder.old.clauses, kept: keptOld))
                return ((anchorLine, 1, o), builder.clauseChange(.removed, o, nil, verdict))
            }
        }
        changes += added.concurrentChunks(of: 256) { chunk in
            chunk.map { n in
                let entry = builder.new.clauses[n]
                let verdict = builder.classifier.classifyAdded(
                    entry.clause, category: builder.category(ofNew: entry.section),
                    besideItsCopy: besideItsCopy(n, in: builder.new.clauses, kept: keptNew))
                return ((entry.clause.location?.line ?? 0, 2, n), builder.clauseChange(.added, nil, n, verdict))
            }
        }
    }

    /// What became of a clause that was kept (old `o`, new `n`): nothing, or moved, reworded, or both.
    private func keptChange(_ o: Int, _ n: Int, inOrder: Bool) -> (order: (Int, Int, Int), change: Change)? {
        // Most kept clauses are unchanged and in place: that is decided on their keys and sections alone.
        let oldSection = old.clauseSections[o], newSection = new.clauseSections[n]
        let crossSection = oldSection.flatMap { alignment.sectionNewForOld[$0] } != newSection
            && !(oldSection == nil && newSection == nil)
        let moved = crossSection || !inOrder
        let sameKey = old.clauses[o].key == new.clauses[n].key
        let isDate = o == old.lastUpdatedClause || n == new.lastUpdatedClause
        if !moved, sameKey, !isDate, old.clauses[o].clause.inlines == new.clauses[n].clause.inlines { return nil }
        let before = old.clauses[o], after = new.clauses[n]
        let order = (after.clause.location?.line ?? 0, 2, n)
        if isDate, !sameKey {
            // Only the date is editorial: whatever else the "Last updated" paragraph says is judged as usual.
            let dateReason = Reason(rule: "last-updated", detail: "“\(before.clause.text)” → “\(after.clause.text)”")
            let words = wordDiff(o, n)
            var verdict = Classifier.Verdict(tier: .editorial, reasons: [dateReason])
            if masked(before.clause.text, old.document) != masked(after.clause.text, new.document) {
                verdict = modified(o, n, words)
                verdict.reasons.insert(dateReason, at: 0)
            }
            return (order, clauseChange(.modified, o, n, verdict, words: words))
        }
        let reworded = !sameKey || before.clause.inlines != after.clause.inlines
        guard reworded || moved else { return nil }
        let words = reworded ? wordDiff(o, n) : nil
        var verdict = words.map { modified(o, n, $0) } ?? Classifier.Verdict(tier: .editorial, reasons: [])
        guard moved else { return (order, clauseChange(.modified, o, n, verdict, words: words)) }
        if crossSection {
            let from = before.section.map { old.sections[$0].section.heading } ?? "the preamble"
            let to = after.section.map { new.sections[$0].section.heading } ?? "the preamble"
            verdict.raise(.material, "moved-to-other-section", "from “\(from)” to “\(to)”")
        } else if verdict.reasons.isEmpty {
            verdict.raise(.editorial, "moved-within-section", "same words, new place in the section")
        }
        return (order, clauseChange(.moved, o, n, verdict, words: words))
    }

    /// A clause's text with the document's "Last updated" date taken out.
    private func masked(_ text: String, _ document: Document) -> String {
        guard let date = document.lastUpdated?.text, !date.isEmpty else { return text }
        return String(decoding: TextNormalizer.exactKey(text.replacing(date, with: "\u{1}")), as: UTF8.self)
    }

    /// Whether each old clause kept its order within its (aligned) section: the longest increasing run per section.
    /// The kept pairs are taken in new order (several old clauses merged into one new clause in old order) by
    /// counting, not sorting, and grouped by an array over the sections, not a dictionary.
    private func clausesInOrder() -> [Bool] {
        let newForOld = alignment.clauseNewForOld
        var starts = [Int](repeating: 0, count: new.clauses.count + 1)
        for n in newForOld { if let n { starts[n + 1] += 1 } }
        for n in new.clauses.indices { starts[n + 1] += starts[n] }
        var oldInNewOrder = [Int](repeating: 0, count: starts[new.clauses.count])
        var next = starts
        for (o, n) in newForOld.enumerated() {
            guard let n else { continue }
            oldInNewOrder[next[n]] = o
            next[n] += 1
        }
        // Slot 0 holds the preamble's clauses; slot s + 1, section s's.
        var bySection = [[Int]](repeating: [], count: new.sections.count + 1)
        for n in new.clauses.indices where starts[n] < starts[n + 1] {
            let slot = (new.clauseSections[n] ?? -1) + 1
            bySection[slot] += oldInNewOrder[starts[n]..<starts[n + 1]]
        }
        var inOrder = [Bool](repeating: false, count: old.clauses.count)
        for olds in bySection where !olds.isEmpty {
            for o in longestIncreasingRun(olds) { inOrder[o] = true }
        }
        return inOrder
    }

    /// The word diff of a reworded clause, made once for both its verdict and its redline.
    private struct WordDiff {
        let oldTokens: [WordToken]
        let newTokens: [WordToken]
        let runs: [MyersDiff.Run]

        init(_ oldTokens: [WordToken], _ newTokens: [WordToken]) {
            self.oldTokens = oldTokens
            self.newTokens = newTokens
            self.runs = MyersDiff.diff(oldTokens.map(\.key), newTokens.map(\.key))
        }
    }

    private func wordDiff(_ o: Int, _ n: Int) -> WordDiff {
        WordDiff(tokens(old.clauses[o].clause), tokens(new.clauses[n].clause))
    }

    private func modified(_ o: Int, _ n: Int, _ words: WordDiff) -> Classifier.Verdict {
        let before = old.clauses[o], after = new.clauses[n]
        return classifier.classifyModified(old: before.clause, new: after.clause, oldTokens: words.oldTokens,
                                           newTokens: words.newTokens, runs: words.runs,
                                           category: category(ofNew: after.section),
                                           definesTerm: definesTerm(before.clause))
    }

    private func tokens(_ clause: Clause) -> [WordToken] {
        switch clause.kind {
        case .tableRow, .html: WordTokenizer.tokens(text: clause.text)
        case .code: WordTokenizer.tokens(text: Revision.readingText(clause))
        default: WordTokenizer.tokens(clause.inlines)
        }
    }

    private mutating func addJoined(old oldIndices: [Int], new newIndices: [Int], kind: Change.Kind) {
        let oldText = oldIndices.map { old.clauses[$0].text }.joined(separator: " ")
        let newText = newIndices.map { new.clauses[$0].text }.joined(separator: " ")
        let words = WordDiff(WordTokenizer.tokens(text: oldText), WordTokenizer.tokens(text: newText))
        var verdict = Classifier.Verdict(tier: .editorial, reasons: [])
        if TextNormalizer.looseWords(oldText) == TextNormalizer.looseWords(newText) {
            verdict.raise(.editorial, kind == .split ? "split-same-words" : "merged-same-words",
                          "\(oldIndices.count) clause\(oldIndices.count == 1 ? "" : "s") became \(newIndices.count), same words")
        } else {
            let first = Clause(id: "", kind: .paragraph, inlines: [.text(oldText)], text: oldText, location: nil)
            let second = Clause(id: "", kind: .paragraph, inlines: [.text(newText)], text: newText, location: nil)
            let entry = new.clauses[newIndices[0]]
            verdict = classifier.classifyModified(old: first, new: second, oldTokens: words.oldTokens,
                                                  newTokens: words.newTokens, runs: words.runs,
                                                  category: category(ofNew: entry.section),
                                                  definesTerm: oldIndices.contains { definesTerm(old.clauses[$0].clause) })
        }
        let line = new.clauses[newIndices[0]].clause.location?.line ?? 0
        let change = Change(kind: kind, subject: .clause, tier: verdict.tier, old: old.position(ofClause: oldIndices[0]),
                            new: new.position(ofClause: newIndices[0]), reasons: verdict.reasons, oldText: oldText,
                            newText: newText, words: wordRuns(words), fingerprint: Fingerprint.of(kind.rawValue, oldText, newText))
        append((line, 2, newIndices[0]), applyingOverride(change))
    }

    // MARK: Assembly

    /// A clause change with its override applied; the word diff is the redline of a reworded clause.
    private func clauseChange(_ kind: Change.Kind, _ o: Int?, _ n: Int?, _ verdict: Classifier.Verdict,
                              words: WordDiff? = nil) -> Change {
        let oldText = o.map { old.clauses[$0].clause.text }
        let newText = n.map { new.clauses[$0].clause.text }
        return applyingOverride(Change(kind: kind, subject: .clause, tier: verdict.tier, old: o.map(old.position(ofClause:)),
                                       new: n.map(new.position(ofClause:)), reasons: Reason.strongestFirst(verdict.reasons),
                                       oldText: oldText,
                                       newText: newText, words: words.map(wordRuns),
                                       fingerprint: Fingerprint.of(kind.rawValue, oldText ?? "", newText ?? "")))
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

    private func wordRuns(_ words: WordDiff) -> [WordRun] {
        let oldTokens = words.oldTokens, newTokens = words.newTokens
        return words.runs.map { run in
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
        // The first reasons for the verdict, each once. Most details quote their clause, so nearly every
        // reason is new: a list searched for each was quadratic (20,000 added clauses took 10 s).
        // Listed by the tier each rule stands for (the consent findings first), then in section order.
        var reasons: [Reason] = []
        var seen: Set<Reason> = []
        reading: for tier in [Tier.consent, .material, .editorial] {
            for change in ordered where change.tier == verdict {
                for reason in change.reasons where (RuleCatalog.entry(reason.rule)?.tier ?? .material) == tier
                    && seen.insert(reason).inserted {
                    reasons.append(reason)
                    if reasons.count == Self.verdictReasonLimit { break reading }
                }
            }
        }
        return ChangeSet(verdict: verdict, changes: ordered, verdictReasons: reasons,
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
        var hash = FNV1a()
        for part in parts {
            hash.combine(contentsOf: TextNormalizer.exactKey(part))
            hash.combine(0xFF)
        }
        let hex = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension PolicyDiffer {
    /// Where each section and clause id of `oldDocument` lands in `newDocument`: its successor when it was
    /// kept, moved, reworded, split or merged; for a removed clause, the section its section became.
    /// The site uses it so that old deep links keep working.
    public static func successors(from oldDocument: Document, to newDocument: Document) -> [String: String] {
        let (old, new) = sides(oldDocument, newDocument)
        return successors(old.revision, new.revision, Alignment(old: old.revision, new: new.revision))
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
