import Foundation
import GRDB
import PolicyModel
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// Notices corrected before they are sent (`--replan`), the ledger's v3 history (plans, runs and their
/// rejects), exports with nothing in them, mailbox dedupe, and localised notices: real files, real
/// SQLite, the project's own templates.
struct CorrectionTests {
    let folder: URL
    let notifier: NotifierTests

    init() throws {
        folder = try Fixtures.temporaryDirectory()
        notifier = NotifierTests(folder: folder)
    }

    /// A request whose config and facts carry `baseURL`, as the project layer makes them.
    func request(users: String = "users.csv", baseURL: String = "https://quillmate.example/legal") throws -> NotifyRequest {
        var request = try notifier.request(users: users, batchSize: 4)
        request.facts.pageURL = "\(baseURL)/privacy-policy/v2.html"
        request.facts.changesURL = "\(baseURL)/privacy-policy/v2-changes.html"
        request.config = ["notice.from": "Quillmate Legal <legal@quillmate.example>", "site.title": "Quillmate Legal",
                          "site.baseURL": baseURL]
        request.projectRoot = folder
        return request
    }

    /// The text/plain part of a batch line's message, decoded.
    static func plainText(_ line: [String: String]) -> String {
        let raw = line["raw"]!
        return MessageTests.body(String(raw[raw.range(of: "text/plain")!.lowerBound...]))
    }

    func refusal(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aReplanRewritesTheUnsentNoticesAndTheLedgerKeepsTheFirstPlan() throws {
        try notifier.writeUsers("users.csv", ids: 1...10)
        // The mistake: no base URL, so every link is relative.
        let first = try Notifier.run(request(baseURL: ""))
        #expect(first.planned == 10 && first.plan == 1)
        let before = try notifier.jsonLines()
        #expect(before.allSatisfy { Self.plainText($0).contains(": /privacy-policy/v2.html\n") })

        // A second notify with the corrected config says what changed, and that --replan exists.
        let refused = refusal { _ = try Notifier.run(request()) }
        #expect(refused.contains("site.baseURL ('' → 'https://quillmate.example/legal')"), "\(refused)")
        #expect(refused.contains("--replan") && refused.contains("10 unsent notices"), "\(refused)")

        var replan = try request()
        replan.replan = true
        let report = try Notifier.run(replan)
        #expect(report.replanned == 10 && report.plan == 2 && report.planned == 0 && report.alreadyPlanned == 10)
        let after = try notifier.jsonLines()
        #expect(after.count == 10
                && after.allSatisfy { Self.plainText($0).contains(": https://quillmate.example/legal/privacy-policy/v2.html\n") })
        #expect(after.map { $0["messageId"]! } == before.map { $0["messageId"]! }, "same Users, same Message-IDs, same order")
        #expect(zip(after, before).allSatisfy { $0["contentHash"] != $1["contentHash"] }, "each content hash is the new text's")
        let hashes = try notifier.ledgerRows("SELECT content_hash FROM notice ORDER BY id").map { $0["content_hash"] as String }
        #expect(hashes == after.map { $0["contentHash"]! }, "the ledger's hashes are the files'")

        let ledger = try NoticeLedger(path: folder.appendingPathComponent("ledger.sqlite").path)
        let plans = try ledger.plans(releaseID: 1)
        #expect(plans.map(\.number) == [1, 2])
        #expect(plans[0].supersededAt != nil && plans[1].supersededAt == nil)
        #expect(plans[0].config["site.baseURL"] == "" && plans[1].config["site.baseURL"] == "https://quillmate.example/legal")
        #expect(plans[0].configDigest != plans[1].configDigest && plans[0].templatesDigest == plans[1].templatesDigest)
        let kept = try notifier.ledgerRows("SELECT p.number, t.text FROM plan_template t JOIN plan p ON p.id = t.plan_id")
        #expect(!kept.isEmpty && kept.allSatisfy { $0["number"] == 1 && !($0["text"] as String).contains("https://") },
                "the first plan's templates are kept, as its notices said")
        #expect(try ledger.counts(releaseID: 1) == [.written: 10])

        // Nothing changed since: a second --replan has nothing to do, and says so.
        let again = try Notifier.run(replan)
        #expect(again.replanned == nil && again.plan == 2 && again.warnings.contains { $0.contains("nothing to re-plan") })
    }

    @Test func aReplanIsRefusedOnceANoticeWasHandedToTheMTA() throws {
        try notifier.writeUsers("users.csv", ids: 1...6)
        _ = try Notifier.run(request(baseURL: ""))
        let ledgerPath = folder.appendingPathComponent("ledger.sqlite").path
        // As send records a delivery (the real command runs in the binary's tests: its keeper is policyc).
        try DatabaseQueue(path: ledgerPath).write {
            // Through `sending`, as the ledger's states only move forward (schema v4).
            try $0.execute(sql: "UPDATE notice SET state = 'sending' WHERE id <= 2")
            try $0.execute(sql: "UPDATE notice SET state = 'sent', sent_at = '2026-11-22T00:00:00Z', attempts = 1 WHERE id <= 2")
        }
        var replan = try request()
        replan.replan = true
        let refused = refusal { _ = try Notifier.run(replan) }
        #expect(refused.contains("cannot re-plan privacy-policy@v2: 2 of its 6 notices were already handed to the MTA (2 sent)"),
                "\(refused)")
        #expect(refused.contains("site.baseURL") && refused.contains("release a new version"), "\(refused)")
        // An unknown message (a timeout) counts as handed over too.
        try DatabaseQueue(path: ledgerPath).write {
            try $0.execute(sql: "UPDATE notice SET state = 'sending' WHERE state IS NULL")
            try $0.execute(sql: "UPDATE notice SET state = 'unknown' WHERE state = 'sending'")
        }
        #expect(refusal { _ = try Notifier.run(replan) }.contains("(2 sent, 4 unknown)"))
        #expect(try notifier.ledgerRows("SELECT COUNT(*) AS n FROM plan")[0]["n"] == 1, "no plan was added")
    }

    @Test func aTemplateEditIsNamedByFile() throws {
        // The project's own copy of the built-in text template, then an edit of it.
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data(NoticeTemplateSources.builtIn["notice.text.mustache"]!).write(to: templates.appendingPathComponent("notice.text.mustache"))
        func edited() throws -> NotifyRequest {
            var request = try request()
            request.templates = try NoticeTemplateSources.load(folder: templates, displayFolder: "templates/email")
            return request
        }
        try notifier.writeUsers("users.csv", ids: 1...3)
        _ = try Notifier.run(edited())
        let text = templates.appendingPathComponent("notice.text.mustache")
        try (String(contentsOf: text, encoding: .utf8) + "\nP.S.\n").write(to: text, atomically: true, encoding: .utf8)
        let refused = refusal { _ = try Notifier.run(edited()) }
        #expect(refused.contains("the templates: templates/email/notice.text.mustache (edited)"), "\(refused)")
        #expect(!refused.contains("policyc.yml"), "the config did not change")
    }

    @Test func eachRunKeepsItsRejectsInTheLedgerAndInItsOwnFile() throws {
        try notifier.writeUsers("users.csv", ids: 1...3, extra: "9,bad,Bad,en,active\n8,gone@example.com,Gone,en,closed\n")
        let first = try Notifier.run(request())
        try notifier.writeUsers("later.csv", ids: 1...4, extra: "7,worse,Worse,en,active\n")
        let second = try Notifier.run(request(users: "later.csv"))
        #expect(first.rejectsFile == "rejects-000001.csv" && second.rejectsFile == "rejects-000002.csv")
        let out = folder.appendingPathComponent("out")
        let one = try String(contentsOf: out.appendingPathComponent("rejects-000001.csv"), encoding: .utf8)
        let two = try String(contentsOf: out.appendingPathComponent("rejects-000002.csv"), encoding: .utf8)
        #expect(one.contains("5,9,rejected,invalid address: no @ in the address\r\n")
                && one.contains("6,8,ineligible,status is 'closed': not active\r\n"))
        #expect(two == "line,user_id,action,reason\r\n6,7,rejected,invalid address: no @ in the address\r\n",
                "the second run's file is its own; the first is not overwritten")

        let ledger = try NoticeLedger(path: folder.appendingPathComponent("ledger.sqlite").path)
        let runs = try ledger.runs(releaseID: 1)
        #expect(runs.map(\.number) == [1, 2] && runs.allSatisfy { $0.finishedAt != nil })
        #expect(runs.map(\.export) == ["users.csv", "later.csv"], "exports are recorded relative to the project")
        #expect(runs[0].rejected == 1 && runs[0].ineligible == 1 && runs[1].planned == 1)
        var notNotified: [RejectRecord] = []
        try ledger.forEachNotNotified(releaseID: 1) { notNotified.append($0) }
        #expect(notNotified.map { "\($0.run):\($0.line):\($0.userID ?? ""):\($0.action)" }
                == ["1:5:9:rejected", "1:6:8:ineligible", "2:6:7:rejected"])
    }

    @Test func anEmptyExportLeavesNothingBehindAndAHeaderAloneIsAWarning() throws {
        for name in ["empty.csv", "empty.jsonl"] {
            try Data().write(to: folder.appendingPathComponent(name))
            let refused = refusal { _ = try Notifier.run(request(users: name)) }
            #expect(refused.contains("the export is empty (0 bytes"), "\(refused)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("ledger.sqlite").path))
        }
        try "id,email,name,locale,status\r\n".write(to: folder.appendingPathComponent("header.csv"), atomically: true, encoding: .utf8)
        let report = try Notifier.run(request(users: "header.csv"))
        #expect(report.rows == 0 && report.planned == 0)
        #expect(report.warnings.count == 1 && report.warnings[0].contains("the export has no rows"))
    }

    @Test(arguments: [(MailboxRule.mailbox, 2), (.exact, 3)])
    func theSameMailboxTwice(dedupe: MailboxRule, planned: Int) throws {
        try "id,email,name,locale,status\n1,Ada@Example.com,Ada,en,active\n2,ada@example.COM,Ada Again,en,active\n3,bo@example.com,Bo,en,active\n"
            .write(to: folder.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        var request = try request()
        request.dedupe = dedupe
        let report = try Notifier.run(request)
        #expect(report.planned == planned && report.merged == 3 - planned)
        if dedupe == .mailbox {
            let merged = try notifier.ledgerRows("SELECT user_id, reason FROM merged")
            #expect(merged.map { $0["user_id"] as String } == ["2"] && merged[0]["reason"] == "same mailbox as user 1")
        }
    }

    @Test func aV2LedgerIsMigratedWithItsFolderRelativeToTheProject() throws {
        let constraints = LedgerConstraintTests(folder: folder)
        let path = try constraints.writeV1Ledger("old.sqlite", third: "3")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE release SET folder = ?", arguments: [folder.appendingPathComponent("notices/privacy-policy-v2").path])
        }
        try NoticeLedger.migrator(projectRoot: nil).migrate(queue, upTo: "v2")
        try queue.close()

        let ledger = try NoticeLedger(path: path, projectRoot: folder)
        let release = try #require(try ledger.release(named: "privacy-policy@v2"))
        #expect(release.folder == "notices/privacy-policy-v2", "recorded relative to the project")
        #expect(ledger.resolvedPath(release.folder!).path == folder.appendingPathComponent("notices/privacy-policy-v2").path)
        let plans = try ledger.plans(releaseID: release.id)
        #expect(plans.count == 1 && plans[0].number == 1 && plans[0].configDigest.isEmpty, "the first plan, digests unrecorded")
        let rows = try DatabaseQueue(path: path).read { db in
            (try db.columns(in: "notice").map(\.name), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice"),
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"))
        }
        #expect(rows.0.contains("requested_locale") && rows.1 == 3 && rows.2 == ["v1", "v2", "v3", "v4"])
        #expect(try ledger.runs(releaseID: release.id).isEmpty)
    }

    @Test func aPathOutsideTheProjectStaysAbsolute() throws {
        let ledger = try NoticeLedger(path: folder.appendingPathComponent("ledger.sqlite").path, projectRoot: folder)
        #expect(ledger.recordedPath(folder.appendingPathComponent("notices/x")) == "notices/x")
        #expect(ledger.recordedPath(URL(fileURLWithPath: "/srv/out")) == "/srv/out")
        #expect(ledger.recordedPath(URL(fileURLWithPath: folder.path + "-other/x")) == folder.path + "-other/x",
                "a sibling whose name starts like the project's is not inside it")
    }
}
