/// The words materiality turns on. Lowercase; matched against whole words.
enum Vocabulary {
    static let negations: Set<String> = ["not", "no", "never", "neither", "nor", "without", "none", "nothing",
                                         "cannot", "can't", "won't", "don't", "doesn't", "didn't", "isn't",
                                         "aren't", "shouldn't", "wouldn't", "unless", "except", "excluding"]
    static let modals: Set<String> = ["may", "might", "will", "shall", "must", "can", "could", "should", "would",
                                      "need", "required", "require", "requires", "optional", "mandatory"]
    static let quantifiers: Set<String> = ["all", "any", "some", "every", "each", "only", "certain", "most", "few",
                                           "many", "several", "always", "sometimes", "solely", "exclusively",
                                           "limited", "including", "includes", "include", "other", "additional"]
    /// Words that state an amount or a duration: those with a value (`numberValues`), and these.
    static let numberWords: Set<String> = Set(numberValues.keys).union([
        "thousand", "million", "once", "twice", "half", "first", "second", "third",
        "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes",
    ])
    static let places: Set<String> = ["eea", "eu", "european", "union", "uk", "united", "kingdom", "states", "us",
                                      "u.s", "usa", "america", "american", "california", "canada", "china", "india",
                                      "japan", "brazil", "switzerland", "swiss", "singapore", "australia",
                                      "ireland", "germany", "france", "russia", "virginia", "colorado", "texas",
                                      "abroad", "worldwide", "international", "country", "countries", "region",
                                      "regions", "sydney", "london", "dublin", "frankfurt", "paris", "amsterdam",
                                      "tokyo", "seoul", "mumbai", "toronto", "oregon", "ohio", "europe", "asia",
                                      "africa", "australian", "canadian", "british"]
    /// Words whose insertion or removal fixes grammar without changing what is promised.
    static let functionWords: Set<String> = ["a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with",
                                             "from", "as", "that", "which", "is", "are", "be", "its", "it", "this",
                                             "these", "those", "also"]
    /// Capitalised at the start of a sentence, not because they name anyone.
    static let commonCapitalised: Set<String> = ["our", "we", "you", "your", "the", "this", "these", "those", "if",
                                                 "when", "where", "in", "for", "to", "a", "an", "as", "by", "with",
                                                 "it", "its", "they", "their", "some", "any", "all", "each", "other",
                                                 "and", "or", "but", "please", "users", "user", "personal", "data",
                                                 "information", "service", "services", "policy", "privacy", "i"]

    static let navigationWords: Set<String> = ["learn", "more", "read", "click", "here", "see", "details", "find", "out",
                                               "below", "above", "this", "page", "link", "visit"]

    /// Pairs of spellings that mean the same: `&` and `and`.
    static let equivalents: [Set<String>] = [["&", "and"], ["e.g", "for example"], ["i.e", "that is"],
                                             ["solely", "only"], ["via", "through"], ["and/or", "or"],
                                             ["can not", "cannot"]]

    // Consent: adverse changes regulators treat as needing opt-in.
    static let disclosureWords: Set<String> = ["share", "shares", "shared", "sharing", "sell", "sells", "sold",
                                               "sale", "sales", "selling", "disclose", "discloses", "disclosed",
                                               "disclosure", "rent", "trade", "license", "transfer", "transfers",
                                               "transferred", "partners", "partner", "third-party", "broker",
                                               "brokers", "advertisers", "affiliates"]
    static let newPurposeWords: Set<String> = ["advertising", "advertisements", "advertisement", "ads", "ad",
                                               "targeted", "targeting", "profiling", "train", "training", "trained",
                                               "attribution", "retargeting", "remarketing", "biometric", "geolocation"]
    /// A sale of personal data, in any wording.
    static let saleWords: Set<String> = ["sell", "sells", "sold", "sale", "sales", "selling", "rent", "rents",
                                         "brokers", "broker"]
    /// Tracking that follows Users for advertising.
    static let adTechWords: Set<String> = ["advertising", "advertisers", "advertiser", "ads", "ad", "pixel", "pixels",
                                           "attribution", "retargeting", "remarketing", "targeted", "targeting",
                                           "cross-site", "beacon", "beacons"]
    static let rightWords: Set<String> = ["right", "rights", "opt", "opt-out", "optout", "delete", "deletion",
                                          "erase", "erasure", "access", "correct", "rectify", "object", "objection",
                                          "withdraw", "portability", "restrict", "complaint", "appeal", "choice",
                                          "choices", "unsubscribe", "request", "requests"]
    static let consentWords: Set<String> = ["consent", "consents", "permission", "opt-in", "authorize",
                                            "authorization", "approval"]
    static let retentionWords: Set<String> = ["retain", "retains", "retained", "retention", "keep", "keeps", "kept",
                                              "store", "stores", "stored", "storage", "preserve", "delete", "deleted",
                                              "archive"]

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
