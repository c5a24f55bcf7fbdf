/// What a section of a policy is about: decides which changes need consent.
public enum SectionCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case collection, use, disclosure, rights, retention, transfers, children, contact, law, other
}

/// The project's say in classification (`policy/policyc.yml`, `diff:`).
public struct DiffOptions: Sendable {
    /// Section id (`sec-3`) or heading title, lowercased → category; the rest is guessed from titles.
    public var sectionCategories: [String: SectionCategory]
    /// Extra words whose appearance or disappearance makes a change material.
    public var sensitiveWords: [String]
    /// Author decisions on single changes, by fingerprint.
    public var overrides: [Override]
    /// Names that stand for the same party ("Facebook" and "Meta", a vendor that renamed itself; a product
    /// and its short name): one written for another names no new party.
    public var sameParties: [[String]]
    /// Entries the project adds to the built-in lexicons (`Lexicon/*.txt`), by lexicon name.
    public var lexicon: [String: [String]]

    public init(sectionCategories: [String: SectionCategory] = [:], sensitiveWords: [String] = [],
                overrides: [Override] = [], sameParties: [[String]] = [], lexicon: [String: [String]] = [:]) {
        self.sectionCategories = sectionCategories
        self.sensitiveWords = sensitiveWords
        self.overrides = overrides
        self.sameParties = sameParties
        self.lexicon = lexicon
    }

    /// The names of the lexicons a project may extend, as `diff.lexicon` takes them.
    public static var lexiconNames: [String] { Vocabulary.files.keys.sorted() }
}
