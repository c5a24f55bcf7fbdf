import Foundation
import PolicyModel
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// The export reader on real files: RFC 4180 CSV, JSON Lines, and the rows a real export gets wrong.
struct RecipientReaderTests {
    let today = CalendarDate(year: 2026, month: 11, day: 29)!

    func read(_ bytes: [UInt8], name: String, rule: EligibilityRule = .status(values: ["active"]),
              columns: RecipientColumns = RecipientColumns()) throws -> [RecipientEvent] {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        let reader = try RecipientReader(path: url.path, columns: columns, rule: rule, today: today)
        var events: [RecipientEvent] = []
        while let event = try reader.next() { events.append(event) }
        return events
    }

    func read(_ text: String, name: String, rule: EligibilityRule = .status(values: ["active"]),
              columns: RecipientColumns = RecipientColumns()) throws -> [RecipientEvent] {
        try read(Array(text.utf8), name: name, rule: rule, columns: columns)
    }

    @Test func csvQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let events = try read("""
            id,email,name,locale,status\r
            1,ada@example.com,"Lovelace, Ada",en,active\r
            2,bob@example.com,"Robert ""Bobby"" Tables",en,active\r
            3,cy@example.com,"two
            lines",fr,active\r
            4,dee@example.com,Dee,de,active\r

            """, name: "users.csv")
        let recipients = events.compactMap { if case .recipient(let r) = $0 { r } else { nil } }
        #expect(recipients.map(\.name) == ["Lovelace, Ada", "Robert \"Bobby\" Tables", "", "Dee"])
        #expect(recipients.map(\.line) == [2, 3, 4, 6], "a record spanning lines is numbered by its first line")
        // The line break in the third name cannot go into a header: the User is notified without it.
        #expect(recipients[2].note?.contains("line break") == true)
    }

    @Test func columnsAreMappedByHeaderName() throws {
        var columns = RecipientColumns()
        columns.id = "user_id"
        columns.email = "mail"
        columns.status = "state"
        let events = try read("state,mail,user_id\nactive,a@example.com,u1\nclosed,b@example.com,u2\n",
                              name: "users.csv", columns: columns)
        #expect(events.count == 2)
        guard case .recipient(let first) = events[0], case .ineligible(let issue) = events[1] else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(first.id == "u1" && first.email == "a@example.com" && first.name.isEmpty)
        #expect(issue.line == 3 && issue.id == "u2" && issue.action == .ineligible)
        #expect(issue.reason == "state is 'closed': not active", "the reason names the column and its value")
    }

    @Test func aMissingColumnIsAnErrorWithTheHeaderLine() throws {
        do {
            _ = try read("id,name\n1,Ada\n", name: "users.csv")
            Issue.record("expected an error")
        } catch let error as NoticeError {
            guard case .invalidExport(_, let line, let message) = error else { Issue.record("\(error)"); return }
            #expect(line == 1)
            #expect(message.contains("no column 'email'"))
        }
    }

    @Test func emptyExportIsAClearError() throws {
        do {
            _ = try read("", name: "users.csv")
            Issue.record("expected an error")
        } catch let error as NoticeError {
            #expect("\(error)".contains("empty export"))
        }
        // An empty JSON Lines export is just no Users.
        #expect(try read("", name: "users.jsonl").isEmpty)
    }

    @Test func invalidUTF8RejectsTheRowWithItsOffsetAndKeepsTheRest() throws {
        var bytes = Array("id,email,name,locale,status\n1,a@example.com,Ad".utf8)
        bytes += [0xC3, 0x28]  // a broken two-byte sequence
        bytes += Array(",en,active\n2,b@example.com,Bo,en,active\n".utf8)
        let events = try read(bytes, name: "users.csv")
        guard case .rejected(let issue) = events[0], case .recipient(let next) = events[1] else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(issue.line == 2)
        #expect(issue.reason == "invalid UTF-8 at byte 19 of the row", "after `1,a@example.com,Ad`")
        #expect(next.id == "2")

        let json = try read(Array(#"{"id":1,"email":"a@example.com","name":"\#u{0}"}"#.utf8).dropLast(3) + [0xFF] + Array("\"}\n".utf8),
                            name: "users.jsonl")
        guard case .rejected(let jsonIssue) = json[0] else { Issue.record("\(json)"); return }
        #expect(jsonIssue.reason.hasPrefix("invalid UTF-8 at byte"))
    }

    @Test func aTruncatedLastLineIsRejectedNotGuessed() throws {
        let csv = try read("id,email,name,locale,status\n1,a@example.com,Ada,en,active\n2,b@exam", name: "users.csv")
        guard case .rejected(let issue) = csv.last else { Issue.record("\(csv)"); return }
        #expect(issue.line == 3)
        #expect(issue.reason.contains("the export ends in the middle of it"))

        let jsonl = try read("""
            {"id": 1, "email": "a@example.com", "status": "active"}
            {"id": 2, "email": "b@exa
            """, name: "users.jsonl")
        guard case .rejected(let jsonIssue) = jsonl.last else { Issue.record("\(jsonl)"); return }
        #expect(jsonIssue.line == 2)
        #expect(jsonIssue.reason.contains("truncated"))
    }

    @Test func anUnclosedQuoteRejectsOneRowAndTheRestAreStillRead() throws {
        var text = "id,email,name,locale,status\n1,a@example.com,\"Ada,en,active\n"
        for id in 2...150 { text += "\(id),u\(id)@example.com,User \(id),en,active\n" }
        let events = try read(text, name: "users.csv")
        let recipients = events.compactMap { if case .recipient(let r) = $0 { r } else { nil } }
        let rejects = events.compactMap { if case .rejected(let r) = $0 { r } else { nil } }
        #expect(rejects.map(\.line) == [2])
        #expect(rejects.first?.reason == "a quoted field is never closed")
        #expect(recipients.count == 149, "no row after the stray quote is lost")
        #expect(recipients.first?.line == 3)
    }

    @Test func jsonLinesTakesNumbersEscapesAndNestedValues() throws {
        let events = try read(#"""
            {"id": 42, "email": "zoe@example.com", "name": "Zo\u00eb \ud83d\ude80 \"Z\"", "locale": "fr-CA", "status": "active", "tags": ["a", {"b": "}"}]}

            {"status": "active", "email": "x@example.com", "id": "u-7", "name": null}
            not json
            """#, name: "users.jsonl")
        #expect(events.count == 3, "the blank line is skipped")
        guard case .recipient(let zoe) = events[0], case .recipient(let x) = events[1], case .rejected(let bad) = events[2] else {
            Issue.record("\(events)")
            return
        }
        #expect(zoe.id == "42" && zoe.name == "Zoë 🚀 \"Z\"" && zoe.locale == "fr-CA")
        #expect(x.id == "u-7" && x.name.isEmpty && x.line == 3)
        #expect(bad.line == 4 && bad.reason.contains("not a JSON object"))
    }

    @Test func hostileNamesAreLeftOutButTheUserIsStillNotified() throws {
        let long = String(repeating: "N", count: 10_000)
        let events = try read("""
            id,email,name,locale,status
            1,a@example.com,"Ada\r\nBcc: attacker@evil.example",en,active
            2,b@example.com,\(long),en,active
            3,c@example.com,محمد علي,ar,active
            4,d@example.com,Zoe 👩‍💻,en,active
            5,e@example.com,Tab\there,en,active

            """, name: "users.csv")
        let recipients = events.compactMap { if case .recipient(let r) = $0 { r } else { nil } }
        #expect(recipients.count == 5)
        #expect(recipients[0].name.isEmpty && recipients[0].note != nil)
        #expect(recipients[1].name.isEmpty && recipients[1].note?.contains("over 200 characters") == true)
        #expect(recipients[2].name == "محمد علي" && recipients[2].note == nil)
        #expect(recipients[3].name == "Zoe 👩‍💻")
        #expect(recipients[4].name.isEmpty, "a tab is a control character too")
    }

    @Test func controlCharactersInIdsRejectTheRow() throws {
        let events = try read(#"{"id": "1\nBcc: x@evil.example", "email": "a@example.com", "status": "active"}"# + "\n",
                              name: "users.jsonl")
        guard case .rejected(let issue) = events[0] else { Issue.record("\(events)"); return }
        #expect(issue.reason.contains("control characters"))
    }

    @Test func eligibilityRules() throws {
        let csv = """
            id,email,status,verified,last_seen
            1,a@example.com,Active,yes,2026-01-01T10:00:00Z
            2,b@example.com,inactive,0,2025-11-29
            3,c@example.com,active,,2025-11-28
            4,d@example.com,pending,TRUE,

            """
        func eligible(_ rule: EligibilityRule) throws -> [String] {
            try read(csv, name: "users.csv", rule: rule).compactMap { if case .recipient(let r) = $0 { r.id } else { nil } }
        }
        #expect(try eligible(.status(values: ["active"])) == ["1", "3"], "status is compared without case")
        #expect(try eligible(.verified(column: "verified")) == ["1", "4"])
        #expect(try eligible(.activeWithin(column: "last_seen", months: 12)) == ["1", "2"], "12 months back from 2026-11-29")
    }

    @Test(arguments: [
        ("ada@example.com", nil),
        ("ada.lovelace+notices@mail.example.co.uk", nil),
        ("o'brien@example.ie", nil),
        ("", "no email address"),
        ("ada", "no @ in the address"),
        ("@example.com", "nothing before the @"),
        ("ada@", "no domain after the @"),
        ("ada@localhost", "the domain needs a dot (localhost)"),
        ("ada@example.com.", "empty label in the domain"),
        ("ada..x@example.com", "misplaced dot before the @"),
        (".ada@example.com", "misplaced dot before the @"),
        ("ada@-example.com", "domain label starts or ends with a hyphen"),
        ("ada lovelace@example.com", "character not allowed before the @"),
        ("ada@exa mple.com", "character not allowed in the domain"),
        ("ada@127.0.0.1", "the domain is a number"),
        ("zoë@example.com", "non-ASCII address (needs SMTPUTF8)"),
        ("a@b@example.com", "character not allowed before the @"),
        ("ada@example.com\r\nBcc: x@evil.example", "character not allowed before the @"),
        ("=?utf-8?b?YWRhQGV2aWwuZXhhbXBsZQ==?=@example.com", "an RFC 2047 encoded-word (=?) before the @, which receivers read differently"),
        ("=?x?q?ada=40evil.example?=@example.com", "an RFC 2047 encoded-word (=?) before the @, which receivers read differently"),
        ("a=b?c@example.com", nil),
    ] as [(String, String?)])
    func addresses(address: String, problem: String?) {
        #expect(EmailAddress.problem(address) == problem)
    }

    @Test func mailboxKeyIgnoresCaseAndExactKeepsTheLocalPart() {
        #expect(EmailAddress.mailboxKey("Ada@Example.COM") == "ada@example.com", "the default: one mailbox, whatever the case")
        #expect(EmailAddress.mailboxKey("Ada@Example.COM") == EmailAddress.mailboxKey("ada@example.com"))
        #expect(EmailAddress.mailboxKey("Ada@Example.COM", .exact) == "Ada@example.com")
        #expect(EmailAddress.mailboxKey("Ada@Example.COM", .exact) != EmailAddress.mailboxKey("ada@example.com", .exact))
        #expect(EmailAddress.mailboxKey("ada@EXAMPLE.com", .exact) == EmailAddress.mailboxKey("ada@example.com", .exact),
                "domains are compared without case either way")
    }

    @Test(arguments: [
        ("recent", "2024-01-31", "last_seen is 2024-01-31: over 12 months before 2026-11-29"),
        ("recent", "yesterday", "last_seen is 'yesterday': not a date"),
        ("verified", "no", "last_seen is 'no': not verified"),
        ("verified", "\u{1B}[2Jno", "last_seen is '\\x1B[2Jno': not verified"),
    ])
    func anIneligibleRowSaysWhy(rule: String, value: String, reason: String) throws {
        let eligibility: EligibilityRule = rule == "recent" ? .activeWithin(column: "last_seen", months: 12)
            : .verified(column: "last_seen")
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("users.csv").path
        try "id,email,last_seen\nu1,a@example.com,\(value)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try RecipientReader(path: path, rule: eligibility, today: CalendarDate(year: 2026, month: 11, day: 29)!)
        guard case .ineligible(let issue)? = try reader.next() else {
            Issue.record("the row should be ineligible")
            return
        }
        #expect(issue.reason == reason)
    }

    @Test func aStrayQuoteThatALaterLineClosesLosesNoRow() throws {
        // Line 2 opens a quote that line 4's quoted name appears to close: the joined "record" is
        // not a row, so line 2 alone is rejected and lines 3 and 4 are read again.
        let events = try read("""
            id,email,name,locale,status
            2,bob@example.com,"Bob ""unclosed,en,active
            3,cy@example.com,Cy,en,active
            4,dan@example.com,"Smith, Dan",en,active

            """, name: "users.csv")
        let recipients = events.compactMap { if case .recipient(let r) = $0 { r } else { nil } }
        let rejects = events.compactMap { if case .rejected(let r) = $0 { r } else { nil } }
        #expect(rejects.map(\.line) == [2])
        #expect(recipients.map(\.id) == ["3", "4"])
        #expect(recipients.last?.name == "Smith, Dan")
    }

    @Test func manyBlankLinesAreSkippedWithoutRecursion() throws {
        let text = "id,email,name,locale,status\n" + String(repeating: "\n", count: 200_000) + "1,a@example.com,Ada,en,active\n"
        let events = try read(text, name: "users.csv")
        #expect(events.count == 1)
    }

    @Test func aMisnamedJSONKeyIsAnErrorNotAnEmptyRun() throws {
        do {
            _ = try read(#"{"id": 1, "email": "a@example.com", "Status": "active"}"# + "\n", name: "users.jsonl")
            Issue.record("expected an error")
        } catch let error as NoticeError {
            #expect("\(error)".contains("no line has the key 'status'"))
        }
    }

    @Test func aRowOverTheMaximumIsRejectedUnreadAndTheNextRowsAreRead() throws {
        let long = String(repeating: "x", count: RecipientReader.maximumRowLength + 1)
        let row = "1,a@example.com,\(long),en,active"
        let csv = try read("id,email,name,locale,status\r\n\(row)\r\n2,b@example.com,Bo,en,active\n", name: "users.csv")
        guard case .rejected(let issue) = csv.first, case .recipient(let next) = csv.last else { Issue.record("\(csv)"); return }
        #expect(issue.line == 2 && issue.reason == "the row is over 64 KiB (\(row.utf8.count) bytes) and was not read",
                "the row's length without its CRLF")
        #expect(next.id == "2" && next.line == 3)

        let jsonl = try read(#"{"id": 1, "email": "a@example.com", "status": "active", "name": "\#(long)"}"# + "\n"
                             + #"{"id": 2, "email": "b@example.com", "status": "active"}"# + "\n", name: "users.jsonl")
        guard case .rejected(let jsonIssue) = jsonl.first, case .recipient(let jsonNext) = jsonl.last else {
            Issue.record("\(jsonl)")
            return
        }
        #expect(jsonIssue.line == 1 && jsonIssue.reason.hasPrefix("the row is over 64 KiB"))
        #expect(jsonNext.line == 2)

        // Without a header no row can be read: an error, not a reject.
        #expect(throws: NoticeError.self) { _ = try read("id,email,\(long)\n1,a@example.com\n", name: "users.csv") }
    }

    @Test func aLongLineIsSkippedAcrossManyBuffers() throws {
        // A line over the maximum that ends in the middle of a later buffer, CR before its LF there.
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("lines.txt")
        try Data(Array("short\n".utf8) + [UInt8](repeating: 0x61, count: 10_000) + Array("\r\nlast".utf8)).write(to: url)
        let lines = try ByteLines(path: url.path, maximumLength: 100, chunkSize: 64)
        var seen: [String] = []
        while let line = try lines.next({ String(decoding: $0, as: UTF8.self) }) {
            switch line {
            case .line(let text): seen.append(text)
            case .tooLong(let bytes): seen.append("too long: \(bytes)")
            }
        }
        #expect(seen == ["short", "too long: 10000", "last"])
        #expect(!lines.lastLineTerminated && lines.lineNumber == 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func aQuotedFieldOverManyLinesIsReadInLinearTime() throws {
        // 99 lines of 1 MB inside one quoted field: each line is over the maximum, rejected unread.
        let megabyte = String(repeating: "y", count: 1 << 20)
        var text = "id,email,name,locale,status\n1,a@example.com,\"" + megabyte
        for _ in 1..<99 { text += "\n" + megabyte }
        text += "\",en,active\n2,b@example.com,Bo,en,active\n"
        let clock = ContinuousClock()
        let start = clock.now
        let events = try read(text, name: "users.csv")
        #expect(clock.now - start < .seconds(10), "was 25 s in a release build, re-splitting the record for each line")
        #expect(events.compactMap { if case .recipient(let r) = $0 { r.id } else { nil } } == ["2"])

        // Under the maximum, a quoted field over 99 lines is one field, split in one pass.
        let line = String(repeating: "z", count: 600)
        let joined = try read("id,email,name,locale,status\n1,a@example.com,\"" + Array(repeating: line, count: 99).joined(separator: "\n")
                              + "\",en,active\n", name: "users.csv")
        guard case .recipient(let one) = joined.first else { Issue.record("\(joined)"); return }
        #expect(joined.count == 1 && one.line == 2 && one.note?.contains("line break") == true)
    }

    @Test(arguments: [
        ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        ("\r\nx", "\"'\r\nx\""), ("'x", "''x"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("plain", "plain"),
    ])
    func csvCellsAreGuardedAgainstFormulas(value: String, cell: String) {
        #expect(CSVText.field(value) == cell)
    }

    @Test func aReadErrorIsAnErrorNotTheEndOfTheExport() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = folder.appendingPathComponent("users.jsonl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let reader = try RecipientReader(path: directory.path, today: today)
        #expect(throws: NoticeError.self) { _ = try reader.next() }
    }
}
