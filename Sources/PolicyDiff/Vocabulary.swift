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

    /// Real words that are each other's typo: "fill in the from", "longer then needed". A change between
    /// the two is a spelling fix even where both are common words of the policy.
    static let confusables: [Set<String>] = [["form", "from"], ["then", "than"], ["its", "it's"],
                                             ["your", "you're"], ["there", "their"], ["whose", "who's"],
                                             ["loose", "lose"], ["complimentary", "complementary"],
                                             ["principal", "principle"], ["discrete", "discreet"],
                                             ["affect", "effect"], ["and", "an"], ["out", "our"],
                                             ["to", "too"], ["were", "where"], ["now", "know"]]
    /// Words that link a sentence to the one before without changing what it says ("Furthermore, we…").
    static let connectives: Set<String> = ["furthermore", "moreover", "additionally", "also", "further", "however",
                                           "note", "please", "importantly", "accordingly", "consequently",
                                           "therefore", "thus", "likewise", "similarly", "generally"]
    /// Conjunctions that join two sentences into one (", and you may" ↔ ". You may").
    static let sentenceJoiners: Set<String> = ["and", "but"]
    /// The length of a unit of time in days, for comparing periods written in different units.
    static let daysPerUnit: [String: Double] = ["day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30,
                                                "year": 365, "years": 365, "hour": 1.0 / 24, "hours": 1.0 / 24]
    /// A period with no end: "indefinitely", "as long as necessary", "permanently".
    static let openEndedPeriods: [[String]] = [["indefinitely"], ["permanently"], ["forever"], ["as", "long", "as"],
                                               ["until", "you", "delete"], ["no", "longer", "than", "necessary"]]
    /// What a sale of personal data is of: a sale word in a clause without one of these ("the plans we sell",
    /// "Users who sell goods through the Service") sells no data.
    static let dataWords: Set<String> = ["data", "information", "personal", "details", "identifiers", "profile",
                                         "profiles", "contacts", "contact", "location", "history", "address",
                                         "addresses", "email", "emails", "phone", "your", "users", "customers",
                                         "records", "health", "biometric", "browsing", "usage"]
    /// Goods and services a company or its Users sell: "sell" beside them is commerce, not a data sale.
    static let commerceWords: Set<String> = ["goods", "products", "product", "merchandise", "plans", "plan",
                                             "subscriptions", "subscription", "tickets", "items", "tax", "taxes",
                                             "wholesale", "sellers", "seller", "stores", "shop", "shops", "marketplace"]
    /// Words after which a number points at a part of a document, not an amount.
    static let referenceWords: Set<String> = ["section", "sections", "article", "articles", "paragraph", "paragraphs",
                                              "clause", "clauses", "part", "parts", "annex", "appendix", "§"]
    /// Verbs of a practice: a region that removes one of these with "consent" removed the practice too.
    static let practiceVerbs: Set<String> = ["collect", "collects", "use", "uses", "share", "shares", "sell", "sells",
                                             "disclose", "discloses", "process", "processes", "send", "sends", "store",
                                             "stores", "combine", "combines", "track", "tracks", "transfer", "transfers",
                                             "access", "analyse", "analyze", "record", "records", "receive", "receives"]
    /// Words that say data flows to a party, or that a party tracks for itself, besides `disclosureWords`.
    static let flowWords: Set<String> = ["send", "sends", "sent", "provide", "provides", "provided", "transmit",
                                         "transmits", "pass", "passes", "passed", "receive", "receives", "pixel",
                                         "pixels", "beacon", "beacons", "gif", "gifs", "sdk", "sdks", "cookie", "cookies", "tag",
                                         "tags", "javascript", "script", "scripts"]
    /// Words of a promise to ask for consent ("we will ask for it"): removing one with "consent" is adverse.
    static let consentPromiseWords: Set<String> = ["ask", "seek", "obtain", "request", "requires", "require"]
    /// Phrases that make a linked document part of what the User agrees to.
    static let bindingPhrases: [[String]] = [["incorporated", "by", "reference"], ["agree", "to"], ["bound", "by"],
                                             ["governed", "by"]]

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
