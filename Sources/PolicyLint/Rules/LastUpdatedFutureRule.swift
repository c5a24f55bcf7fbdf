import PolicyModel

/// A "Last updated" date after today.
enum LastUpdatedFutureRule: LintRule {
    static let id = "last-updated-future"
    static let severity = Diagnostic.Severity.error
    static let summary = "the \"Last updated\" date is in the future"

    static func check(_ document: Document, options: LintOptions) -> [LintFinding] {
        guard let lastUpdated = document.lastUpdated, let date = lastUpdated.date, date > options.today else { return [] }
        return [LintFinding(.dateInFuture(lastUpdated.text, date: date, today: options.today), at: lastUpdated.location)]
    }
}

extension LintMessage {
    fileprivate static func dateInFuture(_ text: String, date: CalendarDate, today: CalendarDate) -> LintMessage {
        "the “Last updated” date \(quoted(text)) (\(date)) is in the future: today is \(today)"
    }
}
