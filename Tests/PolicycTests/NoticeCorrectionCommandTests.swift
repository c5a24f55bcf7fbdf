import Foundation
import GRDB
import PolicyTestSupport
import Testing

/// Notices corrected before they are sent, moved projects, runs' rejects in the proof, and commands
/// that cannot run: the real binary on real projects, its SQLite ledger read back.
@Suite(.serialized)
struct NoticeCorrectionCommandTests {
    static let release = ["--release", "privacy-policy@v2"]
    static let notify = ["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"]

    static func rows(_ root: URL, _ sql: String) throws -> [Row] {
        try NoticeCommandTests.ledger(root).read { try Row.fetchAll($0, sql: sql) }
    }

    @Test func notifyOfAChangedTemplateNamesItAndReplanRewritesUntilOneIsSent() throws {
        let root = try NoticeCommandTests.materialRelease(users: 6)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(Self.notify, in: root).status == 0)
        // The project's own templates, written out from the built-in ones, then edited.
        #expect(try Fixtures.policyc(["templates", "export"], in: root).status == 0)
        let template = root.appendingPathComponent("templates/email/notice.text.mustache")
        for part in ["text", "html"] {
            let file = root.appendingPathComponent("templates/email/notice.\(part).mustache")
            try (try String(contentsOf: file, encoding: .utf8)).replacingOccurrences(of: "We are changing", with: "We have changed")
                .write(to: file, atomically: true, encoding: .utf8)
        }

        let again = try Fixtures.policyc(Self.notify, in: root)
        #expect(again.status == 1)
        // Named by file; the exported templates the project did not edit are the same bytes, so no change.
        #expect(again.stderr.contains("the templates: templates/email/notice.html.mustache (added, in place of the built-in one), "
                                      + "templates/email/notice.text.mustache (added, in place of the built-in one) [")
                && again.stderr.contains("--replan"),
                "\(again.stderr)")
        let replan = try Fixtures.policyc(["notify", "privacy-policy", "--replan", "--today", "2026-11-21"], in: root)
        #expect(replan.status == 0, "\(replan.stderr)")
        #expect(replan.stdout.contains("re-planned as plan 2: 6 notices written again"), "\(replan.stdout)")
        let batch = try String(contentsOf: root.appendingPathComponent("notices/privacy-policy-v2/batch-000001.jsonl"), encoding: .utf8)
        #expect(batch.contains("We have changed") && !batch.contains("We are changing"), "the batch holds the corrected text")

        let spool = root.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        let sent = try Fixtures.policyc(["send"] + Self.release + ["--command", "cat > '\(spool.path)'/$(date +%s%N).eml", "--limit", "1"],
                                        in: root)
        #expect(sent.status == 0, "\(sent.stderr)")
        try "We will change".write(to: template, atomically: true, encoding: .utf8)
        let refused = try Fixtures.policyc(["notify", "privacy-policy", "--replan", "--today", "2026-11-21"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("1 of its 6 notices were already handed to the MTA (1 sent)"), "\(refused.stderr)")
        let status = try Fixtures.policyc(["notices", "status"] + Self.release, in: root)
        #expect(status.stdout.contains("plan 1: ") && status.stdout.contains(", replaced ") && status.stdout.contains("plan 2: "),
                "\(status.stdout)")
    }

    @Test func aMovedProjectSendsAndProves() throws {
        let root = try NoticeCommandTests.materialRelease(users: 4)
        #expect(try Fixtures.policyc(Self.notify, in: root).status == 0)
        // As a restore from backup to another machine would put it: the old folder is gone.
        let moved = try Fixtures.temporaryDirectory().appendingPathComponent("restored")
        try FileManager.default.moveItem(at: root, to: moved)
        defer { try? FileManager.default.removeItem(at: moved.deletingLastPathComponent()) }
        #expect(try Self.rows(moved, "SELECT folder FROM release").map { $0["folder"] as String } == ["notices/privacy-policy-v2"])
        let sent = try Fixtures.policyc(["send"] + Self.release + ["--command", "cat > /dev/null", "--json"], in: moved)
        #expect(sent.status == 0, "\(sent.stderr)")
        let report = try JSONSerialization.jsonObject(with: sent.stdoutBytes) as! [String: Any]
        #expect(report["sent"] as? Int == 4 && report["remaining"] as? Int == 0)
        let proof = try Fixtures.policyc(["notices", "proof", "--project", moved.path] + Self.release, in: moved.deletingLastPathComponent())
        #expect(proof.status == 0 && proof.stdout.split(separator: "\r\n").count == 5, "\(proof.stdout)\(proof.stderr)")
    }

    @Test func theProofListsWhoWasNotNotifiedAndWhyByRun() throws {
        let root = try NoticeCommandTests.materialRelease(users: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        try "id,email,name,locale,status\n1,a@example.com,A,en,active\n2,nope,B,en,active\n3,c@example.com,C,en,suspended\n"
            .write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        #expect(try Fixtures.policyc(Self.notify, in: root).status == 0)
        try "id,email,name,locale,status\n4,=cmd@example,D,en,active\n"
            .write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        #expect(try Fixtures.policyc(Self.notify, in: root).status == 0)
        let folder = root.appendingPathComponent("notices/privacy-policy-v2")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejects-000001.csv").path)
                && FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejects-000002.csv").path))

        let proof = try Fixtures.policyc(["notices", "proof"] + Self.release, in: root)
        #expect(proof.status == 0, "\(proof.stderr)")
        let lines = proof.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.contains("2,,,,,rejected,,,,,,,invalid address: no @ in the address,1,3,,"), "\(lines)")
        #expect(lines.contains("3,,,,,ineligible,,,,,,,status is 'suspended': not active,1,4,,"))
        #expect(lines.contains("4,,,,,rejected,,,,,,,invalid address: the domain needs a dot (example),2,2,,"), "\(lines)")
        let json = try Fixtures.policyc(["notices", "proof"] + Self.release + ["--format", "json"], in: root)
        let object = try JSONSerialization.jsonObject(with: json.stdoutBytes) as! [String: Any]
        let notNotified = object["notNotified"] as! [[String: Any]]
        #expect(notNotified.map { "\($0["run"]!):\($0["line"]!):\($0["action"]!)" } == ["1:3:rejected", "1:4:ineligible", "2:2:rejected"])
        let runs = (object["totals"] as! [String: Any])["runs"] as! [[String: Any]]
        #expect(runs.map { $0["rejectsFile"] as? String } == ["rejects-000001.csv", "rejects-000002.csv"])
    }

    @Test func anEmptyExportIsAnErrorThatLeavesNothingAndAHeaderAloneAWarning() throws {
        let root = try NoticeCommandTests.materialRelease(users: 1)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data().write(to: root.appendingPathComponent("users.csv"))
        let empty = try Fixtures.policyc(Self.notify, in: root)
        #expect(empty.status != 0 && empty.stderr.contains("the export is empty (0 bytes"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("notices").path), "no ledger, no folder")
        try "id,email,name,locale,status\n".write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        let header = try Fixtures.policyc(Self.notify, in: root)
        #expect(header.status == 0 && header.stderr.contains("warning: ") && header.stderr.contains("the export has no rows"),
                "\(header.stderr)")
    }

    @Test func aMissingCommandFailsAtOnceWithoutRetriesAndSaysWhatTheShellSaid() throws {
        let root = try SendCommandTests.notified(users: 5)
        defer { try? FileManager.default.removeItem(at: root) }
        let start = ContinuousClock.now
        let run = try Fixtures.policyc(["send"] + Self.release + ["--command", "policyc-no-such-sendmail -t", "--retries", "5",
                                                                  "--retry-delay", "10"], in: root)
        let elapsed = SendCommandTests.seconds(since: start)
        #expect(run.status == 1)
        #expect(elapsed < 5, "no retry waited: \(elapsed) s")
        #expect(run.stdout.contains("0 sent, 1 failed"), "\(run.stdout)")
        #expect(run.stdout.contains("exited with status 127 (command not found)") && run.stdout.contains("policyc-no-such-sendmail: not found"),
                "send's report shows the shell's words: \(run.stdout)")
        #expect(run.stderr.contains("stopped at the first message"), "\(run.stderr)")
        let attempts = try Self.rows(root, "SELECT status, outcome, stderr FROM attempt")
        #expect(attempts.count == 1 && attempts[0]["status"] == "exit 127" && attempts[0]["outcome"] == "failed")
        #expect(try Self.rows(root, "SELECT COUNT(*) AS n FROM notice WHERE state IS NULL")[0]["n"] == 4, "no other message was tried")
        let status = try Fixtures.policyc(["notices", "status"] + Self.release, in: root)
        #expect(status.stdout.contains("failed: 1 <user1@example.com> after 1 attempts: policyc-no-such-sendmail -t exited with status 127"),
                "\(status.stdout)")
        let proof = try Fixtures.policyc(["notices", "proof"] + Self.release, in: root)
        #expect(proof.stdout.contains(",failed,") && proof.stdout.contains("(command not found)"))
    }

    @Test func aFailingCommandsStandardErrorIsKeptPerAttemptBoundedAndVisible() throws {
        let root = try SendCommandTests.notified(users: 1)
        defer { try? FileManager.default.removeItem(at: root) }
        // An escape sequence that would clear a terminal, a line break, and 10 KB more.
        let command = #"printf 'relay refused\033[2J\nsecond line' >&2; head -c 10000 /dev/zero | tr '\0' x >&2; exit 75"#
        let run = try Fixtures.policyc(["send"] + Self.release + ["--command", command, "--retries", "2", "--retry-delay", "0"], in: root)
        #expect(run.status == 1 && run.stdout.contains("0 sent, 1 failed"))
        #expect(!run.stdout.contains("\u{1B}") && run.stdout.contains(#"relay refused\x1B[2J\nsecond line"#), "\(run.stdout)")
        let attempts = try Self.rows(root, "SELECT status, stderr FROM attempt ORDER BY id")
        #expect(attempts.count == 3 && attempts.allSatisfy { $0["status"] == "exit 75" }, "each try kept")
        let stderr = attempts.map { $0["stderr"] as String? ?? "" }
        #expect(stderr.allSatisfy { $0.hasPrefix(#"relay refused\x1B[2J\nsecond line"#) && $0.hasSuffix("(cut at 2048 bytes)") })
        #expect(stderr.allSatisfy { $0.utf8.count < 2200 }, "bounded")
        let notice = try Self.rows(root, "SELECT state, attempts, last_error FROM notice")[0]
        #expect(notice["state"] == "failed" && notice["attempts"] == 3)
        #expect((notice["last_error"] as String).hasPrefix(#"printf 'relay refused\\033[2J\\nsecond line' >&2;"#), "\(notice["last_error"] as String)")
    }

    @Test func theSameMailboxInAnyCaseIsNotifiedOnceUnlessDedupeIsExact() throws {
        let root = try NoticeCommandTests.materialRelease(users: 1)
        defer { try? FileManager.default.removeItem(at: root) }
        try "id,email,name,locale,status\n1,Jane.Doe@Example.com,Jane,en,active\n2,jane.doe@example.com,Jane D,en,active\n"
            .write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        let merged = try Fixtures.policyc(Self.notify + ["--json"], in: root)
        #expect((try JSONSerialization.jsonObject(with: merged.stdoutBytes) as! [String: Any])["planned"] as? Int == 1)

        try FileManager.default.removeItem(at: root.appendingPathComponent("notices"))
        let config = root.appendingPathComponent("policy/policyc.yml")
        try (try String(contentsOf: config, encoding: .utf8)).replacingOccurrences(of: "  periodDays: 30\n", with: "  periodDays: 30\n  dedupe: exact\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let exact = try Fixtures.policyc(Self.notify + ["--json"], in: root)
        #expect((try JSONSerialization.jsonObject(with: exact.stdoutBytes) as! [String: Any])["planned"] as? Int == 2, "\(exact.stderr)")

        try (try String(contentsOf: config, encoding: .utf8)).replacingOccurrences(of: "dedupe: exact", with: "dedupe: loose")
            .write(to: config, atomically: true, encoding: .utf8)
        let wrong = try Fixtures.policyc(["check"], in: root)
        #expect(wrong.status != 0 && wrong.stderr.contains("'loose' is not one of mailbox, exact"), "\(wrong.stderr)")
    }
}
