import PolicyModel

/// What lint needs to know beyond the document itself.
public struct LintOptions: Sendable {
    /// Capitalised terms the policy uses but that are defined elsewhere (e.g. "Terms of Service").
    public var glossary: [String]
    /// The day lint runs on: a "Last updated" date after it is an error.
    public var today: CalendarDate

    public init(glossary: [String] = [], today: CalendarDate) {
        self.glossary = glossary
        self.today = today
    }
}
