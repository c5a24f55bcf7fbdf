/// The words materiality turns on. Lowercase; matched against whole words.
struct Vocabulary: Sendable {
    /// The lexicons as built in, with no project's additions.
    static let standard = Vocabulary()

    /// Every lexicon file of `Lexicon/`, by name (the file name without `.txt`): the names a project may
    /// extend in `policyc.yml` (`diff.lexicon`).
    static let files: [String: [UInt8]] = [
        "ad-tech-words": PackageResources.ad_tech_words_txt,
        "binding-phrases": PackageResources.binding_phrases_txt,
        "commerce-words": PackageResources.commerce_words_txt,
        "common-capitalised": PackageResources.common_capitalised_txt,
        "confusables": PackageResources.confusables_txt,
        "connectives": PackageResources.connectives_txt,
        "consent-bases": PackageResources.consent_bases_txt,
        "consent-promise-words": PackageResources.consent_promise_words_txt,
        "consent-words": PackageResources.consent_words_txt,
        "data-words": PackageResources.data_words_txt,
        "disclosure-words": PackageResources.disclosure_words_txt,
        "equivalents": PackageResources.equivalents_txt,
        "flow-words": PackageResources.flow_words_txt,
        "function-words": PackageResources.function_words_txt,
        "modals": PackageResources.modals_txt,
        "navigation-words": PackageResources.navigation_words_txt,
        "negations": PackageResources.negations_txt,
        "new-purpose-words": PackageResources.new_purpose_words_txt,
        "open-ended-periods": PackageResources.open_ended_periods_txt,
        "own-use": PackageResources.own_use_txt,
        "places": PackageResources.places_txt,
        "practice-verbs": PackageResources.practice_verbs_txt,
        "promised-purposes": PackageResources.promised_purposes_txt,
        "practices": PackageResources.practices_txt,
        "quantifiers": PackageResources.quantifiers_txt,
        "recipients": PackageResources.recipients_txt,
        "reference-words": PackageResources.reference_words_txt,
        "retention-words": PackageResources.retention_words_txt,
        "right-words": PackageResources.right_words_txt,
        "rights": PackageResources.rights_txt,
        "sale-words": PackageResources.sale_words_txt,
        "sentence-joiners": PackageResources.sentence_joiners_txt,
        "tracker-words": PackageResources.tracker_words_txt,
        "update-notice-words": PackageResources.update_notice_words_txt,
    ]

    /// The built-in lexicons, each extended by the project's entries of the same name: lines as the
    /// file's own ("Quebec" for `places`, "notes app | quillmate" for `equivalents`).
    init(extensions: [String: [String]] = [:]) {
        func lexicon(_ name: String) -> [UInt8] {
            let added = extensions[name, default: []].map { $0.lowercased() }.joined(separator: "\n")
            return Self.files[name]! + Array(("\n" + added).utf8)
        }
        negations = Lexicon.words(lexicon("negations"))
        modals = Lexicon.words(lexicon("modals"))
        quantifiers = Lexicon.words(lexicon("quantifiers"))
        places = Lexicon.words(lexicon("places"))
        functionWords = Lexicon.words(lexicon("function-words"))
        commonCapitalised = Lexicon.words(lexicon("common-capitalised"))
        navigationWords = Lexicon.words(lexicon("navigation-words"))
        confusables = Lexicon.pairs(lexicon("confusables"))
        connectives = Lexicon.phrases(lexicon("connectives")).sorted { $0.count > $1.count }
        sentenceJoiners = Lexicon.words(lexicon("sentence-joiners"))
        openEndedPeriods = Lexicon.phrases(lexicon("open-ended-periods"))
        dataWords = Lexicon.words(lexicon("data-words"))
        commerceWords = Lexicon.words(lexicon("commerce-words"))
        referenceWords = Lexicon.words(lexicon("reference-words"))
        practiceVerbs = Lexicon.words(lexicon("practice-verbs"))
        trackerWords = Lexicon.words(lexicon("tracker-words"))
        updateNoticeWords = Lexicon.words(lexicon("update-notice-words"))
        flowWords = Lexicon.words(lexicon("flow-words"))
        consentPromiseWords = Lexicon.words(lexicon("consent-promise-words"))
        bindingPhrases = Lexicon.phrases(lexicon("binding-phrases"))
        // Each spelling to every other of its lines: a region's words are looked up, not every line scanned.
        equivalents = Lexicon.pairs(lexicon("equivalents")).reduce(into: [:]) { table, group in
            for spelling in group { table[spelling, default: []].formUnion(group.subtracting([spelling])) }
        }
        disclosureWords = Lexicon.words(lexicon("disclosure-words"))
        newPurposeWords = Lexicon.words(lexicon("new-purpose-words"))
        promisedPurposes = Lexicon.words(lexicon("promised-purposes"))
        saleWords = Lexicon.words(lexicon("sale-words"))
        adTechWords = Lexicon.words(lexicon("ad-tech-words"))
        rightWords = Lexicon.words(lexicon("right-words"))
        consentWords = Lexicon.words(lexicon("consent-words"))
        retentionWords = Lexicon.words(lexicon("retention-words"))
        practices = Lexicon.namedPhrases(lexicon("practices"))
        rights = Lexicon.namedPhrases(lexicon("rights"))
        consentBases = Lexicon.namedPhrases(lexicon("consent-bases"))
        recipients = Lexicon.phrases(lexicon("recipients"))
        ownUse = Lexicon.phrases(lexicon("own-use"))
        denials = negations.subtracting(["without", "unless", "except", "excluding"])
        practiceOfWord = Dictionary(practices.filter { $0.phrase.count == 1 }.map { ($0.phrase[0], $0.name) },
                                    uniquingKeysWith: { first, _ in first })
    }

    /// What is done with data (`practices.txt`), each phrase with its practice's name.
    let practices: [(name: String, phrase: [String])]
    let practiceOfWord: [String: String]
    /// The rights and choices of Users (`rights.txt`), each phrase with its right's name.
    let rights: [(name: String, phrase: [String])]
    /// Opt-in and opt-out phrases (`consent-bases.txt`).
    let consentBases: [(name: String, phrase: [String])]
    /// Recipients adverse to Users (`recipients.txt`).
    let recipients: [[String]]
    /// A recipient using data for its own ends (`own-use.txt`).
    let ownUse: [[String]]
    /// Negations that deny, not those that set a condition ("without", "unless").
    let denials: Set<String>

    let negations: Set<String>
    let modals: Set<String>
    let quantifiers: Set<String>
    /// Words that state an amount or a duration: those with a value (`numberValues`), and these.
    static let numberWords: Set<String> = Set(numberValues.keys).union([
        "thousand", "million", "once", "twice", "half", "first", "second", "third",
        "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes",
    ])
    let places: Set<String>
    /// Words whose insertion or removal fixes grammar without changing what is promised.
    let functionWords: Set<String>
    /// Capitalised at the start of a sentence, not because they name anyone.
    let commonCapitalised: Set<String>

    let navigationWords: Set<String>

    /// Real words that are each other's typo: "fill in the from", "longer then needed". A change between
    /// the two is a spelling fix even where both are common words of the policy.
    let confusables: [Set<String>]
    /// Words that link a sentence to the one before without changing what it says ("Furthermore, we…").
    let connectives: [[String]]
    /// Conjunctions that join two sentences into one (", and you may" ↔ ". You may").
    let sentenceJoiners: Set<String>
    /// The length of a unit of time in days, for comparing periods written in different units.
    static let daysPerUnit: [String: Double] = ["day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30,
                                                "year": 365, "years": 365, "hour": 1.0 / 24, "hours": 1.0 / 24]
    /// A period with no end: "indefinitely", "as long as necessary", "permanently".
    let openEndedPeriods: [[String]]
    /// What a sale of personal data is of: a sale word in a clause without one of these ("the plans we sell",
    /// "Users who sell goods through the Service") sells no data.
    let dataWords: Set<String>
    /// Goods and services a company or its Users sell: "sell" beside them is commerce, not a data sale.
    let commerceWords: Set<String>
    /// Words after which a number points at a part of a document, not an amount.
    let referenceWords: Set<String>
    /// Verbs of a practice: a region that removes one of these with "consent" removed the practice too.
    let practiceVerbs: Set<String>
    /// Things a third party tracks with for itself: a pixel, a clear GIF, an SDK.
    let trackerWords: Set<String>
    /// The words of a line that only announces a new version of the policy.
    let updateNoticeWords: Set<String>
    /// Words that say data flows to a party, or that a party tracks for itself, besides `disclosureWords`.
    let flowWords: Set<String>
    /// Words of a promise to ask for consent ("we will ask for it"): removing one with "consent" is adverse.
    let consentPromiseWords: Set<String>
    /// Phrases that make a linked document part of what the User agrees to.
    let bindingPhrases: [[String]]

    /// Each spelling to the others that mean the same (`&` → `and`), from `Lexicon/equivalents.txt`.
    let equivalents: [String: Set<String>]

    // Consent: adverse changes regulators treat as needing opt-in.
    let disclosureWords: Set<String>
    let newPurposeWords: Set<String>
    /// Purposes a promise may deny, adverse to withdraw but not new by being named: marketing.
    let promisedPurposes: Set<String>
    /// A sale of personal data, in any wording.
    let saleWords: Set<String>
    /// Tracking that follows Users for advertising.
    let adTechWords: Set<String>
    let rightWords: Set<String>
    let consentWords: Set<String>
    let retentionWords: Set<String>

    static func isNumber(_ word: String) -> Bool {
        word.unicodeScalars.contains { ("0"..."9").contains($0) } || numberWords.contains(word)
    }

    private static let numberValues: [String: Double] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
        "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    ]

    /// The numeric value of a word, where it has one (`30`, `thirty`).
    static func value(_ word: String) -> Double? {
        // Digits first, by byte: every word of a reworded clause is asked, and `Character.isNumber` is a
        // Unicode property lookup (a tenth of a 1 MB diff's instructions when every character asked it).
        guard let first = word.utf8.first else { return nil }
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) { return Double(word.filter { $0.isNumber || $0 == "." }) }
        return numberValues[word]
    }

    /// Keywords that say what a section is about, by category, tried in this order.
    static let categoryKeywords: [(SectionCategory, [String])] = [
        (.children, ["child", "minor", "kids", "under 13", "under 16", "age"]),
        (.retention, ["retention", "retain", "how long", "storage", "keep"]),
        (.transfers, ["international", "transfer", "cross-border", "outside"]),
        (.rights, ["right", "choice", "control", "opt", "access", "your data", "preferences"]),
        (.disclosure, ["share", "sharing", "disclos", "third part", "sell", "sale", "recipients", "processors"]),
        (.collection, ["collect", "information we", "data we", "sources", "cookies", "tracking"]),
        (.use, ["use", "purpose", "process", "legal bases", "legal basis"]),
        (.contact, ["contact", "questions", "reach us"]),
        (.law, ["law", "governing", "jurisdiction", "dispute", "arbitration"]),
    ]
}
