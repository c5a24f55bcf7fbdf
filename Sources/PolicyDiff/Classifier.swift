import PolicyModel
import Synchronization

/// Decides the tier of one clause change and says why: the rule that fired and the words that triggered it.
/// When no editorial rule explains a change of words, it is material: under-notifying is the costly error.
struct Classifier {
    let options: DiffOptions
    /// The built-in lexicons with the project's additions (`diff.lexicon`).
    let vocabulary: Vocabulary
    let sensitiveWords: Set<String>
    /// How often each word occurs in both revisions, for telling typos from real words.
    let wordCounts: WordCounts

    /// Each word of a name of `DiffOptions.sameParties` (lowercased) → the group it belongs to.
    let partyGroups: [String: Int]

    init(options: DiffOptions, wordCounts: WordCounts) {
        self.options = options
        vocabulary = options.lexicon.isEmpty ? .standard : Vocabulary(extensions: options.lexicon)
        self.sensitiveWords = Set(options.sensitiveWords.map { $0.lowercased() })
        self.wordCounts = wordCounts
        var groups: [String: Int] = [:]
        for (index, names) in options.sameParties.enumerated() {
            for name in names { groups[TextNormalizer.looseWords(name).joined(separator: " "), default: index] = index }
        }
        partyGroups = groups
    }

    struct Verdict {
        var tier: Tier
        var reasons: [Reason]
        /// The changed span each reason is about (nil for the clause as a whole), parallel to `reasons`.
        private var spans: [String?] = []

        init(tier: Tier, reasons: [Reason]) {
            self.tier = tier
            self.reasons = reasons
            spans = Array(repeating: nil, count: reasons.count)
        }

        /// The span of the first reason of `rule`, if it has one.
        func span(ofRule rule: String) -> String? {
            reasons.indices.first { reasons[$0].rule == rule }.flatMap { spans[$0] }
        }

        /// One reason per changed span: a span already explained by a stronger rule keeps that reason
        /// (the tier still rises); a stronger rule replaces a weaker one's.
        mutating func raise(span: String? = nil, _ tier: Tier, _ rule: String, _ detail: String) {
            if tier > self.tier { self.tier = tier }
            if let span, let index = spans.firstIndex(of: span) {
                if RuleCatalog.strength(rule) < RuleCatalog.strength(reasons[index].rule) {
                    reasons[index] = Reason(rule: rule, detail: detail)
                }
                return
            }
            if !reasons.contains(where: { $0.rule == rule && $0.detail == detail }) {
                reasons.append(Reason(rule: rule, detail: detail))
                spans.append(span)
            }
        }
    }

    // MARK: Modified clauses

    /// The editorial rules of `Rules/`, in the order a changed region is put to them: these before the
    /// material triggers, which they keep from misreading a spelling or a linking word…
    static let rulesBeforeTriggers: [any RegionRule.Type] = [
        EncodingRepairedRule.self, EquivalentWordingRule.self, SamePartyRule.self, LegalFormRule.self, ReferenceRenumberedRule.self, CompoundSpellingRule.self,
        SentenceSplitRule.self, ConnectiveRule.self, DuplicateWordRule.self, PunctuationOrCaseRule.self, VoiceRule.self,
    ]
    /// Between the two, the triggers (`Triggers/`), in the order their reasons are raised.
    static let regionTriggers: [any RegionTrigger.Type] = [
        NegationTrigger.self, ModalTrigger.self, QuantifierTrigger.self, NumberTrigger.self, PlaceTrigger.self,
        NamedPartyTrigger.self, SensitiveWordTrigger.self, NewDisclosureTrigger.self, NewPurposeTrigger.self,
        RightRemovedTrigger.self, ConsentDroppedTrigger.self,
    ]
    /// …and these after, for a region that holds no trigger word (a near spelling that is a number is no typo).
    static let rulesAfterTriggers: [any RegionRule.Type] = [SpellingRule.self, GrammarRule.self, NavigationTextRule.self]

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

        if onlyReferencesChanged(old.text, newWords) {
            classifyLinks(old: old, new: new, into: &verdict)
            verdict.raise(.editorial, "reference-renumbered", describe(runs, oldTokens, newTokens))
            return verdict
        }
        if old.kind == .listItem, new.kind == .listItem, Self.onlyListConjunction(old.text, newWords) {
            classifyLinks(old: old, new: new, into: &verdict)
            verdict.raise(.editorial, "list-conjunction", describe(runs, oldTokens, newTokens))
            return verdict
        }
        var unexplained: [String] = []
        if Self.sameSentences(old.text, new.text) {
            classifyLinks(old: old, new: new, into: &verdict)
            verdict.raise(.editorial, "sentences-reordered", "the same sentences in another order")
            return verdict
        }
        // Counted only where a negation went: most reworded clauses drop none.
        let oldText = old.text
        let negations: @Sendable () -> (old: Int, new: Int) = {
            (TextNormalizer.looseWords(oldText).filter(vocabulary.negations.contains).count,
             newWords.filter(vocabulary.negations.contains).count)
        }
        let context = RegionContext(vocabulary: vocabulary, wordCounts: wordCounts, partyGroups: partyGroups, runs: runs,
                                    oldTokens: oldTokens, newTokens: newTokens)
        let triggerContext = TriggerContext(classifier: self, category: category, clauseWords: newWords,
                                            clauseTexts: (old.text, new.text), newTokens: newTokens, clauseNegations: negations)
        for (deleted, inserted, wordBefore) in changedRegions(runs, oldTokens, newTokens) {
            let region = ChangedRegion(deleted: deleted, inserted: inserted, wordBefore: wordBefore)
            let detail = regionDetail(deleted, inserted)
            // Before the triggers: "thirdparty" → "third party" is no new number, "Furthermore, we" no new name.
            if let rule = Self.rulesBeforeTriggers.first(where: { $0.explains(region, context) }) {
                verdict.raise(.editorial, rule.id, detail)
                continue
            }
            let before = triggerCount(verdict)
            let triggerRegion = TriggerRegion(deleted: region.deletedWords, inserted: region.insertedWords, detail: detail,
                                              wordBefore: region.wordBefore, vocabulary: vocabulary)
            for trigger in Self.regionTriggers { trigger.check(triggerRegion, triggerContext, into: &verdict) }
            if triggerCount(verdict) > before { continue }
            if let rule = Self.rulesAfterTriggers.first(where: { $0.explains(region, context) }) {
                verdict.raise(.editorial, rule.id, detail)
            } else {
                unexplained.append(detail)
            }
        }
        if !unexplained.isEmpty {
            // The same replacement made several times ("User" → "Personal" twice) is said once, counted.
            var distinct: [(detail: String, count: Int)] = []
            for detail in unexplained {
                if let index = distinct.firstIndex(where: { $0.detail == detail }) { distinct[index].count += 1 } else { distinct.append((detail, 1)) }
            }
            verdict.raise(.material, "words-changed", distinct.prefix(3)
                .map { $0.count > 1 ? "\($0.detail) (\($0.count) times)" : $0.detail }.joined(separator: "; "))
        }
        var sentences: (old: [Statement], new: [Statement]) = ([], [])
        if verdict.tier >= .material {
            checkRetention(old: old.text, newWords: newWords, category: category, into: &verdict)
            // Read once: the statement findings and the definition check below both compare them.
            sentences = (Statement.read(vocabulary: vocabulary, old.text), Statement.read(vocabulary: vocabulary, new.text))
            raise(statements.compare(old: sentences.old, new: sentences.new), into: &verdict)
        }
        // A typo fixed in a defining clause leaves the definition as it was; a change of meaning does not,
        // where it is in the sentence that defines the term (“Google”), not in another sentence of its clause.
        if definesTerm, verdict.tier >= .material, changesDefiningSentence(sentences.old, sentences.new) {
            verdict.raise(.material, "definition-changed", "the clause defines a term")
        }
        classifyLinks(old: old, new: new, into: &verdict)
        return verdict
    }

    /// The statements of a clause compared with the other version's, each sentence read on its own.
    private var statements: StatementChanges {
        StatementChanges(vocabulary: vocabulary, inNewDocument: wordCounts.newHolds,
                         newStatements: { [vocabulary] word in wordCounts.newStatements(holding: word, vocabulary: vocabulary) },
                         excerpt: { excerpt($0) })
    }

    private func raise(_ findings: [StatementChanges.Finding], into verdict: inout Verdict) {
        for finding in findings { verdict.raise(.consent, finding.rule, finding.detail) }
    }

    /// Whether a sentence that defines a term (quotes a name in parentheses: (“Google”), ("Services")) is
    /// not in the new text word for word.
    func changesDefiningSentence(_ old: [Statement], _ new: [Statement]) -> Bool {
        let kept = Set(new.map(\.words))
        let defining = old.filter { $0.text.contains("(“") || $0.text.contains("(\"") || $0.text.contains("(‘") }
        // A clause said to define a term without such a sentence is judged whole, as before.
        return defining.isEmpty || defining.contains { !kept.contains($0.words) }
    }

    /// The reasons that stand for a material or consent finding (`RuleCatalog`).
    private func triggerCount(_ verdict: Verdict) -> Int {
        verdict.reasons.filter { RuleCatalog.entry($0.rule)?.tier != .editorial }.count
    }

    /// Pairs of (deleted tokens, inserted tokens), one per changed region of the word diff.
    private func changedRegions(_ runs: [MyersDiff.Run], _ old: [WordToken],
                                _ new: [WordToken]) -> [(deleted: [WordToken], inserted: [WordToken], before: String?)] {
        var regions: [(deleted: [WordToken], inserted: [WordToken], before: String?)] = []
        var deleted: [WordToken] = []
        var inserted: [WordToken] = []
        // The word just before the region, in the old text: "Section" before a number makes it a reference.
        var lastWord: String?
        var regionBefore: String?
        func flush() {
            if !deleted.isEmpty || !inserted.isEmpty { regions.append((deleted, inserted, regionBefore)) }
            deleted = []
            inserted = []
        }
        for (position, run) in runs.enumerated() {
            switch run.operation {
            case .equal:
                // A lone space between two changes does not separate them; nor, inside a rewrite of
                // several words, do a word or two like "the" or "of" that the diff happened to keep: split
                // there, a rewrite reads as pairs of unrelated fragments ("(see https://" → "of issues";
                // ")" → "user").
                let kept = old[run.oldRange]
                let between = position + 1 < runs.count && runs[position + 1].operation != .equal
                    && !deleted.isEmpty && !inserted.isEmpty
                    && (deleted.count(where: \.isWord) + inserted.count(where: \.isWord)) >= 4
                    && kept.count(where: \.isWord) <= 2
                    && kept.allSatisfy { !$0.isWord || vocabulary.functionWords.contains($0.key.lowercased()) }
                if (run.oldRange.count == 1 && kept.first!.isSpace) || between {
                    if !deleted.isEmpty { deleted += kept }
                    if !inserted.isEmpty { inserted += kept }
                    continue
                }
                flush()
                if let word = old[run.oldRange].last(where: \.isWord) { lastWord = word.key.lowercased() }
            case .delete:
                if deleted.isEmpty && inserted.isEmpty { regionBefore = lastWord }
                deleted += old[run.oldRange]
            case .insert:
                if deleted.isEmpty && inserted.isEmpty { regionBefore = lastWord }
                inserted += new[run.newRange]
            }
        }
        flush()
        return regions
    }

    private static let romanNumerals: Set<String> = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]

    /// "a profile photo and display name;" → "…; and": the "and" or "or" that ends the last-but-one item of
    /// a list came or went (the list grew, or its items traded places). A swap of "and" for "or" is not this.
    static func onlyListConjunction(_ old: String, _ newWords: [String]) -> Bool {
        // At the end of an item ("…; and") or, as some write it, at the start of the next ("and to complete…").
        func withoutConjunction(_ words: [String]) -> (words: ArraySlice<String>, conjunction: Bool) {
            let conjunctions: Set<String> = ["and", "or", "and/or"]
            if let last = words.last, conjunctions.contains(last) { return (words.dropLast(), true) }
            if let first = words.first, conjunctions.contains(first) { return (words.dropFirst(), true) }
            return (words[...], false)
        }
        let before = withoutConjunction(TextNormalizer.looseWords(old)), after = withoutConjunction(newWords)
        return before.conjunction != after.conjunction && before.words == after.words
    }

    /// "see Section 7" → "see Sections 7–8", "Sections 4 and 5" → "Sections 5 and 6", "Section N" → "Section P":
    /// only cross-references changed, each a reference word and the labels after it (numbers, single letters,
    /// roman numerals), compared as one placeholder.
    func onlyReferencesChanged(_ old: String, _ newWords: [String]) -> Bool {
        func isLabel(_ word: String) -> Bool {
            Vocabulary.value(word) != nil || word.count == 1 && word.first!.isLetter
                || Self.romanNumerals.contains(word)
        }
        func references(_ words: [String]) -> (text: [String], count: Int) {
            var text: [String] = [], count = 0, index = 0
            while index < words.count {
                guard vocabulary.referenceWords.contains(words[index]), index + 1 < words.count, isLabel(words[index + 1]) else {
                    text.append(words[index])
                    index += 1
                    continue
                }
                index += 1
                while index < words.count, isLabel(words[index])
                        || ["and", "or", "to", "through"].contains(words[index]) && index + 1 < words.count && isLabel(words[index + 1]) {
                    index += 1
                }
                text.append("§")
                count += 1
            }
            return (text, count)
        }
        let before = references(TextNormalizer.looseWords(old)), after = references(newWords)
        return before.count > 0 && before == after
    }

    /// Whether a name stands where a recipient of data or a tracker does: after "to", "with", "by", "via"
    /// ("sends campaign data to Adjust"), before a tracker word ("the Yahoo Dot Pixel"), or opening the
    /// clause ("Flashtalking, which uses a clear GIF"); not a product or platform in passing ("for
    /// Desktop, Android or iOS", "or Android ID").
    func isRecipient(_ name: WordToken, in words: [WordToken], wordBefore: String?) -> Bool {
        guard let index = words.firstIndex(where: { $0.key == name.key }) else { return false }
        let after = words[(index + 1)...].prefix(3).map { $0.key.lowercased() }
        if after.contains(where: vocabulary.trackerWords.contains) { return true }
        // The words before it, an article skipped: "with the Acme network".
        var previous = words[..<index].map { $0.key.lowercased() }.reversed().drop { ["the", "our", "a", "an"].contains($0) }
            .prefix(1).map { $0 }
        if previous.isEmpty, index == 0 || words[..<index].allSatisfy({ ["the", "our", "a", "an"].contains($0.key.lowercased()) }) {
            guard let wordBefore else { return true }
            previous = [wordBefore]
        }
        return previous.first.map(Self.recipientCues.contains) == true
    }

    /// Whether the clause sends data to a party: a name or a party word ("our third party vendor") right
    /// after "to", "with", "by"…, an article or "our" skipped.
    func sendsToNamedParty(_ tokens: [WordToken]) -> Bool {
        let words = tokens.filter(\.isWord)
        let skipped: Set<String> = ["the", "our", "a", "an", "its", "their"]
        let parties: Set<String> = ["vendor", "vendors", "partner", "partners", "third", "advertisers", "providers", "provider"]
        return words.indices.dropLast().contains { index in
            guard Self.recipientCues.contains(words[index].key.lowercased()) else { return false }
            guard let next = words[(index + 1)...].first(where: { !skipped.contains($0.key.lowercased()) }) else { return false }
            return isName(next) || parties.contains(next.key.lowercased())
        }
    }

    private static let recipientCues: Set<String> = ["to", "with", "by", "via", "from", "through", "including", "includes", "include", "like",
                                                      "as", "partner", "partners"]

    /// The same sentences, in another order (a "not" sentence moved inside its clause withdraws nothing).
    static func sameSentences(_ old: String, _ new: String) -> Bool {
        func sentences(_ text: String) -> [String] {
            text.split(whereSeparator: { $0 == "." || $0 == "!" || $0 == "?" || $0 == ";" })
                .map { TextNormalizer.looseWords(String($0)).joined(separator: " ") }.filter { !$0.isEmpty }.sorted()
        }
        // Sentences that only traded places keep the clause's length, give or take a space or a stop.
        guard abs(old.utf8.count - new.utf8.count) <= 2 else { return false }
        let before = sentences(old)
        return before.count > 1 && before == sentences(new)
    }

    /// A sale word means a sale of personal data only in a clause about data, and not beside goods,
    /// plans or taxes: "Users who sell goods through the Service", "the plans we sell", "sales tax".
    func sellsData(_ clauseWords: [String]) -> Bool {
        clauseWords.contains(where: vocabulary.dataWords.contains) && !clauseWords.contains(where: vocabulary.commerceWords.contains)
    }

    /// A retention or deletion period that grew, in any units: "6 months" → "5 years", "180 days" →
    /// "2 years", a period replaced by "indefinitely" or "as long as necessary". The periods that went
    /// are compared with those that came, so "30 days" → "60 days" counts beside an unchanged "1 year",
    /// and "2 years" → "18 months" is shorter, whatever its number.
    private func checkRetention(old: String, newWords: [String], category: SectionCategory, into verdict: inout Verdict) {
        guard category == .retention || newWords.contains(where: vocabulary.retentionWords.contains)
            || newWords.contains(where: Self.deletionWords.contains) else { return }
        var came = Self.periods(newWords, vocabulary: vocabulary)
        guard !came.isEmpty else { return }
        var gone = Self.periods(TextNormalizer.looseWords(old), vocabulary: vocabulary)
        for period in came where gone.contains(period) {
            gone.remove(at: gone.firstIndex(of: period)!)
            came.remove(at: came.firstIndex(of: period)!)
        }
        guard let longestGone = gone.max(), let longestCame = came.max(), longestCame > longestGone else { return }
        // The span whose number changed is now explained by this, the stronger reason.
        verdict.raise(span: verdict.span(ofRule: "number"), .consent, "retention-extended",
                      "\(Self.days(longestCame)) where it was \(Self.days(longestGone))")
    }

    static let deletionWords: Set<String> = ["delete", "deletes", "deleted", "deletion", "erase", "erased", "remove",
                                             "removed", "purge", "purged", "anonymise", "anonymize"]

    /// "As long as (is reasonably) necessary": longer than any period stated in days, shorter than "indefinitely".
    static let asLongAsNecessary = 1_000_000_000.0

    /// The periods a clause states, in days (`.infinity` for one with no end, `asLongAsNecessary` for one
    /// that ends with its purpose).
    static func periods(_ words: [String], vocabulary: Vocabulary) -> [Double] {
        var found: [Double] = []
        for (index, word) in words.enumerated() {
            if let unit = Vocabulary.daysPerUnit[word], index > 0, let amount = Vocabulary.value(words[index - 1]) {
                found.append(amount * unit)
            }
            if word == "as", words[index...].starts(with: ["as", "long", "as"]),
               words[(index + 3)...].prefix(4).contains(where: Self.necessityWords.contains) {
                found.append(asLongAsNecessary)
                continue
            }
            for phrase in vocabulary.openEndedPeriods where words[index...].starts(with: phrase) {
                found.append(.infinity)
            }
        }
        return found
    }

    private static let necessityWords: Set<String> = ["necessary", "needed", "required", "relevant", "appropriate", "useful"]

    private static func days(_ value: Double) -> String {
        if value == .infinity { return "with no end" }
        if value == asLongAsNecessary { return "for as long as necessary" }
        return value >= 365 && value.truncatingRemainder(dividingBy: 365) == 0 ? "\(Int(value / 365)) years (\(Int(value)) days)"
            : "\(Int(value.rounded())) days"
    }

    func isName(_ token: WordToken) -> Bool {
        guard token.key.first?.isUppercase == true, !vocabulary.navigationWords.contains(token.key.lowercased()) else {
            return false
        }
        let lowered = token.key.lowercased()
        // "Section" → "Sections": a part of this document, not a party.
        return !vocabulary.modals.contains(lowered) && !vocabulary.commonCapitalised.contains(lowered)
            && !vocabulary.referenceWords.contains(lowered)
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

    /// Links: a target that keeps its place (`place`), or link text that changes while the target does
    /// not, is editorial; a link that goes somewhere else is material, and the reason names where.
    private func classifyLinks(old: Clause, new: Clause, into verdict: inout Verdict) {
        let before = linkTargets(old.inlines), after = linkTargets(new.inlines)
        guard before != after else { return }
        // A relative link written out in full ("/privacy" → "https://example.com/privacy") is the same page.
        var placesBefore = before.map(place), placesAfter = after.map(place)
        if before.count == after.count {
            for index in before.indices where Self.samePage(before[index], after[index]) {
                placesBefore[index] = ""
                placesAfter[index] = ""
            }
        }
        if Set(placesBefore) == Set(placesAfter) {
            // A document the User agrees to ("incorporated by reference", "you agree to its terms") that is
            // now another page is another agreement, whatever the host.
            let words = TextNormalizer.looseWords(new.text)
            if vocabulary.bindingPhrases.contains(where: { phrase in words.indices.contains { words[$0...].starts(with: phrase) } }),
               let changed = zip(before, after).first(where: { !Self.samePage($0, $1) && Self.isAnotherDocument($0, $1) }) {
                verdict.raise(.material, "binding-link-changed", "a linked document the User agrees to changed: "
                              + "\(changed.0) → \(changed.1)")
                return
            }
            verdict.raise(.editorial, "link-same-host", "link target changed on the same host")
        } else {
            let placesBefore = Set(placesBefore), placesAfter = Set(placesAfter)
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

    /// Whether one target is relative and the other the same path written as a full URL; or both name the
    /// same anchor of this document: `#sec-4` and the same anchor behind the document's address, or the same
    /// path and anchor on another host (a site that moved its pages).
    static func samePage(_ a: String, _ b: String) -> Bool {
        func isWeb(_ target: String) -> Bool { target.hasPrefix("https://") || target.hasPrefix("http://") }
        for (anchor, other) in [(a, b), (b, a)] where anchor.hasPrefix("#") && anchor.count > 1 && !other.hasPrefix("#") {
            return other.hasSuffix(anchor) && (isWeb(other) || !hasScheme(other))
        }
        if isWeb(a), isWeb(b), a.contains("#"), path(a) == path(b), !path(a).hasSuffix("#") { return true }
        let (relative, absolute) = a.contains("://") ? (b, a) : (a, b)
        guard absolute.contains("://"), !relative.contains("://"), !relative.hasPrefix("//"), !hasScheme(relative),
              !relative.isEmpty, !relative.hasPrefix("#") else { return false }
        return path(relative) == path(absolute)
    }

    /// Whether a link now names another document, not the same one at a new address: a version or date
    /// in the path changed ("terms" → "terms-2027", "v2" → "v3"), or the new page's name shares no word
    /// with the old path (a site that moved its pages keeps their names: "/articles/github-addendum/" →
    /// "/site-policy/github-addendum").
    static func isAnotherDocument(_ a: String, _ b: String) -> Bool {
        let old = path(a).prefix { $0 != "#" }, new = path(b).prefix { $0 != "#" }
        guard old != new else { return false }
        func digits(_ text: Substring) -> [Substring] { text.split(whereSeparator: { !$0.isNumber }) }
        if digits(old) != digits(new) { return true }
        func words(_ text: Substring) -> Set<Substring> {
            Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map { Substring($0) }.filter { $0.count > 2 })
        }
        let name = new.split(separator: "/").last.map { $0.split(separator: ".").first ?? $0 } ?? ""
        return words(Substring(name)).isDisjoint(with: words(old))
    }

    /// A target's path and fragment, without scheme, host, query or a trailing slash: what page it is.
    static func path(_ target: String) -> String {
        var rest = Substring(target)
        if let schemeEnd = rest.firstRange(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            rest = rest.drop { $0 != "/" && $0 != "?" && $0 != "#" }
        }
        let fragment = rest.firstIndex(of: "#").map { String(rest[$0...]) } ?? ""
        var page = rest.prefix { $0 != "?" && $0 != "#" }
        if !page.hasPrefix("/") { page = "/" + page }
        while page.count > 1, page.hasSuffix("/") { page = page.dropLast() }
        return String(page) + fragment
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
            return Self.site(of: String(destination.split(separator: "@").last ?? "").prefix { $0 != "?" })
        } else {
            return Self.hasScheme(destination) ? destination : ""
        }
        // The host, without user information or port.
        let hostAndPort = authority.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = hostAndPort.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return Self.site(of: host.hasPrefix("[") ? host : host.prefix { $0 != ":" })
    }

    /// The site a host belongs to, its registrable domain: "firefox-source-docs.mozilla.org" and
    /// "dictionary.telemetry.mozilla.org" are both mozilla.org's, as "help.github.com" and
    /// "docs.github.com" are github.com's. Under a suffix that many owners share ("co.uk", "github.io",
    /// "wordpress.com") a label more is kept: "alice.github.io" is not "bob.github.io".
    static func site(of host: some StringProtocol) -> String {
        let labels = host.lowercased().split(separator: ".").map(String.init)
        guard labels.count > 2, !labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return labels.joined(separator: ".") }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        let keep = sharedSuffixes.contains(lastTwo) ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }

    private static let sharedSuffixes: Set<String> = [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "com.au", "net.au", "org.au", "co.jp", "co.nz", "com.br", "co.in",
        "co.za", "com.mx", "com.cn", "com.tw", "co.kr", "com.sg", "com.hk", "github.io", "gitlab.io", "herokuapp.com",
        "blogspot.com", "wordpress.com", "netlify.app", "vercel.app", "pages.dev", "workers.dev", "appspot.com",
        "azurewebsites.net", "cloudfront.net", "amazonaws.com", "firebaseapp.com", "web.app", "tumblr.com",
    ]

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

    func classifyAdded(_ clause: Clause, category: SectionCategory, besideItsCopy: Bool = false) -> Verdict {
        if let hidden = hiddenMarkup(clause, "added") ?? wordless(clause, "added") ?? contentsEntry(clause, "added")
            ?? updateNotice(clause, "added") {
            return hidden
        }
        if besideItsCopy { return duplicateClause(clause, "added") }
        var verdict = Verdict(tier: .material, reasons: [])
        let quoted = excerpt(Self.shown(clause))
        let rule = clause.kind == .listItem ? "list-item-added" : "clause-added"
        verdict.raise(.material, rule, "“\(quoted)”")
        // The words in clause order name the trigger, so the same clause always reports the same word.
        let wordList = TextNormalizer.looseWords(clause.text)
        let words = Set(wordList)
        let negated = words.contains(where: vocabulary.negations.contains)
        if !negated, words.contains(where: vocabulary.saleWords.contains), sellsData(wordList) {
            verdict.raise(.consent, "new-disclosure", "a sale of personal data: “\(quoted)”")
        } else if !negated, category == .use, let word = wordList.first(where: { vocabulary.newPurposeWords.contains($0) && Statement.isPurposeSense($0, in: wordList, vocabulary: vocabulary) }) {
            verdict.raise(.consent, "new-purpose", "“\(word)”: “\(quoted)”")
        } else if !negated, words.contains(where: vocabulary.adTechWords.contains),
                  words.contains(where: vocabulary.disclosureWords.contains) || category == .disclosure
                    || words.contains("third") || words.contains("vendor") || words.contains("vendors")
                    // A tracker for advertising ("Flashtalking, which uses a clear GIF … our advertising campaigns").
                    || words.contains(where: vocabulary.trackerWords.contains) {
            verdict.raise(.consent, "new-disclosure", "personal data shared for advertising: “\(quoted)”")
        } else if !negated, category == .use || category == .collection || category == .disclosure,
                  let word = wordList.first(where: { vocabulary.newPurposeWords.contains($0) && Statement.isPurposeSense($0, in: wordList, vocabulary: vocabulary) }) {
            verdict.raise(.consent, "new-purpose", "“\(word)”: “\(quoted)”")
        }
        if verdict.tier < .consent { raise(statements.compare(old: [], new: Statement.read(vocabulary: vocabulary, clause.text)), into: &verdict) }
        return verdict
    }

    func classifyRemoved(_ clause: Clause, category: SectionCategory, besideItsCopy: Bool = false) -> Verdict {
        if let hidden = hiddenMarkup(clause, "removed") ?? wordless(clause, "removed") ?? contentsEntry(clause, "removed")
            ?? updateNotice(clause, "removed") {
            return hidden
        }
        if besideItsCopy { return duplicateClause(clause, "removed") }
        var verdict = Verdict(tier: .material, reasons: [])
        let quoted = excerpt(Self.shown(clause))
        let rule = clause.kind == .listItem ? "list-item-removed" : "clause-removed"
        verdict.raise(.material, rule, "“\(quoted)”")
        // A right removed from where rights are listed needs consent; a practice removed together with
        // its opt-out elsewhere narrows what is done, and is material only.
        if category == .rights {
            verdict.raise(.consent, "right-removed", "“\(quoted)”")
        }
        if verdict.tier < .consent { raise(statements.compare(old: Statement.read(vocabulary: vocabulary, clause.text), new: []), into: &verdict) }
        return verdict
    }

    /// A paragraph that came or went beside a copy of itself that stays: the policy says it once either way.
    private func duplicateClause(_ clause: Clause, _ change: String) -> Verdict {
        Verdict(tier: .editorial, reasons: [Reason(rule: "duplicate-clause",
                                                   detail: "\(change) a copy of the clause beside it: “\(excerpt(Self.shown(clause)))”")])
    }

    /// An entry of a table of contents (a link to a part of this document, and nothing else) that came
    /// or went: it points at words, and says none.
    private func contentsEntry(_ clause: Clause, _ change: String) -> Verdict? {
        var links = 0, inward = true, linkText = ""
        Inline.forEach(in: clause.inlines) { inline in
            if case .link(let destination, _, let children) = inline {
                links += 1
                inward = inward && destination.hasPrefix("#")
                linkText += Inline.plainText(children)
            }
        }
        guard links >= 1, inward,
              TextNormalizer.looseWords(linkText) == TextNormalizer.looseWords(clause.text) else { return nil }
        return Verdict(tier: .editorial, reasons: [Reason(rule: "table-of-contents",
                                                          detail: "\(change) “\(excerpt(clause.text))”, a link to a part of this document")])
    }

    /// A line that only announces a version of the policy ("We have updated our Privacy Policy. Learn what
    /// changed.", "Version 3.2, effective May 1, 2026") that came or went: it promises nothing.
    private func updateNotice(_ clause: Clause, _ change: String) -> Verdict? {
        // Such a line is short: longer clauses (most of those that come or go) are not read for words.
        guard clause.text.utf8.count <= 300 else { return nil }
        let words = TextNormalizer.looseWords(clause.text)
        guard words.count >= 2, words.count <= 40, words.contains(where: { $0 == "version" || $0.hasPrefix("update") || $0 == "revised" || $0 == "amended" }),
              words.allSatisfy({ vocabulary.updateNoticeWords.contains($0) || $0.first?.isNumber == true }) else { return nil }
        return Verdict(tier: .editorial, reasons: [Reason(rule: "update-notice",
                                                          detail: "\(change) “\(excerpt(clause.text))”, a line about the policy's version")])
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

    /// A long quote keeps its start and its end, where a change's substance usually is ("… for 2 years"),
    /// and drops the middle.
    func excerpt(_ text: String, limit: Int = 80) -> String {
        guard text.count > limit else { return text }
        let head = text.prefix(limit * 3 / 5), tail = text.suffix(limit - head.count - 1)
        return String(head.reversed().drop(while: \.isWhitespace).reversed()) + "…" + String(tail.drop(while: \.isWhitespace))
    }
}

/// Word frequencies over both revisions, counted on first use: only a spelling candidate needs them.
final class WordCounts: Sendable {
    private let revisions: [Revision]
    /// Occurrences by word hash: a table of strings cost a fifth of a 10 MB real-text diff.
    private let counts = Mutex<[Int: Int]?>(nil)

    init(revisions: [Revision]) {
        self.revisions = revisions
    }

    private let fewer = Mutex<[String: Bool]>([:])

    /// Whether `word` (lowercase ASCII) occurs fewer times in the new revision than in the old: gone
    /// from some place of the whole document. Asked of a removed right, which is rare: each word is
    /// counted once, reading for words only the clauses whose bytes hold it.
    func fewerInNew(_ word: String) -> Bool {
        if let known = fewer.withLock({ $0[word] }) { return known }
        // A clause with the same text on both sides counts the same on both: only the others are read.
        let (changedOld, changedNew) = changed()
        func count(_ revision: Revision, _ indices: [Int]) -> Int {
            indices.reduce(0) { total, index in
                let text = revision.clauses[index].clause.text
                guard Self.mayHold(text, word) else { return total }
                return total + TextNormalizer.looseWords(text).lazy.filter { $0 == word }.count
            }
        }
        let answer = count(revisions[revisions.count - 1], changedNew) < count(revisions[0], changedOld)
        fewer.withLock { $0[word] = answer }
        return answer
    }

    private let held = Mutex<[[String]: Bool]>([:])
    private let statementsHolding = Mutex<[String: [Statement]]>([:])

    /// The positions of the new revision's clauses that hold `word` (lowercase): their bytes are searched
    /// first, and only the clauses that may hold it are read for words.
    private func newClauseIndices(holding word: String) -> [Int] {
        revisions[revisions.count - 1].clauses.indices.filter { position in
            let text = revisions[revisions.count - 1].clauses[position].clause.text
            return Self.mayHold(text, word) && TextNormalizer.looseWords(text).contains(word)
        }
    }

    /// Whether the new revision holds `phrase` (lowercase words, in order) in any clause. Asked of a
    /// right or a promise that went from a clause: the longest word's bytes are searched for first.
    func newHolds(_ phrase: [String]) -> Bool {
        guard let rarest = phrase.max(by: { $0.utf8.count < $1.utf8.count }) else { return true }
        if let known = held.withLock({ $0[phrase] }) { return known }
        let answer = revisions[revisions.count - 1].clauses.contains { entry in
            let text = entry.clause.text
            guard Self.mayHold(text, rarest) else { return false }
            let words = TextNormalizer.looseWords(text)
            return words.indices.contains { words[$0...].starts(with: phrase) }
        }
        held.withLock { $0[phrase] = answer }
        return answer
    }

    /// The statements of the new revision's clauses that hold `word` (lowercase), each clause read once.
    func newStatements(holding word: String, vocabulary: Vocabulary) -> [Statement] {
        if let known = statementsHolding.withLock({ $0[word] }) { return known }
        let clauses = revisions[revisions.count - 1].clauses
        let statements = newClauseIndices(holding: word).flatMap { Statement.read(vocabulary: vocabulary, clauses[$0].clause.text) }
        statementsHolding.withLock { $0[word] = statements }
        return statements
    }

    private let changedClauses = Mutex<([Int], [Int])?>(nil)

    /// The clauses of each side that the other side does not have word for word, worked out once.
    private func changed() -> ([Int], [Int]) {
        changedClauses.withLock { changed in
            if changed == nil { changed = Self.clausesWithoutCopy(revisions[0], revisions[revisions.count - 1]) }
            return changed!
        }
    }

    /// The clauses of each side whose text the other side does not have (as many times), by key digest.
    private static func clausesWithoutCopy(_ old: Revision, _ new: Revision) -> ([Int], [Int]) {
        var balance: [UInt64: Int] = [:]
        for digest in old.keyDigests { balance[digest, default: 0] += 1 }
        for digest in new.keyDigests { balance[digest, default: 0] -= 1 }
        var surplus = balance
        let changedOld = old.keyDigests.indices.filter { index in
            let digest = old.keyDigests[index]
            guard let left = surplus[digest], left > 0 else { return false }
            surplus[digest] = left - 1
            return true
        }
        surplus = balance.mapValues { -$0 }
        let changedNew = new.keyDigests.indices.filter { index in
            let digest = new.keyDigests[index]
            guard let left = surplus[digest], left > 0 else { return false }
            surplus[digest] = left - 1
            return true
        }
        return (changedOld, changedNew)
    }

    /// Whether `text` holds the bytes of `word`, ASCII letters in either case.
    static func mayHold(_ text: String, _ word: String) -> Bool {
        let needle = Array(word.utf8)
        guard let first = needle.first else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] | 0x20 == first | 0x20 {
                var index = 1
                while index < needle.count, bytes[start + index] | 0x20 == needle[index] | 0x20 { index += 1 }
                if index == needle.count { return true }
            }
            return false
        }
    }

    /// A word that occurs at most once in both revisions together: what a typo looks like.
    func isRare(_ word: String) -> Bool {
        counts.withLock { counts in
            if counts == nil {
                // A clause with a copy on the other side is read once and counted twice: most of a revision.
                let (onlyOld, onlyNew) = changed()
                let old = revisions[0], new = revisions[revisions.count - 1]
                var weight = [Int](repeating: 2, count: old.clauses.count)
                for index in onlyOld { weight[index] = 1 }
                var table: [Int: Int] = [:]
                for (index, entry) in old.clauses.enumerated() {
                    let times = weight[index]
                    TextNormalizer.forEachWordHash(entry.clause.text) { table[$0, default: 0] += times }
                }
                for index in onlyNew {
                    TextNormalizer.forEachWordHash(new.clauses[index].clause.text) { table[$0, default: 0] += 1 }
                }
                counts = table
            }
            return (counts?[TextNormalizer.wordHash(word)] ?? 0) <= 1
        }
    }
}
