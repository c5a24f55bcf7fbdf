import PolicyModel

/// Which old section or clause became which new one.
///
/// Sections first, by number and title, then title similarity; clauses across the whole document:
/// exact text first (in order, preferring the same section), then similar text through an inverted
/// index of words (so cost stays near linear when everything moves), then splits and merges;
/// last, sections that only their content can pair.
struct Alignment {
    var sectionNewForOld: [Int?]
    var sectionOldForNew: [Int?]
    var clauseNewForOld: [Int?]
    var clauseOldForNew: [Int?]
    /// Old clause → the two new clauses it was split into.
    var splits: [(old: Int, new: [Int])] = []
    /// Two old clauses → the new clause they were merged into.
    var merges: [(old: [Int], new: Int)] = []

    /// Word bags are costly and wanted only for clauses without an exact match; each is made once.
    private var oldBagCache: [Int: [Int]] = [:]
    private var newBagCache: [Int: [Int]] = [:]

    private mutating func bag(_ index: Int, in revision: Revision, old isOld: Bool) -> [Int] {
        if let cached = isOld ? oldBagCache[index] : newBagCache[index] { return cached }
        let bag = TextNormalizer.wordBag(revision.clauses[index].text)
        if isOld { oldBagCache[index] = bag } else { newBagCache[index] = bag }
        return bag
    }

    static let similarityThreshold = 0.5
    /// The most unmatched old clauses a word may be in and still point at candidates.
    static let commonWordClauses = 512
    static let crossSectionThreshold = 0.7
    /// How many copies of a repeated clause are weighed for the nearest one.
    static let nearestCopyScan = 256

    init(old: Revision, new: Revision) {
        sectionNewForOld = Array(repeating: nil, count: old.sections.count)
        sectionOldForNew = Array(repeating: nil, count: new.sections.count)
        clauseNewForOld = Array(repeating: nil, count: old.clauses.count)
        clauseOldForNew = Array(repeating: nil, count: new.clauses.count)
        alignSections(old: old, new: new)
        if let oldDate = old.lastUpdatedClause, let newDate = new.lastUpdatedClause {
            pairClauses(oldDate, newDate)
        }
        alignExactClauses(old: old, new: new)
        alignSimilarClauses(old: old, new: new)
        findSplitsAndMerges(old: old, new: new)
        alignSectionsByContent(old: old, new: new)
    }

    private mutating func pairSections(_ o: Int, _ n: Int) {
        sectionNewForOld[o] = n
        sectionOldForNew[n] = o
    }

    private mutating func pairClauses(_ o: Int, _ n: Int) {
        clauseNewForOld[o] = n
        clauseOldForNew[n] = o
    }

    // MARK: Sections

    private mutating func alignSections(old: Revision, new: Revision) {
        // 1. Same number and title; 2. same title; 3. same number, similar title; 4. similar title.
        pairSections(old: old, new: new) { "\($0.section.number ?? "")\u{1}\($0.titleKey)" }
        pairSections(old: old, new: new) { $0.titleKey }
        pairSections(old: old, new: new, key: { $0.section.number }) { o, n in
            TextNormalizer.similarity(o.titleBag, n.titleBag) >= 0.5
        }
        let unmatchedOld = old.sections.indices.filter { sectionNewForOld[$0] == nil }
        let unmatchedNew = new.sections.indices.filter { sectionOldForNew[$0] == nil }
        guard unmatchedOld.count * unmatchedNew.count <= 250_000 else { return }
        var candidates: [(score: Double, old: Int, new: Int)] = []
        for o in unmatchedOld {
            for n in unmatchedNew {
                let score = TextNormalizer.similarity(old.sections[o].titleBag, new.sections[n].titleBag)
                if score >= 0.6 { candidates.append((score, o, n)) }
            }
        }
        for candidate in candidates.sorted(by: { ($0.score, -$0.old, -$0.new) > ($1.score, -$1.old, -$1.new) })
        where sectionNewForOld[candidate.old] == nil && sectionOldForNew[candidate.new] == nil {
            pairSections(candidate.old, candidate.new)
        }
    }

    /// Pairs unmatched sections with equal keys, in document order.
    private mutating func pairSections(old: Revision, new: Revision, key: (Revision.SectionEntry) -> String?,
                                       accept: (Revision.SectionEntry, Revision.SectionEntry) -> Bool = { _, _ in true }) {
        var waiting: [String: [Int]] = [:]
        for n in new.sections.indices where sectionOldForNew[n] == nil {
            if let k = key(new.sections[n]) { waiting[k, default: []].append(n) }
        }
        for o in old.sections.indices where sectionNewForOld[o] == nil {
            guard let k = key(old.sections[o]), var queue = waiting[k], !queue.isEmpty else { continue }
            if let position = queue.firstIndex(where: { accept(old.sections[o], new.sections[$0]) }) {
                pairSections(o, queue.remove(at: position))
                waiting[k] = queue
            }
        }
    }

    private mutating func alignSectionsByContent(old: Revision, new: Revision) {
        var votes: [Int: [Int: Int]] = [:]
        for (o, n) in clauseNewForOld.enumerated() {
            guard let n, let oldSection = old.clauseSections[o], let newSection = new.clauseSections[n],
                  sectionNewForOld[oldSection] == nil, sectionOldForNew[newSection] == nil else { continue }
            votes[oldSection, default: [:]][newSection, default: 0] += 1
        }
        for oldSection in votes.keys.sorted() {
            guard let best = votes[oldSection]?.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
                  sectionOldForNew[best.key] == nil else { continue }
            let size = old.clauseSections.lazy.filter { $0 == oldSection }.count
            if best.value * 2 >= size { pairSections(oldSection, best.key) }
        }
    }

    // MARK: Clauses

    private func mappedSection(ofOld o: Int, old: Revision) -> Int? {
        old.clauseSections[o].flatMap { sectionNewForOld[$0] }
    }

    private mutating func alignExactClauses(old: Revision, new: Revision) {
        // Clauses with different keys never compete, so the keys are shared out by digest and each
        // share is matched on its own core, old clauses in document order: the pairs are the same as
        // from one pass over all of them.
        let shareCount = 4
        let (clauseOldForNew, clauseNewForOld) = (self.clauseOldForNew, self.clauseNewForOld)
        let target = old.clauses.indices.map { mappedSection(ofOld: $0, old: old) }
        let pairs = Array(0..<shareCount).concurrentChunks(of: 1) { shares -> [(old: Int, new: Int)] in
            let share = UInt64(shares.first!)
            // Unmatched new clauses chained by key digest, in document order: `heads` holds each chain's
            // first clause, `next` the one after (-1 at the end). A taken clause is unlinked.
            var heads: [UInt64: Int32] = [:]
            var next = [Int32](repeating: -1, count: new.clauses.count)
            for n in new.keyDigests.indices.reversed() where clauseOldForNew[n] == nil {
                let digest = new.keyDigests[n]
                guard digest % UInt64(shareCount) == share else { continue }
                next[n] = heads[digest] ?? -1
                heads[digest] = Int32(n)
            }
            var pairs: [(old: Int, new: Int)] = []
            var paired = Set<Int>()
            // A repeated clause ("Questions about this section? Write to privacy@…") pairs with its own
            // copy: first every clause whose section has a copy takes it, then the rest take the copy
            // nearest in position. One pass in document order let the first section without its copy
            // take the next section's, which took the next one's: a cascade of moves for one removal.
            for sameSectionOnly in [true, false] {
                for (o, digest) in old.keyDigests.enumerated() where digest % UInt64(shareCount) == share {
                    guard clauseNewForOld[o] == nil, !paired.contains(o), let head = heads[digest] else { continue }
                    if sameSectionOnly && target[o] == nil { continue }
                    let key = old.clauses[o].key
                    let position = Double(o) / Double(max(1, old.clauses.count))
                    var chosen: (clause: Int32, before: Int32, distance: Double)?
                    var before: Int32 = -1
                    var cursor = head
                    var scanned = 0
                    while cursor >= 0 {
                        let n = Int(cursor)
                        if new.clauses[n].key == key {
                            if sameSectionOnly {
                                if new.clauseSections[n] == target[o] {
                                    chosen = (cursor, before, 0)
                                    break
                                }
                            } else {
                                let distance = abs(Double(n) / Double(max(1, new.clauses.count)) - position)
                                if chosen == nil || distance < chosen!.distance { chosen = (cursor, before, distance) }
                                // Copies beyond a few hundred (a table's empty cells) take the nearest
                                // of the first ones: the chain is read in bounded time.
                                scanned += 1
                                if scanned >= Self.nearestCopyScan { break }
                            }
                        }
                        before = cursor
                        cursor = next[Int(cursor)]
                    }
                    guard let pick = chosen else { continue }
                    let after = next[Int(pick.clause)]
                    if pick.before < 0 {
                        heads[digest] = after < 0 ? nil : after
                    } else {
                        next[Int(pick.before)] = after
                    }
                    pairs.append((o, Int(pick.clause)))
                    paired.insert(o)
                }
            }
            return pairs
        }
        for pair in pairs { pairClauses(pair.old, pair.new) }
    }

    private mutating func alignSimilarClauses(old: Revision, new: Revision) {
        let unmatchedOld = old.clauses.indices.filter { clauseNewForOld[$0] == nil }
        let unmatchedNew = new.clauses.indices.filter { clauseOldForNew[$0] == nil }
        guard !unmatchedOld.isEmpty, !unmatchedNew.isEmpty else { return }
        let oldBags = Self.bags(unmatchedOld, in: old)
        let newBags = Self.bags(unmatchedNew, in: new)
        for (slot, o) in unmatchedOld.enumerated() { oldBagCache[o] = oldBags[slot] }
        for (slot, n) in unmatchedNew.enumerated() { newBagCache[n] = newBags[slot] }

        // Inverted index over the words of unmatched old clauses (by slot in `unmatchedOld`, so in
        // document order); words in too many clauses say nothing. "Too many" grows with the clauses
        // left unmatched, up to a bound: each new clause reads the lists of all its words, so without
        // one a revision that replaced every clause was quadratic (10 MB: 3.8 s to align, 0.2 s at 1 MB).
        var index: [Int: [Int32]] = [:]
        for (slot, bag) in oldBags.enumerated() {
            var previous: Int?
            for word in bag where word != previous {
                index[word, default: []].append(Int32(slot))
                previous = word
            }
        }
        let commonLimit = min(max(8, unmatchedOld.count / 10), Self.commonWordClauses)
        let oldTargets = unmatchedOld.map { mappedSection(ofOld: $0, old: old) }
        var sections: [Int: [Int32]] = [:]
        for (slot, target) in oldTargets.enumerated() { sections[target ?? -1, default: []].append(Int32(slot)) }
        let (postings, bySection) = (index, sections)

        // Each new clause is scored on its own: in chunks, on every core.
        let (similarity, crossSection) = (Self.similarityThreshold, Self.crossSectionThreshold)
        var candidates = Array(unmatchedNew.indices).concurrentChunks(of: 256) { slots in
            var shared = [Int32](repeating: 0, count: unmatchedOld.count)
            var touched: [Int32] = []
            var found: [(score: Double, old: Int, new: Int)] = []
            for slot in slots {
                let n = unmatchedNew[slot], bag = newBags[slot]
                var previous: Int?
                for word in bag where word != previous {
                    previous = word
                    guard let list = postings[word], list.count <= commonLimit else { continue }
                    for o in list {
                        if shared[Int(o)] == 0 { touched.append(o) }
                        shared[Int(o)] += 1
                    }
                }
                // The 12 sharing the most words (the earlier clause first on a tie).
                var pool: [Int32] = []
                for o in touched {
                    let count = shared[Int(o)]
                    var position = pool.count
                    while position > 0, shared[Int(pool[position - 1])] < count
                        || (shared[Int(pool[position - 1])] == count && pool[position - 1] > o) {
                        position -= 1
                    }
                    if position < 12 {
                        pool.insert(o, at: position)
                        if pool.count > 12 { pool.removeLast() }
                    }
                }
                for o in touched { shared[Int(o)] = 0 }
                touched.removeAll(keepingCapacity: true)
                let section = new.clauseSections[n]
                // Neighbours in the same section are candidates even when all their words are common ones.
                for o in (bySection[section ?? -1] ?? []).prefix(64) where !pool.contains(o) { pool.append(o) }
                for o in pool.map(Int.init) {
                    var score = TextNormalizer.similarity(oldBags[o], bag)
                    // A clause that stays in its section needs less evidence than one said to have moved away.
                    if oldTargets[o] == section {
                        score += 0.05
                    } else if score < crossSection {
                        continue
                    }
                    if score >= similarity { found.append((score, unmatchedOld[o], n)) }
                }
            }
            return found
        }
        candidates.sort { ($0.score, -$0.old, -$0.new) > ($1.score, -$1.old, -$1.new) }
        for candidate in candidates where clauseNewForOld[candidate.old] == nil && clauseOldForNew[candidate.new] == nil {
            pairClauses(candidate.old, candidate.new)
        }
    }

    /// Makes the bags of `indices` not yet made, on every core.
    private mutating func cacheBags(_ indices: [Int], in revision: Revision, old isOld: Bool) {
        let missing = indices.filter { (isOld ? oldBagCache[$0] : newBagCache[$0]) == nil }
        for (index, bag) in zip(missing, Self.bags(missing, in: revision)) {
            if isOld { oldBagCache[index] = bag } else { newBagCache[index] = bag }
        }
    }

    /// The word bags of the given clauses, made on every core (a few hundred clauses are already worth sharing out).
    private static func bags(_ indices: [Int], in revision: Revision) -> [[Int]] {
        indices.concurrentChunks(of: 32) { $0.map { TextNormalizer.wordBag(revision.clauses[$0].text) } }
    }

    /// A clause split in two (or two merged into one) whose words, joined, are the words of the other side.
    private mutating func findSplitsAndMerges(old: Revision, new: Revision) {
        findSplits(from: old, into: new, forward: true)
        findSplits(from: new, into: old, forward: false)
    }

    /// `forward`: old clauses split into consecutive new ones; otherwise the mirror image, merges.
    /// An unmatched clause beside a matched one is another part when the parts together read as the
    /// source; the group grows over further unmatched neighbours while it reads more like the source.
    private mutating func findSplits(from source: Revision, into target: Revision, forward: Bool) {
        func match(_ t: Int) -> Int? { (forward ? clauseOldForNew : clauseNewForOld)[t] }
        func sameSection(_ a: Int, _ b: Int) -> Bool {
            target.clauses.indices.contains(b) && target.clauseSections[a] == target.clauseSections[b]
        }
        // The bags the search below will want, made on every core first: each unmatched clause's
        // neighbours, the clauses they are matched with, and the bag of each such pair together.
        var partners: Set<Int> = [], sources: Set<Int> = [], pairs: Set<Int> = []
        for t in target.clauses.indices where match(t) == nil {
            for partner in [t - 1, t + 1] where sameSection(t, partner) {
                partners.insert(partner)
                if let s = match(partner) {
                    sources.insert(s)
                    pairs.insert(min(partner, t))
                }
            }
        }
        cacheBags(sources.sorted(), in: source, old: forward)
        cacheBags(partners.sorted(), in: target, old: !forward)
        @Sendable func makeJoinedBag(_ group: ClosedRange<Int>) -> [Int] {
            TextNormalizer.wordBag(group.map { target.clauses[$0].text }.joined(separator: " "))
        }
        let firstOfPair = pairs.sorted()
        let pairBags = Dictionary(uniqueKeysWithValues: zip(firstOfPair, firstOfPair.concurrentChunks(of: 32) {
            $0.map { makeJoinedBag($0...($0 + 1)) }
        }))
        func joinedBag(_ group: ClosedRange<Int>) -> [Int] {
            group.count == 2 ? pairBags[group.lowerBound] ?? makeJoinedBag(group) : makeJoinedBag(group)
        }
        for t in target.clauses.indices where match(t) == nil {
            var best: (score: Double, group: ClosedRange<Int>, source: Int)?
            for partner in [t - 1, t + 1] where sameSection(t, partner) {
                guard let s = match(partner) else { continue }
                let sourceBag = bag(s, in: source, old: forward)
                var group = min(partner, t)...max(partner, t)
                var score = TextNormalizer.similarity(sourceBag, joinedBag(group))
                let alone = TextNormalizer.similarity(sourceBag, bag(partner, in: target, old: !forward))
                // Grow over unmatched neighbours (a paragraph split in three) while that reads closer.
                while true {
                    let candidates = [group.lowerBound - 1, group.upperBound + 1].filter {
                        sameSection(t, $0) && match($0) == nil
                    }
                    let grown = candidates.map { next in
                        (next, TextNormalizer.similarity(sourceBag, joinedBag(min(next, group.lowerBound)...max(next, group.upperBound))))
                    }.max { $0.1 < $1.1 }
                    guard let grown, grown.1 > score else { break }
                    group = min(grown.0, group.lowerBound)...max(grown.0, group.upperBound)
                    score = grown.1
                }
                // The same words make the same bag, so only a perfect score can mean the same words.
                let sameWords = score == 1
                    && TextNormalizer.looseWords(group.map { target.clauses[$0].text }.joined(separator: " "))
                    == TextNormalizer.looseWords(source.clauses[s].text)
                guard sameWords || (score >= 0.8 && score > alone + 0.1), score > best?.score ?? 0 else { continue }
                best = (score, group, s)
            }
            guard let best else { continue }
            for member in best.group where match(member) == nil {
                if forward { clauseOldForNew[member] = best.source } else { clauseNewForOld[member] = best.source }
            }
            if forward {
                splits.append((old: best.source, new: Array(best.group)))
            } else {
                merges.append((old: Array(best.group), new: best.source))
            }
        }
    }
}
