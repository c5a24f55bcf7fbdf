/// What changed to Users' disadvantage between the statements of two versions of a clause (one side is
/// empty for a clause added or removed). Each finding is a consent reason: a promise not to do something
/// adverse withdrawn, a right or choice gone from the whole policy, a practice moved from opt-in to
/// opt-out, or personal data now going to an adverse recipient.
struct StatementChanges {
    struct Finding: Equatable, Sendable {
        let rule: String
        let detail: String
    }

    let vocabulary: Vocabulary
    /// Whether the new revision still holds these words, in this order, anywhere.
    let inNewDocument: (_ words: [String]) -> Bool
    /// The statements of the new revision's clauses that hold a word.
    let newStatements: (_ holding: String) -> [Statement]
    let excerpt: (_ text: String) -> String

    func compare(old: [Statement], new: [Statement]) -> [Finding] {
        // A sentence that stays word for word in the clause changed nothing.
        let newWords = Set(new.map(\.words)), oldWords = Set(old.map(\.words))
        let gone = old.filter { !newWords.contains($0.words) }
        let came = new.filter { !oldWords.contains($0.words) }
        var findings: [Finding] = []
        for statement in gone {
            if let finding = withdrawnPromise(statement, new: new) { findings.append(finding) }
            if let finding = removedRight(statement, new: new) { findings.append(finding) }
        }
        for statement in came {
            if let finding = droppedConsent(statement, old: gone) { findings.append(finding) }
            if let finding = newRecipient(statement, old: old) { findings.append(finding) }
        }
        return findings
    }

    /// Whether every old sentence with a denial, gone word for word, was the User's or is still made by a
    /// new sentence: the same practices denied, of the same things (its focus words). A denial the reader
    /// finds no practice for ("neither Mozilla nor Pocket receives") is not known to be kept.
    static func stillDenies(old: [Statement], new: [Statement], denials: Set<String>) -> Bool {
        let newWords = Set(new.map(\.words))
        return old.allSatisfy { statement in
            !statement.words.contains(where: denials.contains) || statement.actor == .user || newWords.contains(statement.words)
                || !statement.deniedPractices.isEmpty && new.contains { sentence in
                    sentence.deniedPractices.isSuperset(of: statement.deniedPractices) && statement.focus.isSubset(of: sentence.words)
                }
        }
    }

    /// "We never sell personal data" or "never mine them for advertising", gone or narrowed, with no
    /// sentence of the new clause that still denies all it denied, nor the same promise elsewhere.
    private func withdrawnPromise(_ promise: Statement, new: [Statement]) -> Finding? {
        guard promise.isAdversePromise, promise.actor != .user else { return nil }
        // "Use" and "collect" are promised of everything; a partner's promise not to use data is a limit
        // on its own use, and that one counts.
        let practices = promise.deniedPractices.subtracting(promise.actor == .partner ? ["collect"] : ["use", "collect"])
        /// Every practice and purpose the promise denied is still denied by some sentence: a purpose also by
        /// a sentence that denies the practice for any purpose ("we do not use cookies" keeps "not … to target you").
        func keep(_ statements: [Statement]) -> Bool {
            let stillDenied = statements.reduce(into: Set<String>()) { $0.formUnion($1.deniedPractices) }
            let absolute = statements.contains { $0.deniedPurposes.isEmpty && !$0.deniedPractices.isDisjoint(with: promise.deniedPractices) }
            let stillDeniedPurposes = statements.reduce(into: Set<String>()) { $0.formUnion($1.deniedPurposes) }
            return practices.isSubset(of: stillDenied) && (absolute || promise.deniedPurposes.isSubset(of: stillDeniedPurposes))
        }
        guard !keep(new), !inNewDocument(promise.words) else { return nil }
        // The same promise said elsewhere in the new policy ("We do not sell personal data" moved out of a
        // section that went) is kept: sentences that deny the same practices of the same thing.
        // A promise about "these cookies" is about its own clause's cookies: no sentence elsewhere keeps it.
        // Otherwise the other sentence names all that the promise was about ("functional cookies" does not
        // keep a promise about "analytics cookies").
        if !promise.focusIsContextual {
            let keyWords = Set(promise.words.filter { word in
                promise.deniedPurposes.contains(word) || vocabulary.practiceOfWord[word].map(promise.deniedPractices.contains) == true
            })
            let focus = promise.focus
            let elsewhere = keyWords.flatMap(newStatements).filter { statement in
                focus.isEmpty ? inNewDocument(promise.deniedSpan) : focus.isSubset(of: statement.words)
            }
            if keep(elsewhere) { return nil }
        }
        let purpose = !promise.deniedPurposes.isEmpty || !promise.deniedPractices.isDisjoint(with: ["train", "profile", "track"])
        let narrowed = new.contains { !$0.deniedPractices.isEmpty && !Set($0.words).isDisjoint(with: promise.focus) }
        return Finding(rule: purpose ? "new-purpose" : "new-disclosure",
                       detail: "a promise was \(narrowed ? "narrowed" : "withdrawn"): “\(excerpt(promise.text))”")
    }

    /// A right or choice the old sentence gave that no sentence of the new clause gives, and that the new
    /// policy no longer names anywhere, in any of its words: "the Global Privacy Control signal", "object".
    private func removedRight(_ grant: Statement, new: [Statement]) -> Finding? {
        guard grant.grantsRights else { return nil }
        for right in grant.rights.sorted() where !new.contains(where: { $0.rights.contains(right) }) {
            guard !vocabulary.rights.contains(where: { $0.name == right && inNewDocument($0.phrase) }) else { continue }
            // "You can delete your uploaded screenshots": where what the right applied to is gone from the
            // policy too, the practice went with the right, which is no loss to Users.
            // An object named by the right's own words ("complain to the data protection authority") is no
            // practice that could have gone.
            let ownWords = Set(vocabulary.rights.filter { $0.name == right }.flatMap(\.phrase))
            let object = grant.rightObjects[right] ?? []
            guard object.isEmpty || object.contains(where: ownWords.contains) || inNewDocument(object) else { continue }
            return Finding(rule: "right-removed", detail: "\(right) is no longer offered: “\(excerpt(grant.text))”")
        }
        return nil
    }

    /// "unless you opt in … off by default" → "unless you opt out … on by default": the same practice,
    /// now done until the User says no.
    private func droppedConsent(_ statement: Statement, old: [Statement]) -> Finding? {
        guard statement.basis == .optOut else { return nil }
        let before = old.first { previous in
            previous.basis == .optIn && (previous.practices.isEmpty && statement.practices.isEmpty
                || !previous.practices.isDisjoint(with: statement.practices))
        }
        guard let before else { return nil }
        return Finding(rule: "consent-dropped",
                       detail: "opt-out where it was opt-in: “\(excerpt(statement.text))” (was “\(excerpt(before.text))”)")
    }

    /// Personal data shared with or sold to advertising partners or data brokers that the clause did not name,
    /// or to partners who use it for their own ends ("so they can offer you their products").
    private func newRecipient(_ statement: Statement, old: [Statement]) -> Finding? {
        guard !statement.denied, statement.actor != .user,
              !statement.practices.isDisjoint(with: ["share", "sell", "transfer"]) else { return nil }
        let named = old.reduce(into: Set<String>()) { $0.formUnion($1.recipients) }
        if let recipient = statement.recipients.subtracting(named).sorted().first {
            return Finding(rule: "new-disclosure", detail: "personal data now goes to \(recipient): “\(excerpt(statement.text))”")
        }
        guard statement.ownUseRecipient, !old.contains(where: \.ownUseRecipient) else { return nil }
        return Finding(rule: "new-disclosure", detail: "a recipient now uses personal data for its own ends: “\(excerpt(statement.text))”")
    }
}
