import Foundation
import PolicyModel
@testable import PolicyRelease
import PolicyTestSupport
import Testing

/// Release notes: what a release accepts, how it keeps them, and where a release must have them.
@Suite struct ReleaseNotesTests {
    @Test func notesAreNormalisedAndKeptAsMarkdown() throws {
        let notes = try ReleaseNotes.validate(Array("\r\n  We now keep **backups** for 60 days.\r\n\r\n- You can [ask us](https://example.com/ask) to delete them.\r\n\r\n\r\n".utf8))
        #expect(notes.text == "We now keep **backups** for 60 days.\n\n- You can [ask us](https://example.com/ask) to delete them.\n")
        #expect(notes.document.preamble.count == 2)
    }

    /// Each hostile or empty input is refused with the rule it breaks and, where there is one, its line.
    @Test(arguments: [
        ("", "empty-document", nil),
        (" \n\t\n", "empty-document", nil),
        ("Fine.\n\n<script>alert(1)</script>\n", "raw-html", 3),
        ("Fine, <b>bold</b>.\n", "raw-html", 1),
        ("Read [this](javascript:alert(1)).\n", "unsafe-link", 1),
        ("Read [this]( JaVaScRiPt:alert(1)).\n", "unsafe-link", 1),
        ("Line one.\n\n![x](data:image/png;base64,AAAA)\n", "unsafe-link", 3),
        ("See [x][r].\n\n[r]: vbscript:msgbox\n", "unsafe-link", 1),
        ("- a list\n- with *[a link](file:///etc/passwd)* inside\n", "unsafe-link", 2),
        ("# What is changing\n\nText.\n", "notes-heading", 1),
        ("Text.\n\nA heading\n---------\n\nMore.\n", "notes-heading", 3),
        ("We do\u{202E}ton sell.\n", "control-character", 1),
        ("Fine.\nAn escape \u{1B}[8m here.\n", "control-character", 2),
        (String(repeating: "Long words. ", count: 400), "notes-too-long", nil),
    ] as [(String, String, Int?)])
    func hostileOrEmptyNotesAreRefused(_ text: String, _ rule: String, _ line: Int?) {
        #expect {
            try ReleaseNotes.validate(Array(text.utf8))
        } throws: { error in
            guard let problem = error as? ReleaseNotes.Problem else { return false }
            return problem.rule == rule && problem.line == line
        }
    }

    @Test func invalidUTF8IsRefusedWithItsOffset() {
        #expect {
            try ReleaseNotes.validate([0x4F, 0x4B, 0x20, 0xC3, 0x28])
        } throws: { error in
            (error as? ReleaseNotes.Problem)?.description == "release notes are not valid UTF-8 (byte 3) [invalid-utf8]"
        }
    }

    /// A release that Users are told of cannot be made without notes; an editorial one can.
    @Test func materialReleasesNeedNotesAndKeepThem() throws {
        let v1 = try String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)
        let planner = ReleasePlanner(noticeDays: 30)
        let first = try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: v1, history: ReleaseHistory(document: "p"),
                                     previousText: nil, date: CalendarDate(iso: "2026-11-02")!, effective: nil)
        let material = v1.replacing("45 days", with: "60 days", maxReplacements: 1)
        #expect(throws: ReleaseError.notesRequired(document: "p", verdict: .material)) {
            try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: material, history: first.history,
                             previousText: first.stampedText, date: CalendarDate(iso: "2026-11-20")!, effective: nil)
        }
        let notes = try ReleaseNotes.validate(Array("You have **60 days** to appeal.\n".utf8))
        let plan = try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: material, history: first.history,
                                    previousText: first.stampedText, date: CalendarDate(iso: "2026-11-20")!, effective: nil,
                                    notes: notes)
        #expect(plan.record.notes == "v2.notes.md")
        #expect(plan.record.notesSHA256 == ReleasePlanner.sha256(notes.text))
        #expect(plan.changelogEntry.hasPrefix("## Privacy Policy v2\n\nYou have **60 days** to appeal.\n\n- Released: 2026-11-20\n"))
        // Editorial: notes are optional.
        let editorial = v1.replacing("\n* ", with: "\n- ")
        let plain = try planner.plan(documentID: "p", draftPath: "policy/p.md", draftText: editorial, history: first.history,
                                     previousText: first.stampedText, date: CalendarDate(iso: "2026-11-20")!, effective: nil)
        #expect(plain.record.verdict == .editorial && plain.record.notes == nil)
        // A record without notes encodes as before (no keys), so older archives stay byte for byte.
        let encoded = String(decoding: try JSONEncoder().encode(plain.record), as: UTF8.self)
        #expect(!encoded.contains("notes"))
    }

    /// The journal may name the notes a release writes, and nothing that merely looks like them.
    @Test func theJournalAcceptsTheNotesAReleaseWritesAndNothingElse() {
        for path in ["policy/archive/p/v3.notes.md", "policy/p.notes.md", "policy/archive/p/v12.md"] {
            #expect(FileTransaction.isReleaseTarget(path), "\(path)")
        }
        for path in ["policy/archive/p/v03.notes.md", "policy/archive/p/x.notes.md", "policy/archive/p/v3.notes.txt",
                     "policy/archive/p/.notes.md", "policy/archive/p/v3.notes.md/x", "policy/archive/../v3.notes.md",
                     "notes.md", "policy/archive/p/v.notes.md", "policy/archive/p/v3.NOTES.md"] {
            #expect(!FileTransaction.isReleaseTarget(path), "\(path)")
        }
    }

    @Test func datesInWordsNeedNoMachineLocale() {
        let date = CalendarDate(iso: "2027-01-06")!
        #expect(DateWords.format(date, locale: "en") == "6 January 2027")
        #expect(DateWords.format(date, locale: "fr") == "6 janvier 2027")
        #expect(DateWords.format(CalendarDate(iso: "2026-08-01")!, locale: "fr-CA") == "1er août 2026")
        #expect(DateWords.format(CalendarDate(iso: "2026-12-02")!, locale: "FR_fr") == "2 décembre 2026")
        #expect(DateWords.format(date, locale: "xx") == "6 January 2027")
    }
}
