import Foundation
import PolicyModel
@testable import PolicyRelease
import PolicyTestSupport
import Testing

@Suite struct ReleasePlannerTests {
    static let policy = try! String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)
    let day = CalendarDate(year: 2026, month: 11, day: 29)!

    @Test(arguments: [("Apr 15, 2025", "Nov 29, 2026"), ("April 15, 2025", "November 29, 2026"),
                      ("15 April 2025", "29 November 2026"), ("2025-04-15", "2026-11-29"),
                      ("Sept. 3, 2024", "Nov. 29, 2026")])
    func datesAreStampedInTheStyleTheyWereWritten(example: String, expected: String) {
        #expect(DateStamp.format(CalendarDate(year: 2026, month: 11, day: 29)!, like: example) == expected)
    }

    @Test func theFirstReleaseIsInitialAndTakesEffectAtOnce() throws {
        let plan = try ReleasePlanner(noticeDays: 30).plan(documentID: "privacy-policy", draftPath: "policy/privacy-policy.md",
                                                           draftText: Self.policy, history: ReleaseHistory(document: "privacy-policy"),
                                                           previousText: nil, date: day, effective: nil)
        #expect(plan.record.version == "v1")
        #expect(plan.record.verdict == .initial)
        #expect(plan.record.effectiveDate == day)
        #expect(plan.record.sha256 == ReleasePlanner.sha256(plan.stampedText))
        #expect(plan.record.sha256.count == 64)
    }

    @Test func materialChangesWaitForTheNoticePeriod() throws {
        let planner = ReleasePlanner(noticeDays: 30)
        let first = try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: Self.policy,
                                     history: ReleaseHistory(document: "p"), previousText: nil, date: day, effective: nil)
        let edited = first.stampedText.replacing("45 days", with: "60 days", maxReplacements: 1)
        let later = day.adding(days: 3)
        // A material release needs notes for Users (`ReleaseNotesTests` covers what happens without).
        let notes = try ReleaseNotes.validate(Array("We now answer requests within 60 days.".utf8))
        let second = try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: edited, history: first.history,
                                      previousText: first.stampedText, date: later, effective: nil, notes: notes)
        #expect(second.record.verdict == .material)
        #expect(second.record.effectiveDate == later.adding(days: 30))
        #expect(throws: ReleaseError.self) {
            try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: edited, history: first.history,
                             previousText: first.stampedText, date: later, effective: later.adding(days: 29), notes: notes)
        }
        let chosen = try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: edited, history: first.history,
                                      previousText: first.stampedText, date: later, effective: later.adding(days: 45), notes: notes)
        #expect(chosen.record.effectiveDate == later.adding(days: 45))
    }

    @Test func aPolicyWithoutALastUpdatedLineIsRefused() {
        #expect(throws: ReleaseError.noLastUpdatedLine(path: "policy/p.md")) {
            try ReleasePlanner(noticeDays: 30).plan(documentID: "p", draftPath: "policy/p.md", draftText: "# P\n\nText.\n",
                                                    history: ReleaseHistory(document: "p"), previousText: nil,
                                                    date: CalendarDate(year: 2026, month: 1, day: 1)!, effective: nil)
        }
    }

    @Test func changelogEntriesGoOnTopAndReplaceTheEmptyNote() {
        let record = ReleaseRecord(version: "v1", number: 1, releaseDate: day, effectiveDate: day, verdict: .initial,
                                   sha256: "ab", file: "v1.md", summary: ["First release."], overrides: [])
        let first = Changelog.inserting(Changelog.entry(for: record, title: "Privacy Policy"),
                                        into: "# Changelog\n\nIntro.\n\nNo policy has been released yet.\n")
        #expect(!first.contains("No policy has been released yet."))
        #expect(first.hasPrefix("# Changelog\n\nIntro.\n\n## Privacy Policy v1\n"))
        var second = record
        second.version = "v2"
        let both = Changelog.inserting(Changelog.entry(for: second, title: "Privacy Policy"), into: first)
        #expect(both.firstRange(of: "v2")!.lowerBound < both.firstRange(of: "## Privacy Policy v1")!.lowerBound)
    }

    @Test func oldMacLineEndingsAreStampedNotCrashed() throws {
        let text = "Privacy Policy\r==============\r\r_Last updated: May 1, 2024_\r\rWe keep data.\r"
        let plan = try ReleasePlanner(noticeDays: 30).plan(documentID: "p", draftPath: "policy/p.md", draftText: text,
                                                           history: ReleaseHistory(document: "p"), previousText: nil,
                                                           date: day, effective: nil)
        #expect(plan.stampedText == text.replacing("May 1, 2024", with: "November 29, 2026"))
    }

    @Test func aChangelogWithoutOurHeaderKeepsEverything() {
        let record = ReleaseRecord(version: "v1", number: 1, releaseDate: day, effectiveDate: day, verdict: .initial,
                                   sha256: "ab", file: "v1.md", summary: [], overrides: [])
        let existing = "Changelog\n=========\n\n## Policy v0\n\n- Older history.\n"
        let updated = Changelog.inserting(Changelog.entry(for: record, title: "Policy"), into: existing)
        #expect(updated.contains("- Older history."))
        #expect(updated.hasPrefix("Changelog\n=========\n"))
        #expect(updated.firstRange(of: "## Policy v1")!.lowerBound < updated.firstRange(of: "## Policy v0")!.lowerBound)
    }
}

/// CHANGELOG.md is Markdown: a section heading that starts "2. How We Use…" must not open a list.
@Suite struct ChangelogProseTests {
    @Test(arguments: [("2. How We Use Personal Data: material, 1 change", "2\\. How We Use Personal Data: material, 1 change"),
                      ("4.2 Cookies: editorial", "4.2 Cookies: editorial"),
                      ("- Preamble", "\\- Preamble"),
                      ("Preamble: editorial, 1 change (spelling)", "Preamble: editorial, 1 change (spelling)")])
    func numberedHeadingsStayProse(line: String, expected: String) {
        #expect(Changelog.prose(line) == expected)
    }
}
