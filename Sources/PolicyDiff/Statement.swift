/// One sentence of a clause, read for what it promises: who acts, whether it is denied or conditional,
/// what is done with personal data, for what, with whom, for how long, and what Users may do about it.
/// Shallow and rule-based: the lexicons of `Lexicon/` name every word it turns on.
struct Statement: Sendable, Equatable {
    enum Actor: String, Sendable {
        case company, partner, user, unknown
    }

    enum ConsentBasis: String, Sendable {
        case optIn = "opt-in", optOut = "opt-out"
    }

    /// The sentence as written, for quoting.
    let text: String
    /// Its words, as `TextNormalizer.looseWords` reads them.
    let words: [String]
    let actor: Actor
    /// "We do not sell", "never mine them for advertising": some practice is denied.
    let denied: Bool
    /// The practices denied: a denial within three words before ("we do not sell", "nor shares it"), or
    /// "no" just after ("we sell no data").
    let deniedPractices: Set<String>
    /// The purposes named after the denial, adverse ones and those only a promise names ("not for marketing
    /// purposes", `Lexicon/promised-purposes.txt`).
    let deniedPurposes: Set<String>
    /// A purpose named after a denial: "never mine them for advertising".
    var deniedPurpose: Bool { !deniedPurposes.isEmpty }
    /// "unless", "only if", "when you": the statement holds under a condition.
    let conditional: Bool
    /// Names from `Lexicon/practices.txt`: collect, use, share, sell, retain, train…
    let practices: Set<String>
    /// Purposes adverse to Users (`Lexicon/new-purpose-words.txt`): advertising, profiling, training.
    let purposes: Set<String>
    /// Recipients adverse to Users (`Lexicon/recipients.txt`): advertising partners, data brokers.
    let recipients: Set<String>
    /// The recipient uses the data for its own ends ("for their own purposes", "so they can offer you
    /// their products"), and the statement names one (partners, affiliates, third parties, companies).
    let ownUseRecipient: Bool
    /// Rights and choices named (`Lexicon/rights.txt`): access, delete, object, opt out…
    let rights: Set<String>
    let basis: ConsentBasis?
    /// Periods, in days (`.infinity` when open-ended).
    let periods: [Double]
    /// What each right named applies to, where it is written as a verb and its object: "opt out of Google
    /// Analytics tracking" → "google analytics tracking". Absent for a right named as a noun.
    let rightObjects: [String: [String]]
    /// The words from the first denial on, up to six: "never mine them for advertising".
    let deniedSpan: [String]
    /// What a promise is about: the words of its denied span that are not a practice, a purpose, a
    /// pronoun or a function word ("personal", "data" in "not sell personal data").
    let focus: Set<String>
    /// Whether the promise points back at what its clause was about ("these cookies", "such data"): said
    /// elsewhere, the same words are about something else.
    let focusIsContextual: Bool

    /// Whether the statement gives Users something: it speaks to or of them, and with a word of permission
    /// ("you can", "you have the right", "you or your authorized agent may", "we honour"); a cookie table's
    /// "access" grants nothing.
    var grantsRights: Bool {
        guard !rights.isEmpty, !denied, actor != .partner else { return false }
        return words.indices.contains { index in
            let next = words[(index + 1)..<min(words.count, index + 7)]
            return Self.userWords.contains(words[index]) && next.contains(where: Self.permissionWords.contains)
                || words[index] == "we" && next.prefix(2).contains(where: Self.honourWords.contains)
        }
    }

    static let userWords: Set<String> = ["you", "users", "user", "individuals", "customers"]
    private static let permissionWords: Set<String> = [
        "can", "may", "able", "right", "rights", "choose", "entitled", "option", "options", "request", "ask", "have",
    ]
    private static let honourWords: Set<String> = ["honour", "honor", "honors", "honours", "respect", "respects"]

    /// Whether the statement promises not to do something adverse: not to sell or share, not to use for
    /// advertising, profiling or training.
    var isAdversePromise: Bool {
        !deniedPractices.isDisjoint(with: ["sell", "share", "train", "profile", "track"]) || deniedPurpose
            // "Service providers are obligated not to use it for any other purpose": a limit on their own use.
            || actor == .partner && deniedPractices.contains("use")
    }

    /// The sentences of a clause. A stop after a single letter or a common abbreviation ("e.g.", "U.S.",
    /// "Inc.") ends no sentence.
    static func read(vocabulary: Vocabulary, _ text: String) -> [Statement] {
        var sentences: [String] = []
        var current = ""
        var previousWord = ""
        var word = ""
        var pendingEnd = false
        for character in text {
            // A stop ends a sentence only before a space: "mozilla.org/opt-out" and "3.5" go on.
            if pendingEnd {
                pendingEnd = false
                if character.isWhitespace {
                    sentences.append(current)
                    current = ""
                }
            }
            current.append(character)
            if character.isLetter || character.isNumber {
                word.append(character)
                continue
            }
            if !word.isEmpty { previousWord = word.lowercased() }
            word = ""
            pendingEnd = character == ";" || character == "!" || character == "?"
                || character == "." && previousWord.count > 1 && !abbreviations.contains(previousWord)
        }
        sentences.append(current)
        return sentences.compactMap { sentence in
            let words = TextNormalizer.looseWords(namesNeutralised(sentence))
            return words.isEmpty ? nil : Statement(text: sentence.trimmingWhitespace, words: words, vocabulary: vocabulary)
        }
    }

    /// A denial written with a capital inside a sentence is part of a name ("Do Not Track", "Do Not Sell My
    /// Personal Information"), and denies nothing.
    private static func namesNeutralised(_ sentence: String) -> String {
        var words = sentence.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices.dropFirst() where ["Not", "No", "Never"].contains(words[index].filter(\.isLetter)) {
            words[index] = "Name" + words[index]
        }
        return words.joined(separator: " ")
    }

    private static let pronouns: Set<String> = ["them", "they", "their", "this", "that", "these", "those"]
    private static let demonstratives: Set<String> = ["these", "those", "this", "such", "said"]

    /// The object of each right written as a verb: the words after it and a linking word ("of", "to",
    /// "your"), up to the first that ends the object ("at", "by", "if"…).
    private static func objects(_ words: [String], _ rights: [(name: String, phrase: [String])]) -> [String: [String]] {
        let linking: Set<String> = ["of", "to", "your", "the", "any", "our", "their"]
        let ending: Set<String> = ["at", "by", "in", "from", "through", "if", "when", "and", "or", "to", "for", "with"]
        var objects: [String: [String]] = [:]
        for (name, phrase) in rights where objects[name] == nil {
            guard let start = words.indices.first(where: { words[$0...].starts(with: phrase) }) else { continue }
            let after = words[(start + phrase.count)...]
            guard phrase.last == "your" || after.first.map(linking.contains) == true else { continue }
            objects[name] = Array(after.drop(while: linking.contains).prefix(4).prefix { !ending.contains($0) })
        }
        return objects
    }

    private static let abbreviations: Set<String> = ["inc", "ltd", "llc", "co", "corp", "etc", "vs", "no", "st", "mr", "ms", "dr"]

    init(text: String, words: [String], vocabulary: Vocabulary) {
        self.text = text
        self.words = words
        let practiceOfWord = vocabulary.practiceOfWord, denials = vocabulary.denials
        let firstPractice = words.firstIndex { practiceOfWord[$0] != nil }
            ?? Self.phraseStarts(words, vocabulary.practices.map(\.phrase)).first
        practices = Set(Self.find(words, vocabulary.practices))
        var deniedPractices: Set<String> = []
        for (index, word) in words.enumerated() {
            guard let practice = practiceOfWord[word] else { continue }
            // The denial right before the verb, with only auxiliaries, adverbs or other practices between:
            // "we do not sell", "never mine", "not collect or sell"; not "do not generally prohibit use".
            var back = index - 1, deniedHere = false
            while back >= 0, index - back <= 4 {
                if denials.contains(words[back]) { deniedHere = true; break }
                guard Self.betweenDenialAndVerb.contains(words[back]) || practiceOfWord[words[back]] != nil else { break }
                back -= 1
            }
            if deniedHere || index + 1 < words.count && ["no", "none", "nothing"].contains(words[index + 1]) {
                deniedPractices.insert(practice)
            }
        }
        self.deniedPractices = deniedPractices
        let firstDenial = words.firstIndex(where: denials.contains)
        denied = !deniedPractices.isEmpty || practices.isEmpty && firstDenial != nil
        conditional = words.contains(where: Self.conditions.contains)
            || Self.phraseStarts(words, [["only", "if"], ["only", "when"], ["provided", "that"]]).first != nil
        actor = Self.actor(words, before: firstPractice ?? words.count, denials: denials)
        let purposes = Set(words.filter {
            vocabulary.newPurposeWords.contains($0) && Self.isPurposeSense($0, in: words, vocabulary: vocabulary)
        })
        self.purposes = purposes
        deniedPurposes = deniedPractices.isEmpty ? [] : firstDenial.map { denial in
            Set(words[denial...].filter { purposes.contains($0) || vocabulary.promisedPurposes.contains($0) })
        } ?? []
        recipients = Set(Self.find(words, vocabulary.recipients.map { ($0.joined(separator: " "), $0) }))
        rights = Set(Self.find(words, vocabulary.rights))
        ownUseRecipient = !Self.phraseStarts(words, vocabulary.ownUse).isEmpty
            && words.contains(where: ["partners", "partner", "affiliates", "parties", "companies", "advertisers"].contains)
        rightObjects = Self.objects(words, vocabulary.rights)
        let bases = Self.find(words, vocabulary.consentBases)
        // "unless you opt out … which is on by default" names only the opt-out; a sentence naming both is unclear.
        basis = Set(bases).count == 1 ? bases.first.flatMap(ConsentBasis.init(rawValue:)) : nil
        periods = Classifier.periods(words, vocabulary: vocabulary)
        let span = firstDenial.map { Array(words[$0...].prefix(6)) } ?? []
        deniedSpan = span
        focus = Set(span.filter { word in
            word.count > 3 && !denials.contains(word) && practiceOfWord[word] == nil && !purposes.contains(word)
                && !vocabulary.promisedPurposes.contains(word)
                && !vocabulary.functionWords.contains(word) && !Self.pronouns.contains(word)
        })
        focusIsContextual = span.contains(where: Self.demonstratives.contains)
    }

    // MARK: Reading words

    private static let betweenDenialAndVerb: Set<String> = [
        "do", "does", "did", "will", "would", "shall", "should", "can", "may", "to", "be", "is", "are", "been", "ever",
        "also", "currently", "directly", "knowingly", "otherwise", "and", "or", "we", "it", "them", "your", "any",
    ]
    private static let conditions: Set<String> = ["unless", "if", "when", "where", "except", "excluding", "until"]

    /// The names whose phrases occur in `words`, in order of occurrence.
    private static func find(_ words: [String], _ phrases: [(name: String, phrase: [String])]) -> [String] {
        var found: [String] = []
        for index in words.indices {
            for entry in phrases where entry.phrase.first == words[index] && words[index...].starts(with: entry.phrase) {
                found.append(entry.name)
            }
        }
        return found
    }

    private static func phraseStarts(_ words: [String], _ phrases: [[String]]) -> [Int] {
        words.indices.filter { index in phrases.contains { words[index...].starts(with: $0) } }
    }

    private static let partyWords: Set<String> = ["partners", "partner", "vendors", "vendor", "providers", "provider", "advertisers",
                                                 "affiliates", "processors", "subprocessors", "brokers", "parties", "networks"]

    /// Who does the practice: the subject before the verb.
    private static func actor(_ words: [String], before verb: Int, denials: Set<String>) -> Actor {
        // "Don't share your credentials": an instruction to the reader.
        if let first = words.first, denials.contains(first) || first == "please" { return .user }
        let subject = words[..<min(verb, words.count)]
        if subject.contains("you") || subject.contains("users") { return .user }
        if subject.contains(where: partyWords.contains) { return .partner }
        if subject.contains("we") || subject.contains("our") || subject.contains("us") { return .company }
        return .unknown
    }

    /// "attribution" means advertising beside advertising words, and authorship elsewhere; "ad" in "ad
    /// hoc", "ad-free" or "ad blocker" is no advertisement.
    static func isPurposeSense(_ word: String, in words: [String], vocabulary: Vocabulary) -> Bool {
        switch word {
        case "attribution":
            return words.contains { $0 != "attribution" && vocabulary.adTechWords.contains($0) }
                || words.contains("marketing") || words.contains("campaigns")
        case "ad":
            // "ad hoc", "ad-free", "ad blocker": no advertisement shown.
            return !words.contains("hoc") && !words.contains("free") && !words.contains("blocker") && !words.contains("blockers")
        case "target", "targets":
            // "target you with online marketing", not "our target audience" or "the target of a request".
            return words.contains { $0 == "marketing" || $0 == "advertising" || $0 == "ads" || vocabulary.adTechWords.contains($0) }
        default:
            return true
        }
    }
}

private extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
