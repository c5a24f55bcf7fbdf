import PolicyTestSupport
import PolicyModel
import Testing

@Suite struct LastUpdatedTests {
    @Test func missingDateIsReportedAtTheTitle() {
        let input = MarkedText("""
            ⟨a⟩# Privacy Policy

            We collect little.
            """)
        #expect(findings("last-updated-missing", in: input) == input.expected([
            "a": "no “Last updated” date: add a line such as “Last updated: April 15, 2025” under the title",
        ]))
    }

    @Test func missingDateWithoutTitleHasNoLocation() {
        let input = MarkedText("We collect little.")
        #expect(findings("last-updated-missing", in: input)
                == ["- no “Last updated” date: add a line such as “Last updated: April 15, 2025” under the title"])
    }

    @Test(arguments: ["June 2023", "soon"])
    func unreadableDate(_ date: String) {
        let input = MarkedText("""
            # Privacy Policy

            ⟨a⟩_Last updated: \(date)_

            We collect little.
            """)
        #expect(findings("last-updated-invalid", in: input) == input.expected([
            "a": "the “Last updated” date “\(date)” is not a date: write a day, such as “April 15, 2025”",
        ]))
        #expect(findings("last-updated-missing", in: input) == [])
    }

    @Test func dateAfterToday() {
        let input = MarkedText("""
            # Privacy Policy

            ⟨a⟩_Last updated: June 2, 2026_
            """)
        let today = CalendarDate(year: 2026, month: 6, day: 1)!
        #expect(findings("last-updated-future", in: input, today: today) == input.expected([
            "a": "the “Last updated” date “June 2, 2026” (2026-06-02) is in the future: today is 2026-06-01",
        ]))
        #expect(findings("last-updated-future", in: input, today: today.adding(days: 1)) == [])
    }

    @Test func validPastDateHasNoFinding() {
        let input = MarkedText("""
            # Privacy Policy

            Last Updated: Apr 15, 2025

            We collect little.
            """)
        #expect(lint(input.text).filter { $0.rule.hasPrefix("last-updated") }.map(line) == [])
    }
}
