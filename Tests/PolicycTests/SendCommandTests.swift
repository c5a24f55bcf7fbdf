import Foundation
import GRDB
import PolicyTestSupport
import Testing

/// `policyc send` against commands that hang, fork, or outlive a killed policyc, and numeric options
/// out of range. Real processes, real signals; the SMTP path is tests/notices.
@Suite(.serialized)
struct SendCommandTests {
    static let release = ["--release", "privacy-policy@v2"]

    /// A material release with `users` notified: what send works on.
    static func notified(users: Int) throws -> URL {
        let root = try NoticeCommandTests.materialRelease(users: users)
        #expect(try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root).status == 0)
        return root
    }

    static func states(_ root: URL) throws -> [Row] {
        try NoticeCommandTests.ledger(root).read { try Row.fetchAll($0, sql: "SELECT state, attempts, last_error FROM notice") }
    }

    /// Processes of process group `group` that are not zombies, from /proc (Linux).
    static func living(group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // After the command name: state, ppid, pgrp.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] != "Z" && Int32(fields[2]) == group
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func aTimedOutCommandIsStoppedWithAllItStartedAndRecordedUnknown() throws {
        let root = try Self.notified(users: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        let inbox = root.appendingPathComponent("inbox")
        // The shell's children outlive a signal to the shell alone: the whole group must go.
        let slow = "sleep 3; cat >> '\(inbox.path)'"
        let start = ContinuousClock.now
        let run = try Fixtures.policyc(["send"] + Self.release + ["--command", slow, "--timeout", "1", "--retries", "1",
                                                                  "--retry-delay", "0"], in: root)
        let elapsed = Self.seconds(since: start)
        #expect(run.status == 1)
        #expect(run.stdout.contains("0 sent, 0 failed, 3 unknown"), "\(run.stdout)\(run.stderr)")
        // One attempt of 1 s a message, not retried: 3 s and a little, where it took 18.
        #expect(elapsed < 8, "took \(elapsed) s")
        Thread.sleep(forTimeInterval: 3)
        #expect(!FileManager.default.fileExists(atPath: inbox.path), "nothing the timed-out commands started delivered later")
        let rows = try Self.states(root)
        #expect(rows.count == 3 && rows.allSatisfy { $0["state"] == "unknown" && $0["attempts"] == 1 })
        #expect(rows.allSatisfy { ($0["last_error"] as String? ?? "").contains("did not finish within 1 s") })

        // Not sent again by a later run, and the reports show it.
        let again = try Fixtures.policyc(["send"] + Self.release + ["--command", "cat >> '\(inbox.path)'"], in: root)
        #expect(again.stdout.contains("0 sent, 0 failed, 0 unknown") && again.stdout.contains("3 unknown: see --resend-unknown"),
                "\(again.stdout)")
        #expect(!FileManager.default.fileExists(atPath: inbox.path))
        let status = try Fixtures.policyc(["notices", "status"] + Self.release + ["--format", "json"], in: root)
        let progress = try JSONSerialization.jsonObject(with: status.stdoutBytes) as! [String: Any]
        #expect((progress["states"] as! [String: Int])["unknown"] == 3)
        let proof = try Fixtures.policyc(["notices", "proof"] + Self.release, in: root)
        #expect(proof.stdout.split(separator: "\r\n").dropFirst().filter { $0.contains(",unknown,") }.count == 3)

        // Only when asked.
        let resent = try Fixtures.policyc(["send"] + Self.release + ["--command", "cat >> '\(inbox.path)'", "--resend-unknown",
                                                                     "--json"], in: root)
        let report = try JSONSerialization.jsonObject(with: resent.stdoutBytes) as! [String: Any]
        #expect(resent.status == 0 && report["sent"] as? Int == 3 && report["resent"] as? Int == 3, "\(resent.stdout)")
        let delivered = try String(contentsOf: inbox, encoding: .utf8)
        #expect(delivered.components(separatedBy: "\nMessage-ID: ").count - 1 == 3)
    }

    @Test func aHungCommandDoesNotHoldTheRun() throws {
        let root = try Self.notified(users: 1)
        defer { try? FileManager.default.removeItem(at: root) }
        let start = ContinuousClock.now
        let hung = try Fixtures.policyc(["send"] + Self.release + ["--command", "sleep 20", "--timeout", "1"], in: root)
        let elapsed = Self.seconds(since: start)
        #expect(hung.status == 1 && hung.stdout.contains("1 unknown"), "\(hung.stdout)\(hung.stderr)")
        #expect(elapsed < 5, "took \(elapsed) s")
    }

    @Test func aNonZeroExitIsAFailureAndKeepsTheCommandsError() throws {
        let root = try Self.notified(users: 1)
        defer { try? FileManager.default.removeItem(at: root) }
        let failed = try Fixtures.policyc(["send"] + Self.release + ["--command", "cat >/dev/null; echo 'no route' >&2; exit 69",
                                                                     "--retries", "0"], in: root)
        #expect(failed.status == 1 && failed.stdout.contains("0 sent, 1 failed, 0 unknown"))
        #expect(try Self.states(root).first?["last_error"] == "cat >/dev/null; echo 'no route' >&2; exit 69 exited with status 69: no route")
    }

    // Linux only: /proc shows who is left. (The keeper sees send die through a socket's EOF, which is POSIX.)
    #if os(Linux)
    @Test func aKilledSendTakesItsCommandAlongAndLeavesNoFileOutside() throws {
        let root = try Self.notified(users: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        let temporary = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let pidFile = root.appendingPathComponent("pid")
        let late = root.appendingPathComponent("late")
        let process = Process()
        process.executableURL = Fixtures.policycBinary
        process.arguments = ["send"] + Self.release + ["--command", "echo $$ > '\(pidFile.path)'; sleep 30; cat > '\(late.path)'"]
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var shell: Int32?
        for _ in 0..<200 where shell == nil {
            Thread.sleep(forTimeInterval: 0.05)
            shell = (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let group = try #require(shell, "the command started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var survivors = Self.living(group: group)
        for _ in 0..<40 where !survivors.isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
            survivors = Self.living(group: group)
        }
        #expect(survivors.isEmpty, "the command's processes \(survivors) outlived policyc")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty, "nothing in the system's temporary folder")
        let staging = root.appendingPathComponent("notices/.send")
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.path).contains("1.eml"), "the staged message, whole")

        let finished = try Fixtures.policyc(["send"] + Self.release + ["--command", "cat >/dev/null", "--json"], in: root)
        let report = try JSONSerialization.jsonObject(with: finished.stdoutBytes) as! [String: Any]
        #expect(finished.status == 0 && report["sent"] as? Int == 2 && report["resent"] as? Int == 1, "\(finished.stdout)")
        #expect(!FileManager.default.fileExists(atPath: staging.path), "the next run removed the killed run's files")
        #expect(!FileManager.default.fileExists(atPath: late.path))
    }
    #endif

    @Test(arguments: [
        ("--timeout", ["1e300", "0", "-1", "nan", "inf"], "must be a number of seconds from 0.001 to 86400"),
        ("--retry-delay", ["1e300", "-1", "nan"], "must be a number of seconds from 0 to 3600"),
        ("--rate", ["1e-300", "0", "-inf", "2e6"], "must be a number of messages a second from 0.001 to 1000000"),
        ("--limit", ["-1", "0"], "must be 1 or more"),
        ("--retries", ["-1", "101"], "must be from 0 to 100"),
        ("--retries", ["1e3"], "must be a whole number"),
    ])
    func numericOptionsOutOfRangeAreUsageErrors(option: String, values: [String], rule: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for value in values {
            let run = try Fixtures.policyc(["send"] + Self.release + [option, value], in: root)
            #expect(run.status == 2, "\(option) \(value): \(run.stderr)")
            #expect(run.stderr.contains("\(option) \(rule), not '\(value)'"), "\(run.stderr)")
            #expect(run.stderr.contains("Usage: policyc send"))
        }
    }

    /// `--shard` of send and notify: K/N or a usage error, before anything is read.
    @Test(arguments: ["send", "notify"]) func aShardThatIsNotKOfNIsAUsageError(_ command: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = command == "send" ? Self.release : ["privacy-policy", "--users", "users.csv"]
        for value in ["0/4", "5/4", "x", "1/4/4", "=1/2", "1/20000"] {
            let run = try Fixtures.policyc([command] + target + ["--shard", value], in: root)
            #expect(run.status == 2 && run.stderr.contains("--shard"), "\(command) --shard \(value): \(run.stderr)")
            #expect(run.stderr.contains("Usage: policyc \(command)"))
        }
    }
}
