import PolicyModel

/// Decides the tier of one clause change and says why: the rule that fired and the words that triggered it.
/// When no editorial rule explains a change of words, it is material: under-notifying is the costly error.
struct Classifier {
    let options: DiffOptions
    let sensitiveWords: Set<String>

    init(options: DiffOptions) {
        self.options = options
        self.sensitiveWords = Set(options.sensitiveWords.map { $0.lowercased() })
    }

    struct Verdict {
        var tier: Tier
        var reasons: [Reason]

        mutating func raise(_ tier: Tier, _ rule: String, _ detail: String) {
            if tier > self.tier { self.tier = tier }
            if !reasons.contains(where: { $0.rule == rule && $0.detail == detail }) {
                reasons.append(Reason(rule: rule, detail: detail))
            }
        }
    }

    // MARK: Modified clauses

    /// A clause whose words changed. `runs` is the word diff over `oldTokens`/`newTokens`.
    func classifyModified(old: Clause, new: Clause, oldTokens: [WordToken], newTokens: [WordToken],
                          runs: [MyersDiff.Run], category: SectionCategory, definesTerm: Bool) -> Verdict {
        var verdict = Verdict(tier: .editorial, reasons: [])
        if TextNormalizer.exactKey(old.text) == TextNormalizer.exactKey(new.text) {
            classifyLinks(old: old, new: new, into: &verdict)
            if verdict.reasons.isEmpty { verdict.raise(.editorial, "formatting", "only markup, spacing, quotes or dashes changed") }
            return verdict
        }
        if TextNormalizer.looseWords(old.text) == TextNormalizer.looseWords(new.text) {
            classifyLinks(old: old, new: new, into: &verdict)
            verdict.raise(.editorial, "punctuation-or-case", describe(runs, oldTokens, newTokens))
            return verdict
        }

        var unexplained: [String] = []
        for (deleted, inserted) in changedRegions(runs, oldTokens, newTokens) {
            let deletedWords = deleted.filter(\.isWord)
            let insertedWords = inserted.filter(\.isWord)
            let detail = regionDetail(deleted, inserted)
            let before = triggerCount(verdict)
            checkTriggers(deletedWords, insertedWords, detail: detail, category: category, clauseText: new.text,
                          into: &verdict)
            if triggerCount(verdict) > before { continue }
            if isSpellingFix(deletedWords, insertedWords) {
                verdict.raise(.editorial, "spelling", detail)
            } else if isDuplicatedWord(deletedWords, insertedWords, runs: runs, oldTokens, newTokens) {
                verdict.raise(.editorial, "duplicate-word", detail)
            } else if deletedWords.isEmpty && insertedWords.isEmpty {
                verdict.raise(.editorial, "punctuation-or-case", detail)
            } else {
                unexplained.append(detail)
            }
        }
        if !unexplained.isEmpty {
            verdict.raise(.material, "words-changed", unexplained.prefix(3).joined(separator: "; "))
        }
        if definesTerm {
            verdict.raise(.material, "definition-changed", "the clause defines a term")
        }
        classifyLinks(old: old, new: new, into: &verdict)
        return verdict
    }

    private func triggerCount(_ verdict: Verdict) -> Int {
        verdict.reasons.filter { $0.rule != "spelling" && $0.rule != "duplicate-word" && $0.rule != "punctuation-or-case" }.count
    }

    /// Pairs of (deleted tokens, inserted tokens), one per changed region of the word diff.
    private func changedRegions(_ runs: [MyersDiff.Run], _ old: [WordToken],
                                _ new: [WordToken]) -> [(deleted: [WordToken], inserted: [WordToken])] {
        var regions: [(deleted: [WordToken], inserted: [WordToken])] = []
        var deleted: [WordToken] = []
        var inserted: [WordToken] = []
        func flush() {
            if !deleted.isEmpty || !inserted.isEmpty { regions.append((deleted, inserted)) }
            deleted = []
            inserted = []
        }
        for run in runs {
            switch run.operation {
            case .equal:
                // A lone space between two changes does not separate them.
                if run.oldRange.count == 1, old[run.oldRange.lowerBound].isSpace {
                    if !deleted.isEmpty { deleted.append(old[run.oldRange.lowerBound]) }
                    if !inserted.isEmpty { inserted.append(old[run.oldRange.lowerBound]) }
                    continue
                }
                flush()
            case .delete: deleted += old[run.oldRange]
            case .insert: inserted += new[run.newRange]
            }
        }
        flush()
        return regions
    }

    private func checkTriggers(_ deleted: [WordToken], _ inserted: [WordToken], detail: String,
                               category: SectionCategory, clauseText: String, into verdict: inout Verdict) {
        let deletedWords = deleted.map { $0.key.lowercased() }
        let insertedWords = inserted.map { $0.key.lowercased() }
        let all = deletedWords + insertedWords
        let clauseWords = Set(TextNormalizer.looseWords(clauseText))

        if let word = all.first(where: Vocabulary.negations.contains) {
            verdict.raise(.material, "negation", "“\(word)”: \(detail)")
            if deletedWords.contains(where: Vocabulary.negations.contains),
               clauseWords.contains(where: Vocabulary.disclosureWords.contains) {
                verdict.raise(.consent, "new-disclosure", "a negation was removed from a clause about sharing: \(detail)")
            }
        }
        if all.contains(where: Vocabulary.modals.contains) {
            verdict.raise(.material, "modal", detail)
        }
        if all.contains(where: Vocabulary.quantifiers.contains) {
            verdict.raise(.material, "quantifier", detail)
        }
        if all.contains(where: Vocabulary.isNumber) {
            verdict.raise(.material, "number", detail)
            let oldValues = deletedWords.compactMap(Vocabulary.value)
            let newValues = insertedWords.compactMap(Vocabulary.value)
            let aboutRetention = category == .retention || clauseWords.contains(where: Vocabulary.retentionWords.contains)
            if aboutRetention, let before = oldValues.max(), let after = newValues.max(), after > before {
                verdict.raise(.consent, "retention-extended", detail)
            }
        }
        if all.contains(where: Vocabulary.places.contains) {
            verdict.raise(.material, "place", detail)
        }
        let names = (deleted + inserted).filter { token in
            token.key.first?.isUppercase == true && !Vocabulary.modals.contains(token.key.lowercased())
        }
        if !names.isEmpty {
            verdict.raise(.material, "named-party", detail)
        }
        if let word = all.first(where: sensitiveWords.contains) {
            verdict.raise(.material, "sensitive-word", "“\(word)”: \(detail)")
        }
        // Consent: adverse to Users.
        if let word = insertedWords.first(where: Vocabulary.disclosureWords.contains) {
            verdict.raise(.consent, "new-disclosure", "“\(word)” added: \(detail)")
        }
        if let word = insertedWords.first(where: Vocabulary.newPurposeWords.contains) {
            verdict.raise(.consent, "new-purpose", "“\(word)” added: \(detail)")
        }
        if let word = deletedWords.first(where: Vocabulary.rightWords.contains), category == .rights || clauseWords.contains("right") || clauseWords.contains("rights") {
            verdict.raise(.consent, "right-removed", "“\(word)” removed: \(detail)")
        }
        if let word = deletedWords.first(where: Vocabulary.consentWords.contains) {
            verdict.raise(.consent, "consent-dropped", "“\(word)” removed: \(detail)")
        }
    }

    /// One word replaced by a near spelling of itself: `recieve` → `receive`.
    private func isSpellingFix(_ deleted: [WordToken], _ inserted: [WordToken]) -> Bool {
        guard deleted.count == inserted.count, !deleted.isEmpty else { return false }
        for (a, b) in zip(deleted, inserted) {
            let x = Array(a.key.lowercased().unicodeScalars), y = Array(b.key.lowercased().unicodeScalars)
            guard min(x.count, y.count) >= 4, !Vocabulary.isNumber(a.key), !Vocabulary.isNumber(b.key) else { return false }
            let distance = editDistance(x, y)
            guard distance <= 2, distance * 4 <= max(x.count, y.count) else { return false }
        }
        return true
    }

    /// "the the" → "the": a word removed (or added) next to an identical one.
    private func isDuplicatedWord(_ deleted: [WordToken], _ inserted: [WordToken], runs: [MyersDiff.Run],
                                  _ old: [WordToken], _ new: [WordToken]) -> Bool {
        let changed = deleted.isEmpty ? inserted : deleted
        guard (deleted.isEmpty || inserted.isEmpty), changed.count == 1, let word = changed.first?.key.lowercased() else {
            return false
        }
        let side = deleted.isEmpty ? new : old
        let words = side.filter(\.isWord).map { $0.key.lowercased() }
        for index in words.indices.dropFirst() where words[index] == word && words[index - 1] == word { return true }
        let otherSide = deleted.isEmpty ? old : new
        let otherWords = otherSide.filter(\.isWord).map { $0.key.lowercased() }
        for index in otherWords.indices.dropFirst() where otherWords[index] == word && otherWords[index - 1] == word {
            return true
        }
        return false
    }

    private func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// Links: a target that keeps its host, or link text that changes while the target does not, is editorial.
    private func classifyLinks(old: Clause, new: Clause, into verdict: inout Verdict) {
        let before = linkTargets(old.inlines), after = linkTargets(new.inlines)
        guard before != after else { return }
        let hostsBefore = Set(before.map(host)), hostsAfter = Set(after.map(host))
        if hostsBefore == hostsAfter {
            verdict.raise(.editorial, "link-same-host", "link target changed on the same host")
        } else {
            let added = hostsAfter.subtracting(hostsBefore).sorted().joined(separator: ", ")
            let removed = hostsBefore.subtracting(hostsAfter).sorted().joined(separator: ", ")
            verdict.raise(.material, "link-host-changed", "links now point to \(added.isEmpty ? "fewer hosts" : added)"
                          + (removed.isEmpty ? "" : " instead of \(removed)"))
        }
    }

    private func linkTargets(_ inlines: [Inline]) -> [String] {
        var targets: [String] = []
        Inline.forEach(in: inlines) { if case .link(let destination, _, _) = $0 { targets.append(destination) } }
        return targets
    }

    private func host(_ destination: String) -> String {
        guard let schemeEnd = destination.firstRange(of: "://") else {
            return destination.hasPrefix("mailto:") ? String(destination.split(separator: "@").last ?? "") : ""
        }
        let rest = destination[schemeEnd.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }).lowercased()
    }

    // MARK: Added and removed clauses

    func classifyAdded(_ clause: Clause, category: SectionCategory) -> Verdict {
        var verdict = Verdict(tier: .material, reasons: [])
        let rule = clause.kind == .listItem ? "list-item-added" : "clause-added"
        verdict.raise(.material, rule, "“\(excerpt(clause.text))”")
        let words = Set(TextNormalizer.looseWords(clause.text))
        if category == .disclosure || words.contains(where: ["sell", "sells", "sale", "share", "shares", "disclose"].contains) {
            verdict.raise(.consent, "new-disclosure", "a new way personal data is shared: “\(excerpt(clause.text))”")
        } else if category == .use || category == .collection,
                  let word = words.first(where: Vocabulary.newPurposeWords.contains) {
            verdict.raise(.consent, "new-purpose", "“\(word)”: “\(excerpt(clause.text))”")
        }
        return verdict
    }

    func classifyRemoved(_ clause: Clause, category: SectionCategory) -> Verdict {
        var verdict = Verdict(tier: .material, reasons: [])
        let rule = clause.kind == .listItem ? "list-item-removed" : "clause-removed"
        verdict.raise(.material, rule, "“\(excerpt(clause.text))”")
        let words = Set(TextNormalizer.looseWords(clause.text))
        if category == .rights || words.contains("right") || words.contains("rights") || words.contains("opt") {
            verdict.raise(.consent, "right-removed", "“\(excerpt(clause.text))”")
        }
        if let word = words.first(where: Vocabulary.consentWords.contains) {
            verdict.raise(.consent, "consent-dropped", "“\(word)” in “\(excerpt(clause.text))”")
        }
        return verdict
    }

    // MARK: Details

    private func regionDetail(_ deleted: [WordToken], _ inserted: [WordToken]) -> String {
        let before = deleted.map(\.text).joined().trimmingSpaces
        let after = inserted.map(\.text).joined().trimmingSpaces
        switch (before.isEmpty, after.isEmpty) {
        case (true, _): return "added “\(excerpt(after))”"
        case (_, true): return "removed “\(excerpt(before))”"
        default: return "“\(excerpt(before))” → “\(excerpt(after))”"
        }
    }

    func describe(_ runs: [MyersDiff.Run], _ old: [WordToken], _ new: [WordToken]) -> String {
        changedRegions(runs, old, new).prefix(3).map { regionDetail($0.deleted, $0.inserted) }.joined(separator: "; ")
    }

    func excerpt(_ text: String, limit: Int = 80) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
