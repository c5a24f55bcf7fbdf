import PolicyModel

/// What lint needs to know beyond the document itself.
public struct LintOptions: Sendable {
    /// The day lint runs on: a "Last updated" date after it is an error.
    public var today: CalendarDate

    public init(today: CalendarDate) {
        self.today = today
    }
}
