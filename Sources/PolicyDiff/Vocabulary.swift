/// The words materiality turns on. Lowercase; matched against whole words.
enum Vocabulary {
    static let negations: Set<String> = Lexicon.words(PackageResources.negations_txt)
    static let modals: Set<String> = Lexicon.words(PackageResources.modals_txt)
    static let quantifiers: Set<String> = Lexicon.words(PackageResources.quantifiers_txt)
    /// Words that state an amount or a duration: those with a value (`numberValues`), and these.
    static let numberWords: Set<String> = Set(numberValues.keys).union([
        "thousand", "million", "once", "twice", "half", "first", "second", "third",
        "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes",
    ])
    static let places: Set<String> = Lexicon.words(PackageResources.places_txt)
    /// Words whose insertion or removal fixes grammar without changing what is promised.
    static let functionWords: Set<String> = Lexicon.words(PackageResources.function_words_txt)
    /// Capitalised at the start of a sentence, not because they name anyone.
    static let commonCapitalised: Set<String> = Lexicon.words(PackageResources.common_capitalised_txt)

    static let navigationWords: Set<String> = Lexicon.words(PackageResources.navigation_words_txt)

    /// Real words that are each other's typo: "fill in the from", "longer then needed". A change between
    /// the two is a spelling fix even where both are common words of the policy.
    static let confusables: [Set<String>] = Lexicon.pairs(PackageResources.confusables_txt)
    /// Words that link a sentence to the one before without changing what it says ("Furthermore, we…").
    static let connectives: [[String]] = Lexicon.phrases(PackageResources.connectives_txt).sorted { $0.count > $1.count }
    /// Conjunctions that join two sentences into one (", and you may" ↔ ". You may").
    static let sentenceJoiners: Set<String> = Lexicon.words(PackageResources.sentence_joiners_txt)
    /// The length of a unit of time in days, for comparing periods written in different units.
    static let daysPerUnit: [String: Double] = ["day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30,
                                                "year": 365, "years": 365, "hour": 1.0 / 24, "hours": 1.0 / 24]
    /// A period with no end: "indefinitely", "as long as necessary", "permanently".
    static let openEndedPeriods: [[String]] = Lexicon.phrases(PackageResources.open_ended_periods_txt)
    /// What a sale of personal data is of: a sale word in a clause without one of these ("the plans we sell",
    /// "Users who sell goods through the Service") sells no data.
    static let dataWords: Set<String> = Lexicon.words(PackageResources.data_words_txt)
    /// Goods and services a company or its Users sell: "sell" beside them is commerce, not a data sale.
    static let commerceWords: Set<String> = Lexicon.words(PackageResources.commerce_words_txt)
    /// Words after which a number points at a part of a document, not an amount.
    static let referenceWords: Set<String> = Lexicon.words(PackageResources.reference_words_txt)
    /// Verbs of a practice: a region that removes one of these with "consent" removed the practice too.
    static let practiceVerbs: Set<String> = Lexicon.words(PackageResources.practice_verbs_txt)
    /// Things a third party tracks with for itself: a pixel, a clear GIF, an SDK.
    static let trackerWords: Set<String> = Lexicon.words(PackageResources.tracker_words_txt)
    /// The words of a line that only announces a new version of the policy.
    static let updateNoticeWords: Set<String> = Lexicon.words(PackageResources.update_notice_words_txt)
    /// Words that say data flows to a party, or that a party tracks for itself, besides `disclosureWords`.
    static let flowWords: Set<String> = Lexicon.words(PackageResources.flow_words_txt)
    /// Words of a promise to ask for consent ("we will ask for it"): removing one with "consent" is adverse.
    static let consentPromiseWords: Set<String> = Lexicon.words(PackageResources.consent_promise_words_txt)
    /// Phrases that make a linked document part of what the User agrees to.
    static let bindingPhrases: [[String]] = Lexicon.phrases(PackageResources.binding_phrases_txt)

    /// Pairs of spellings that mean the same: `&` and `and`.
    static let equivalents: [Set<String>] = Lexicon.pairs(PackageResources.equivalents_txt)

    // Consent: adverse changes regulators treat as needing opt-in.
    static let disclosureWords: Set<String> = Lexicon.words(PackageResources.disclosure_words_txt)
    static let newPurposeWords: Set<String> = Lexicon.words(PackageResources.new_purpose_words_txt)
    /// A sale of personal data, in any wording.
    static let saleWords: Set<String> = Lexicon.words(PackageResources.sale_words_txt)
    /// Tracking that follows Users for advertising.
    static let adTechWords: Set<String> = Lexicon.words(PackageResources.ad_tech_words_txt)
    static let rightWords: Set<String> = Lexicon.words(PackageResources.right_words_txt)
    static let consentWords: Set<String> = Lexicon.words(PackageResources.consent_words_txt)
    static let retentionWords: Set<String> = Lexicon.words(PackageResources.retention_words_txt)

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
