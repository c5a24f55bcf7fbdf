import PolicyModel
import Synchronization

/// Decides the tier of one clause change and says why: the rule that fired and the words that triggered it.
/// When no editorial rule explains a change of words, it is material: under-notifying is the costly error.
struct Classifier {
    let options: DiffOptions
    let sensitiveWords: Set<String>
    /// How often each word occurs in both revisions, for telling typos from real words.
    let wordCounts: WordCounts

    init(options: DiffOptions, wordCounts: WordCounts) {
        self.options = options
        self.sensitiveWords = Set(options.sensitiveWords.map { $0.lowercased() })
        self.wordCounts = wordCounts
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
        let newWords = TextNormalizer.looseWords(new.text)
        if TextNormalizer.looseWords(of: old.text, equal: newWords) {
            classifyLinks(old: old, new: new, into: &verdict)
            verdict.raise(.editorial, "punctuation-or-case", describe(runs, oldTokens, newTokens))
            return verdict
        }
        // (Only where a changed word is a number: most reworded clauses change none.)
        if Self.changesNumbers(runs, oldTokens, newTokens),
           Self.numbersWritten(TextNormalizer.looseWords(old.text)) == Self.numbersWritten(newWords) {
            // `30 days` → `thirty (30) days`: the same words, numbers written another way.
            classifyLinks(old: old, new: new, into: &verdict)
            verdict.raise(.editorial, "equivalent-wording", describe(runs, oldTokens, newTokens))
            return verdict
        }

        var unexplained: [String] = []
        for (deleted, inserted) in changedRegions(runs, oldTokens, newTokens) {
            let deletedWords = deleted.filter(\.isWord)
            let insertedWords = inserted.filter(\.isWord)
            let detail = regionDetail(deleted, inserted)
            if isEquivalent(deleted, inserted) || isSameNumber(deletedWords, insertedWords) {
                verdict.raise(.editorial, "equivalent-wording", detail)
                continue
            }
            if !deletedWords.isEmpty, deletedWords.map({ $0.key.lowercased() }) == insertedWords.map({ $0.key.lowercased() }) {
                verdict.raise(.editorial, "punctuation-or-case", detail)
                continue
            }
            let before = triggerCount(verdict)
            checkTriggers(deletedWords, insertedWords, detail: detail, category: category, clauseWords: newWords,
                          into: &verdict)
            if triggerCount(verdict) > before { continue }
            if isSpellingFix(deletedWords, insertedWords) {
                verdict.raise(.editorial, "spelling", detail)
            } else if isDuplicatedWord(deletedWords, insertedWords, runs: runs, oldTokens, newTokens) {
                verdict.raise(.editorial, "duplicate-word", detail)
            } else if isGrammarFix(deletedWords, insertedWords) {
                verdict.raise(.editorial, "grammar", detail)
            } else if isNavigation(deletedWords + insertedWords) {
                verdict.raise(.editorial, "navigation-text", detail)
            } else if deletedWords.isEmpty && insertedWords.isEmpty {
                verdict.raise(.editorial, "punctuation-or-case", detail)
            } else {
                unexplained.append(detail)
            }
        }
        if !unexplained.isEmpty {
            verdict.raise(.material, "words-changed", unexplained.prefix(3).joined(separator: "; "))
        }
        // A typo fixed in a defining clause leaves the definition as it was; a change of meaning does not.
        if definesTerm, verdict.tier >= .material {
            verdict.raise(.material, "definition-changed", "the clause defines a term")
        }
        classifyLinks(old: old, new: new, into: &verdict)
        return verdict
    }

    static let editorialRules: Set<String> = ["spelling", "duplicate-word", "punctuation-or-case", "equivalent-wording",
                                              "grammar", "formatting", "link-same-host", "navigation-text"]

    private func triggerCount(_ verdict: Verdict) -> Int {
        verdict.reasons.filter { !Self.editorialRules.contains($0.rule) }.count
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
                               category: SectionCategory, clauseWords: [String], into verdict: inout Verdict) {
        // `clauseWords` is read by `contains`, a few times per trigger: a list is quicker made than a set.
        let deletedWords = deleted.map { $0.key.lowercased() }
        let insertedWords = inserted.map { $0.key.lowercased() }
        let all = deletedWords + insertedWords
        let hasNegation = all.contains(where: Vocabulary.negations.contains)

        if let word = all.first(where: Vocabulary.negations.contains) {
            verdict.raise(.material, "negation", "“\(word)”: \(detail)")
            // "We do not sell" → "We sell": a promise not to share or target, withdrawn.
            if deletedWords.contains(where: Vocabulary.negations.contains),
               !insertedWords.contains(where: Vocabulary.negations.contains) {
                if clauseWords.contains(where: Vocabulary.saleWords.contains)
                    || clauseWords.contains(where: Vocabulary.disclosureWords.contains) && category == .disclosure {
                    verdict.raise(.consent, "new-disclosure", "a promise not to share or sell was withdrawn: \(detail)")
                } else if clauseWords.contains(where: Vocabulary.newPurposeWords.contains) {
                    verdict.raise(.consent, "new-purpose", "a promise not to use data this way was withdrawn: \(detail)")
                }
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
        // Capitalised words name companies, products and places; a sentence's first "Our" or "We" does not,
        // nor does a word whose case alone changed ("Chatbots" → "chatbots").
        let insertedNames = inserted.filter { isName($0) && !deletedWords.contains($0.key.lowercased()) }
        if !insertedNames.isEmpty || deleted.contains(where: { isName($0) && !insertedWords.contains($0.key.lowercased()) }) {
            verdict.raise(.material, "named-party", detail)
            if !insertedNames.isEmpty, !hasNegation, clauseWords.contains(where: Vocabulary.adTechWords.contains) {
                verdict.raise(.consent, "new-disclosure", "a new party in a clause about advertising: \(detail)")
            }
        }
        if let word = all.first(where: sensitiveWords.contains) {
            verdict.raise(.material, "sensitive-word", "“\(word)”: \(detail)")
        }
        // Consent: adverse to Users. Only words that come (or go) without a negation beside them count.
        if !hasNegation {
            if let word = insertedWords.first(where: Vocabulary.saleWords.contains) {
                verdict.raise(.consent, "new-disclosure", "“\(word)” added: \(detail)")
            } else if category == .disclosure, let word = insertedWords.first(where: Vocabulary.disclosureWords.contains),
                      insertedWords.contains(where: Vocabulary.adTechWords.contains) || insertedWords.contains("partners") {
                verdict.raise(.consent, "new-disclosure", "“\(word)” added: \(detail)")
            }
            if let word = insertedWords.first(where: Vocabulary.newPurposeWords.contains),
               !deletedWords.contains(where: Vocabulary.newPurposeWords.contains) {
                verdict.raise(.consent, "new-purpose", "“\(word)” added: \(detail)")
            }
            if let word = deletedWords.first(where: Vocabulary.rightWords.contains),
               !insertedWords.contains(where: Vocabulary.rightWords.contains),
               category == .rights || clauseWords.contains("right") || clauseWords.contains("rights") {
                verdict.raise(.consent, "right-removed", "“\(word)” removed: \(detail)")
            }
            if let word = deletedWords.first(where: Vocabulary.consentWords.contains),
               !insertedWords.contains(where: Vocabulary.consentWords.contains) {
                verdict.raise(.consent, "consent-dropped", "“\(word)” removed: \(detail)")
            }
        }
    }

    private func isName(_ token: WordToken) -> Bool {
        guard token.key.first?.isUppercase == true, !Vocabulary.navigationWords.contains(token.key.lowercased()) else {
            return false
        }
        let lowered = token.key.lowercased()
        return !Vocabulary.modals.contains(lowered) && !Vocabulary.commonCapitalised.contains(lowered)
    }

    /// Words replaced by near spellings of themselves: `recieve` → `receive`, `you` → `your`.
    /// One of the two must be a one-off in both revisions, as a typo is: `store` → `share` are both real
    /// words the policy uses, and that is a change of meaning.
    private func isSpellingFix(_ deleted: [WordToken], _ inserted: [WordToken]) -> Bool {
        guard deleted.count == inserted.count, !deleted.isEmpty else { return false }
        for (a, b) in zip(deleted, inserted) {
            let x = Array(a.key.lowercased().unicodeScalars), y = Array(b.key.lowercased().unicodeScalars)
            guard min(x.count, y.count) >= 3, max(x.count, y.count) <= 40, !Vocabulary.isNumber(a.key),
                  !Vocabulary.isNumber(b.key) else { return false }
            let allowed = min(x.count, y.count) >= 5 ? 2 : 1
            guard abs(x.count - y.count) <= allowed, editDistance(x, y) <= allowed else { return false }
            guard wordCounts.isRare(a.key.lowercased()) || wordCounts.isRare(b.key.lowercased()) else { return false }
        }
        return true
    }

    /// `&` ↔ `and`, `solely` ↔ `only`: the same words in another spelling.
    private func isEquivalent(_ deleted: [WordToken], _ inserted: [WordToken]) -> Bool {
        let before = deleted.filter { !$0.isSpace }.map { $0.key.lowercased() }.joined(separator: " ")
        let after = inserted.filter { !$0.isSpace }.map { $0.key.lowercased() }.joined(separator: " ")
        return Vocabulary.equivalents.contains { $0.contains(before) && $0.contains(after) && before != after }
    }

    private static func changesNumbers(_ runs: [MyersDiff.Run], _ old: [WordToken], _ new: [WordToken]) -> Bool {
        func isNumber(_ token: WordToken) -> Bool { token.isWord && Vocabulary.value(token.key.lowercased()) != nil }
        return runs.contains { run in
            switch run.operation {
            case .equal: false
            case .delete: old[run.oldRange].contains(where: isNumber)
            case .insert: new[run.newRange].contains(where: isNumber)
            }
        }
    }

    /// Loose words with every number as its value, and a number repeated right after itself (`thirty (30)`,
    /// the drafting habit) written once.
    private static func numbersWritten(_ words: [String]) -> [String] {
        var result: [String] = []
        for word in words {
            let written = Vocabulary.value(word).map { "#\($0)" } ?? word
            if written.hasPrefix("#"), result.last == written { continue }
            result.append(written)
        }
        return result
    }

    /// `30` ↔ `thirty`, `30` ↔ `thirty (30)`: the same number, in digits or in words. Every word on both
    /// sides must be a number, and both sides the same numbers.
    private func isSameNumber(_ deleted: [WordToken], _ inserted: [WordToken]) -> Bool {
        func values(_ words: [WordToken]) -> Set<Double>? {
            var values: Set<Double> = []
            for word in words {
                guard let value = Vocabulary.value(word.key.lowercased()) else { return nil }
                values.insert(value)
            }
            return values.isEmpty ? nil : values
        }
        guard let before = values(deleted), let after = values(inserted) else { return false }
        return before == after
    }

    /// "Learn more.", "Click here": words that point the reader elsewhere and promise nothing.
    private func isNavigation(_ words: [WordToken]) -> Bool {
        !words.isEmpty && words.allSatisfy { Vocabulary.navigationWords.contains($0.key.lowercased()) }
    }

    /// Only articles and prepositions came, or only went ("violate of" → "violate"). A swap of one for
    /// another ("from" → "for") is not grammar: it can reverse who gets the data.
    private func isGrammarFix(_ deleted: [WordToken], _ inserted: [WordToken]) -> Bool {
        guard deleted.isEmpty != inserted.isEmpty else { return false }
        let words = (deleted + inserted).map { $0.key.lowercased() }
        return words.count <= 2 && words.allSatisfy(Vocabulary.functionWords.contains)
    }

    /// "the the" → "the": a word removed (or added) next to an identical one.
    private func isDuplicatedWord(_ deleted: [WordToken], _ inserted: [WordToken], runs: [MyersDiff.Run],
                                  _ old: [WordToken], _ new: [WordToken]) -> Bool {
        let changed = deleted.isEmpty ? inserted : deleted
        guard (deleted.isEmpty || inserted.isEmpty), changed.count == 1, let word = changed.first?.key.lowercased() else {
            return false
        }
        return hasDoubled(word, in: deleted.isEmpty ? new : old) || hasDoubled(word, in: deleted.isEmpty ? old : new)
    }

    /// Whether two words in a row of `tokens` are `word` (lowercased), read in place: lists of every
    /// lowercased word of both sides cost more than the rest of classifying the clause.
    private func hasDoubled(_ word: String, in tokens: [WordToken]) -> Bool {
        var previousMatches = false
        for token in tokens where token.isWord {
            let matches = Self.lowercases(token.key, to: word)
            if matches, previousMatches { return true }
            previousMatches = matches
        }
        return false
    }

    /// `key.lowercased() == lowered`, without making the lowercased copy when `key` is ASCII.
    private static func lowercases(_ key: String, to lowered: String) -> Bool {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else { return key.lowercased() == lowered }
        return key.utf8.count == lowered.utf8.count && zip(key.utf8, lowered.utf8).allSatisfy { byte, lowerByte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == lowerByte : byte == lowerByte
        }
    }

    /// Edit distance counting a swap of neighbouring letters as one edit (optimal string alignment).
    private func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    /// Links: a target that keeps its place (`place`), or link text that changes while the target does
    /// not, is editorial; a link that goes somewhere else is material, and the reason names where.
    private func classifyLinks(old: Clause, new: Clause, into verdict: inout Verdict) {
        let before = linkTargets(old.inlines), after = linkTargets(new.inlines)
        guard before != after else { return }
        let placesBefore = Set(before.map(place)), placesAfter = Set(after.map(place))
        if placesBefore == placesAfter {
            verdict.raise(.editorial, "link-same-host", "link target changed on the same host")
        } else {
            let added = describe(placesAfter.subtracting(placesBefore))
            let removed = describe(placesBefore.subtracting(placesAfter))
            verdict.raise(.material, "link-host-changed", added.isEmpty ? "links no longer point to \(removed)"
                          : "links now point to \(added)" + (removed.isEmpty ? "" : " instead of \(removed)"))
        }
    }

    /// Link targets, including those of raw HTML anchors (`<a href="…">` rewritten as Markdown is no new link).
    private func linkTargets(_ inlines: [Inline]) -> [String] {
        var targets: [String] = []
        Inline.forEach(in: inlines) { inline in
            switch inline {
            case .link(let destination, _, _):
                targets.append(destination)
            case .html(let html):
                if let start = html.firstRange(of: "href=\""), let end = html[start.upperBound...].firstIndex(of: "\"") {
                    targets.append(String(html[start.upperBound..<end]))
                }
            default:
                break
            }
        }
        return targets
    }

    /// Where a link takes the reader: the host of a URL (`//host/…` too), the domain of a `mailto:`
    /// address, the whole target of any other scheme (`tel:`, `javascript:`, whose targets have no host to
    /// share), and "" for a relative link, a page of the policy's own site.
    private func place(_ destination: String) -> String {
        let authority: Substring
        if let schemeEnd = destination.firstRange(of: "://") {
            authority = destination[schemeEnd.upperBound...]
        } else if destination.hasPrefix("//") {
            authority = destination.dropFirst(2)
        } else if destination.lowercased().hasPrefix("mailto:") {
            return String(destination.split(separator: "@").last ?? "").lowercased()
        } else {
            return Self.hasScheme(destination) ? destination : ""
        }
        return String(authority.prefix { $0 != "/" && $0 != "?" && $0 != "#" }).lowercased()
    }

    /// Whether a link target starts with a URI scheme (RFC 3986: a letter, then letters, digits, `+`, `-`
    /// or `.`, then `:`).
    private static func hasScheme(_ destination: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }
        let utf8 = destination.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), let first = utf8.first, isLetter(first) else {
            return false
        }
        return utf8[..<colon].allSatisfy { byte in
            isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
        }
    }

    /// Places as a reason names them, in order; a relative link's is the policy's own site.
    private func describe(_ places: Set<String>) -> String {
        places.map { $0.isEmpty ? "this site's own pages" : $0 }.sorted().joined(separator: ", ")
    }

    // MARK: Added and removed clauses

    func classifyAdded(_ clause: Clause, category: SectionCategory) -> Verdict {
        if let hidden = hiddenMarkup(clause, "added") ?? wordless(clause, "added") { return hidden }
        var verdict = Verdict(tier: .material, reasons: [])
        let quoted = excerpt(Self.shown(clause))
        let rule = clause.kind == .listItem ? "list-item-added" : "clause-added"
        verdict.raise(.material, rule, "“\(quoted)”")
        // The words in clause order name the trigger, so the same clause always reports the same word.
        let wordList = TextNormalizer.looseWords(clause.text)
        let words = Set(wordList)
        let negated = words.contains(where: Vocabulary.negations.contains)
        if !negated, words.contains(where: Vocabulary.saleWords.contains) {
            verdict.raise(.consent, "new-disclosure", "a sale of personal data: “\(quoted)”")
        } else if !negated, category == .use, let word = wordList.first(where: Vocabulary.newPurposeWords.contains) {
            verdict.raise(.consent, "new-purpose", "“\(word)”: “\(quoted)”")
        } else if !negated, words.contains(where: Vocabulary.adTechWords.contains),
                  words.contains(where: Vocabulary.disclosureWords.contains) || category == .disclosure
                    || words.contains("third") || words.contains("vendor") || words.contains("vendors") {
            verdict.raise(.consent, "new-disclosure", "personal data shared for advertising: “\(quoted)”")
        } else if !negated, category == .disclosure, words.contains("partners") || words.contains("affiliates") {
            verdict.raise(.consent, "new-disclosure", "a new recipient of personal data: “\(quoted)”")
        } else if !negated, category == .use || category == .collection || category == .disclosure,
                  let word = wordList.first(where: Vocabulary.newPurposeWords.contains) {
            verdict.raise(.consent, "new-purpose", "“\(word)”: “\(quoted)”")
        }
        return verdict
    }

    func classifyRemoved(_ clause: Clause, category: SectionCategory) -> Verdict {
        if let hidden = hiddenMarkup(clause, "removed") ?? wordless(clause, "removed") { return hidden }
        var verdict = Verdict(tier: .material, reasons: [])
        let quoted = excerpt(Self.shown(clause))
        let rule = clause.kind == .listItem ? "list-item-removed" : "clause-removed"
        verdict.raise(.material, rule, "“\(quoted)”")
        // A right removed from where rights are listed needs consent; a practice removed together with
        // its opt-out elsewhere narrows what is done, and is material only.
        if category == .rights {
            verdict.raise(.consent, "right-removed", "“\(quoted)”")
        }
        return verdict
    }

    /// An HTML comment or a named anchor that came or went: readers never see one (`HTMLText.isHidden`).
    private func hiddenMarkup(_ clause: Clause, _ change: String) -> Verdict? {
        guard clause.text.isEmpty, let html = clause.htmlSource, HTMLText.isHidden(html) else { return nil }
        return Verdict(tier: .editorial, reasons: [Reason(rule: "hidden-markup", detail: "\(change) “\(excerpt(Self.shown(clause)))”")])
    }

    /// A clause without a word (a table row of empty cells, a line of dashes) that came or went says
    /// nothing. An HTML block without words may still show something: it is not this.
    private func wordless(_ clause: Clause, _ change: String) -> Verdict? {
        // An ASCII letter or digit is a word; only a clause without one is read for words beyond ASCII.
        func isLetterOrDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard clause.kind != .html, !clause.text.isEmpty, !clause.text.utf8.contains(where: isLetterOrDigit),
              TextNormalizer.looseWords(clause.text).isEmpty else { return nil }
        return Verdict(tier: .editorial, reasons: [Reason(rule: "formatting", detail: "\(change) “\(excerpt(clause.text))”, which has no words")])
    }

    /// A clause's words as a reason quotes them; an HTML block that shows none is quoted by its markup,
    /// on one line.
    static func shown(_ clause: Clause) -> String {
        guard clause.text.isEmpty, let html = clause.htmlSource else { return clause.text }
        return html.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: Details

    private func regionDetail(_ deleted: [WordToken], _ inserted: [WordToken]) -> String {
        let before = deleted.map(\.text).joined().trimmingSpaces
        let after = inserted.map(\.text).joined().trimmingSpaces
        switch (before.isEmpty, after.isEmpty) {
        case (true, true): return "spacing"
        case (true, _): return "added “\(excerpt(after))”"
        case (_, true): return "removed “\(excerpt(before))”"
        default: return "“\(excerpt(before))” → “\(excerpt(after))”"
        }
    }

    func describe(_ runs: [MyersDiff.Run], _ old: [WordToken], _ new: [WordToken]) -> String {
        var details: [String] = []
        for region in changedRegions(runs, old, new) where details.count < 3 {
            let detail = regionDetail(region.deleted, region.inserted)
            if !details.contains(detail) { details.append(detail) }
        }
        return details.joined(separator: "; ")
    }

    func excerpt(_ text: String, limit: Int = 80) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}

/// Word frequencies over both revisions, counted on first use: only a spelling candidate needs them.
final class WordCounts: Sendable {
    private let revisions: [Revision]
    private let counts = Mutex<[String: Int]?>(nil)

    init(revisions: [Revision]) {
        self.revisions = revisions
    }

    /// A word that occurs at most once in both revisions together: what a typo looks like.
    func isRare(_ word: String) -> Bool {
        counts.withLock { counts in
            if counts == nil {
                var table: [String: Int] = [:]
                for revision in revisions {
                    for clause in revision.clauses {
                        for word in TextNormalizer.looseWords(clause.text) { table[word, default: 0] += 1 }
                    }
                }
                counts = table
            }
            return (counts?[word] ?? 0) <= 1
        }
    }
}
