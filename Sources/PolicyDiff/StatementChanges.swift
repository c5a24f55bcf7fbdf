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

    /// "We never sell personal data" or "never mine them for advertising", gone, with no sentence of the
    /// new clause that still denies the same practice or purpose, nor the same sentence elsewhere.
    private func withdrawnPromise(_ promise: Statement, new: [Statement]) -> Finding? {
        guard promise.isAdversePromise, promise.actor != .user else { return nil }
        func keeps(_ statement: Statement) -> Bool {
            !statement.deniedPractices.isDisjoint(with: promise.deniedPractices.subtracting(["use", "collect"]))
                || statement.deniedPurpose && !statement.purposes.isDisjoint(with: promise.purposes)
        }
        guard !new.contains(where: keeps), !inNewDocument(promise.words) else { return nil }
        // The same promise said elsewhere in the new policy ("We do not sell personal data" moved out of a
        // section that went) is kept: a sentence that denies the same practice of the same thing.
        let keyWords = promise.words.filter { word in
            promise.purposes.contains(word) || vocabulary.practiceOfWord[word].map(promise.deniedPractices.contains) == true
        }
        // A promise about "these cookies" is about its own clause's cookies: no sentence elsewhere keeps it.
        // Otherwise the other sentence names all that the promise was about ("functional cookies" does not
        // keep a promise about "analytics cookies").
        let focus = promise.focus
        let keptElsewhere = !promise.focusIsContextual && keyWords.contains { word in
            newStatements(word).contains { statement in
                keeps(statement) && (focus.isEmpty ? inNewDocument(promise.deniedSpan) : focus.isSubset(of: statement.words))
            }
        }
        guard !keptElsewhere else { return nil }
        let purpose = !promise.purposes.isEmpty || !promise.practices.isDisjoint(with: ["train", "profile", "track"])
        return Finding(rule: purpose ? "new-purpose" : "new-disclosure",
                       detail: "a promise was withdrawn: “\(excerpt(promise.text))”")
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
