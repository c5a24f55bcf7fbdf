import Foundation
import GRDB
import PolicyTestSupport
import Testing

/// `policyc notify`, `send` and `notices` as the release pipeline runs them: refusals, exit codes,
/// and SIGKILL at any moment followed by a re-run.
@Suite(.serialized)
struct NoticeCommandTests {
    /// A project with v1 and a material v2 (effective 2026-12-20), and an export of `users` Users.
    static func materialRelease(users: Int) throws -> URL {
        let root = try Fixtures.scratchProject()
        let doc = "privacy-policy"
        #expect(try Fixtures.policyc(["release", doc, "--date", "2026-11-02"], in: root).status == 0)
        let draft = root.appendingPathComponent("policy/\(doc).md")
        let text = try String(contentsOf: draft, encoding: .utf8)
        try text.replacingOccurrences(of: "a password, or we receive", with: "a password and your phone number, or we receive")
            .write(to: draft, atomically: true, encoding: .utf8)
        try "We now ask for your **phone number** when you sign up.\n"
            .write(to: root.appendingPathComponent("policy/\(doc).notes.md"), atomically: true, encoding: .utf8)
        let released = try Fixtures.policyc(["release", doc, "--date", "2026-11-20"], in: root)
        #expect(released.status == 0 && released.stdout.contains("material"), "\(released.stdout)\(released.stderr)")
        var export = "id,email,name,locale,status\n"
        for id in 1...users { export += "\(id),user\(id)@example.com,User \(id),\(id % 4 == 0 ? "fr" : "en"),active\n" }
        try export.write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        return root
    }

    static func ledger(_ root: URL) throws -> DatabaseQueue {
        try DatabaseQueue(path: root.appendingPathComponent("notices/ledger.sqlite").path)
    }

    /// Every User of the export in exactly one written batch, and the batch files agree with the ledger.
    static func expectExactlyOnce(_ root: URL, users: Int) throws {
        let rows = try ledger(root).read { db in
            try Row.fetchAll(db, sql: "SELECT n.user_id, n.effective_state AS state, b.file, b.state AS batch_state FROM notice_state n JOIN batch b ON b.id = n.batch_id")
        }
        #expect(rows.count == users)
        #expect(Set(rows.map { $0["user_id"] as String }).count == users)
        #expect(rows.allSatisfy { $0["state"] == "written" && $0["batch_state"] == "written" })
        let out = root.appendingPathComponent("notices/privacy-policy-v2")
        var inFiles: [String] = []
        for file in Set(rows.map { $0["file"] as String }) {
            for line in try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8).split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
                inFiles.append(object["user"]!)
            }
        }
        #expect(inFiles.count == users && Set(inFiles).count == users, "each User in exactly one batch file")
        let stray = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".jsonl") }
        #expect(Set(stray) == Set(rows.map { $0["file"] as String }), "no batch file the ledger does not know")
    }

    @Test func notifyRefusesEditorialReleasesAndLateNotices() throws {
        let root = try Self.materialRelease(users: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        let late = try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-12-20"], in: root)
        #expect(late.status == 1)
        #expect(late.stderr.contains("took effect on 2026-12-20: it is too late for advance notice"))
        let initial = try Fixtures.policyc(["notify", "privacy-policy", "--version", "v1", "--users", "users.csv", "--today", "2026-11-03"], in: root)
        #expect(initial.status == 1 && initial.stderr.contains("v1 is initial"))
        let missing = try Fixtures.policyc(["notify", "privacy-policy", "--users", "nope.csv", "--today", "2026-11-21"], in: root)
        #expect(missing.status == 2 && missing.stderr.contains("nope.csv"))
        let badSize = try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--provider", "ses",
                                            "--batch-size", "51", "--today", "2026-11-21"], in: root)
        #expect(badSize.status == 2 && badSize.stderr.contains("between 1 and 50"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("notices/privacy-policy-v2/batch-000001.ses.json").path))
    }

    @Test(arguments: ["notify-planned:1", "notify-planned:3", "notify-renamed:2", "notify-renamed:4"])
    func aKilledNotifyLosesNobodyAndDuplicatesNobody(point: String) throws {
        let root = try Self.materialRelease(users: 430)
        defer { try? FileManager.default.removeItem(at: root) }
        let arguments = ["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21", "--batch-size", "100"]
        let killed = try Fixtures.policyc(arguments, in: root, environment: ["POLICYC_CRASH_AT": point])
        #expect(killed.status == 9, "killed by SIGKILL at \(point)")
        let rerun = try Fixtures.policyc(arguments + ["--json"], in: root)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONSerialization.jsonObject(with: rerun.stdoutBytes) as! [String: Any]
        // Batches are planned several to a transaction: those not written before the kill are written now.
        #expect((report["batchesRecovered"] as? Int ?? 0) >= 1, "the batches planned before the kill are written by the re-run")
        try Self.expectExactlyOnce(root, users: 430)
    }

    @Test func killedAtRandomMomentsThenReRunEveryUserOnce() throws {
        let users = 20_000
        let root = try Self.materialRelease(users: users)
        defer { try? FileManager.default.removeItem(at: root) }
        let arguments = ["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21", "--batch-size", "250"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            let process = Process()
            process.executableURL = Fixtures.policycBinary
            process.arguments = arguments
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.4, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let finished = try Fixtures.policyc(arguments, in: root)
        #expect(finished.status == 0, "\(finished.stderr)")
        try Self.expectExactlyOnce(root, users: users)
    }

    @Test func sendHandsEveryMessageToTheCommandOnceAndProofAgrees() throws {
        let root = try Self.materialRelease(users: 12)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21",
                                      "--batch-size", "5"], in: root).status == 0)
        // A sendmail stand-in that files each message it is given; the SMTP test runs the real msmtp.
        let spool = root.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        let command = "cat > \"\(spool.path)/$(date +%s%N).eml\""
        let killed = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", command],
                                          in: root, environment: ["POLICYC_CRASH_AT": "send-delivered:4"])
        #expect(killed.status == 9)
        let sent = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", command, "--json"], in: root)
        #expect(sent.status == 0, "\(sent.stderr)")
        let report = try JSONSerialization.jsonObject(with: sent.stdoutBytes) as! [String: Any]
        #expect(report["resent"] as? Int == 1, "the message in the at-least-once window is sent again")
        #expect(report["totalSent"] as? Int == 12 && report["remaining"] as? Int == 0)
        let spooled = try FileManager.default.contentsOfDirectory(atPath: spool.path)
        #expect(spooled.count == 13, "12 Users, one of them twice: the window the docs describe")
        var ids: [String] = []
        for file in spooled {
            let message = try String(contentsOf: spool.appendingPathComponent(file), encoding: .utf8)
            #expect(!message.contains("\r\n"), "a local sendmail gets LF line ends")
            ids.append(String(try #require(message.firstMatch(of: /Message-ID: (<[^>]+>)/)?.1)))
        }
        #expect(Set(ids).count == 12, "the duplicate carries the same Message-ID")

        let again = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", command, "--json"], in: root)
        #expect((try JSONSerialization.jsonObject(with: again.stdoutBytes) as! [String: Any])["sent"] as? Int == 0)

        let proof = try Fixtures.policyc(["notices", "proof", "--release", "privacy-policy@v2", "--format", "csv"], in: root)
        let lines = proof.stdout.split(separator: "\r\n")
        let header = "user_id,address,message_id,content_hash,batch,state,planned_at,written_at,sent_at,attempts,covered_by,"
            + "last_error,reason,run,export_line,shard,host"
        #expect(lines.first.map(String.init) == header)
        #expect(lines.count == 13)
        // No shard (planned for the whole user base); sent from this machine.
        #expect(lines.dropFirst().allSatisfy { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return line.contains(",sent,") && fields.count == 17 && fields[15].isEmpty && !fields[16].isEmpty
        })
        #expect(proof.stderr.contains("12 notices"))
        let status = try Fixtures.policyc(["notices", "status", "--release", "privacy-policy@v2", "--format", "json"], in: root)
        let progress = try JSONSerialization.jsonObject(with: status.stdoutBytes) as! [String: Any]
        #expect((progress["states"] as! [String: Int])["sent"] == 12)
    }

    /// Peak resident memory of `policyc ARGUMENTS` in KiB, from /usr/bin/time.
    static func peakRSS(_ arguments: [String], in root: URL) throws -> (ProcessResult, Int) {
        let report = root.appendingPathComponent("rss-\(UUID().uuidString).txt")
        let result = try Fixtures.run(URL(fileURLWithPath: "/usr/bin/time"),
                                      ["-f", "%M", "-o", report.path, Fixtures.policycBinary.path] + arguments, in: root)
        let lines = try String(contentsOf: report, encoding: .utf8).split(separator: "\n")
        return (result, Int(lines.last ?? "") ?? .max)
    }

    @Test func aHostileExportsLongLineIsRejectedInFlatMemory() throws {
        let root = try Self.materialRelease(users: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        // A 50 MB line between two good rows, written in pieces: the test holds no 50 MB string either.
        let hostile = root.appendingPathComponent("hostile.csv")
        try Data("id,email,name,locale,status\n1,a@example.com,Ada,en,active\n2,b@example.com,".utf8).write(to: hostile)
        let file = try FileHandle(forWritingTo: hostile)
        try file.seekToEnd()
        let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<50 { try file.write(contentsOf: megabyte) }
        try file.write(contentsOf: Data(",en,active\n3,c@example.com,Cy,en,active\n".utf8))
        try file.close()
        let notify = ["notify", "privacy-policy", "--today", "2026-11-21", "--users"]
        let (plain, plainRSS) = try Self.peakRSS(notify + ["users.csv", "--out", "plain"], in: root)
        #expect(plain.status == 0, "\(plain.stderr)")
        try FileManager.default.removeItem(at: root.appendingPathComponent("notices/ledger.sqlite"))
        let (result, hostileRSS) = try Self.peakRSS(notify + ["hostile.csv", "--out", "hostile"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        // Was 1.5 GB for a 300 MB line: the line was held, and the buffer doubled around it.
        #expect(hostileRSS < plainRSS + 16 * 1024, "peak \(hostileRSS) KiB against \(plainRSS) KiB for a 3-row export")
        let rejects = try String(contentsOf: root.appendingPathComponent("hostile/rejects-000001.csv"), encoding: .utf8)
        #expect(rejects.contains("\r\n3,,rejected,the row is over 64 KiB (52428826 bytes) and was not read\r\n"))
        let report = try Self.ledger(root).read { try Row.fetchAll($0, sql: "SELECT user_id FROM notice ORDER BY user_id") }
        #expect(report.map { $0["user_id"] as String } == ["1", "3"])
    }

    @Test func theProofCSVGuardsFormulaCellsAndTheGuardIsUndone() throws {
        let root = try Self.materialRelease(users: 1)
        defer { try? FileManager.default.removeItem(at: root) }
        // Ids and addresses an attacker controls, each a formula to a spreadsheet.
        try """
            id,email,name,locale,status
            "=HYPERLINK(""http://evil.example"")",a@example.com,A,en,active
            +1,b@example.com,B,en,active
            -2,=c@example.com,C,en,active
            @SUM(A1),-d@example.com,D,en,active
            'quoted,+e@example.com,E,en,active

            """.write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root).status == 0)
        let proof = try Fixtures.policyc(["notices", "proof", "--release", "privacy-policy@v2", "--format", "csv"], in: root)
        #expect(proof.status == 0, "\(proof.stderr)")
        // RFC 4180 cells; no cell here holds a line break.
        func cells(_ line: Substring) -> [String] {
            var cells: [String] = [], cell = "", quoted = false, previous: Character = ","
            for character in line {
                if character == "\"" {
                    if quoted { quoted = false } else { quoted = true; if previous == "\"" { cell.append("\"") } }
                } else if character == "," && !quoted {
                    cells.append(cell)
                    cell = ""
                } else {
                    cell.append(character)
                }
                previous = character
            }
            return cells + [cell]
        }
        let rows = proof.stdout.split(separator: "\r\n").dropFirst().map(cells)
        #expect(rows.map { [$0[0], $0[1]] } == [
            ["'=HYPERLINK(\"http://evil.example\")", "a@example.com"], ["'+1", "b@example.com"], ["'-2", "'=c@example.com"],
            ["'@SUM(A1)", "'-d@example.com"], ["''quoted", "'+e@example.com"],
        ])
        let ledger = try Self.ledger(root).read { try Row.fetchAll($0, sql: "SELECT user_id, address FROM notice ORDER BY id") }
        // A cell that starts with ' had one added (a value starting with ' gets one too).
        func value(_ cell: String) -> String { cell.hasPrefix("'") ? String(cell.dropFirst()) : cell }
        #expect(rows.map { [value($0[0]), value($0[1])] }
                == ledger.map { [$0["user_id"] as String, $0["address"] as String] }, "the guard comes off exactly")
    }

    @Test func theProofFailsOnALedgerHoldingAUserTwice() throws {
        let root = try Self.materialRelease(users: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root).status == 0)
        let proof = ["notices", "proof", "--release", "privacy-policy@v2", "--format"]
        #expect(try Fixtures.policyc(proof + ["csv"], in: root).status == 0)
        // As a ledger from before the constraints could be: user 1 twice, and so its Message-ID.
        try Self.ledger(root).write { db in
            try db.execute(sql: """
                DROP INDEX notice_user; DROP INDEX notice_message; DELETE FROM grdb_migrations WHERE identifier = 'v2';
                INSERT INTO notice (release_id, user_id, user_key, address, mailbox_key, name, locale, export_line, message_id,
                                    batch_id, content_hash)
                    SELECT release_id, user_id, user_key, address, mailbox_key, name, locale, export_line, message_id, batch_id,
                           content_hash FROM notice WHERE user_id = '1'
                """)
        }
        let csv = try Fixtures.policyc(proof + ["csv"], in: root)
        #expect(csv.status == 1)
        #expect(csv.stderr.contains("2 duplicates in the ledger: user 1 (2 notices), Message-ID <"), "\(csv.stderr)")
        let json = try Fixtures.policyc(proof + ["json"], in: root)
        #expect(json.status == 1)
        let totals = try #require(try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])["totals"] as? [String: Any]
        #expect((totals?["duplicates"] as? [[String: Any]])?.map { $0["column"] as? String } == ["user_id", "message_id"])
        // notify will not work on it until the duplicate is resolved, and says where to look.
        let notify = try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root)
        #expect(notify.status != 0 && notify.stderr.contains("notices proof"), "\(notify.stderr)")
    }

    @Test func aFailingCommandIsRetriedThenRecordedAsFailed() throws {
        let root = try Self.materialRelease(users: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root).status == 0)
        let failed = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", "echo refused >&2; exit 75",
                                           "--retries", "2", "--retry-delay", "0"], in: root)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("0 sent, 2 failed"))
        let rows = try Self.ledger(root).read { try Row.fetchAll($0, sql: "SELECT state, attempts, last_error FROM notice") }
        #expect(rows.allSatisfy { $0["state"] == "failed" && $0["attempts"] == 3 }, "the first run and 2 retries")
        #expect(rows.allSatisfy { ($0["last_error"] as String).contains("exited with status 75: refused") })
        // A later run retries the failed ones.
        let retried = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", "cat >/dev/null"], in: root)
        #expect(retried.status == 0 && retried.stdout.contains("2 sent"))
    }

    @Test func aTamperedBatchIsNotSent() throws {
        let root = try Self.materialRelease(users: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root).status == 0)
        let batch = root.appendingPathComponent("notices/privacy-policy-v2/batch-000001.jsonl")
        let text = try String(contentsOf: batch, encoding: .utf8)
        try text.replacingOccurrences(of: "Hello User 1", with: "Hello Mallory").write(to: batch, atomically: true, encoding: .utf8)
        let refused = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", "cat >/dev/null"], in: root)
        #expect(refused.status == 1 && refused.stderr.contains("the batch changed since it was written"))
    }

    @Test func thePipelineSkipsNoticesDoneAndFailsNoticesMissed() throws {
        let root = try Self.materialRelease(users: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        let late = ["notify", "privacy-policy", "--users", "users.csv", "--if-material", "--today", "2026-12-21"]
        // Past the effective date and never notified: Users were not told, and the pipeline must say so.
        #expect(try Fixtures.policyc(late, in: root).status == 1)
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root).status == 0)
        let done = try Fixtures.policyc(late, in: root)
        #expect(done.status == 0 && done.stdout.contains("its notices were planned before"))
    }

    @Test func batchesStayInOneFolderAndSendFindsThem() throws {
        let root = try Self.materialRelease(users: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        let notify = ["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"]
        #expect(try Fixtures.policyc(notify + ["--out", "outbox"], in: root).status == 0)
        let elsewhere = try Fixtures.policyc(notify, in: root)
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("--out"))
        // send reads the folder from the ledger.
        let sent = try Fixtures.policyc(["send", "--release", "privacy-policy@v2", "--command", "cat >/dev/null"], in: root)
        #expect(sent.status == 0 && sent.stdout.contains("3 sent"), "\(sent.stdout)\(sent.stderr)")
    }
}
