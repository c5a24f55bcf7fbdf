import Foundation
import PolicyTestSupport
import Testing

/// A whole release lifecycle on a scratch copy of the project, through the built binary.
@Suite struct ReleaseLifecycleTests {
    let doc = "privacy-policy"

    func project() throws -> URL {
        let root = try Fixtures.scratchProject()
        try "# Changelog\n\nThe release history.\n\nNo policy has been released yet.\n"
            .write(to: root.appendingPathComponent("CHANGELOG.md"), atomically: true, encoding: .utf8)
        return root
    }

    func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func edit(_ root: URL, _ transform: (String) -> String) throws {
        let url = root.appendingPathComponent("policy/\(doc).md")
        try transform(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    /// Every file under the project with its bytes: what "left the repository as it was" compares.
    func snapshot(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[path] = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) }
        }
        return files
    }

    /// The notes of the next release, beside the draft: the release takes them and empties the file.
    func writeNotes(_ root: URL, _ text: String = "You now have **60 days** to appeal our decision.\n") throws {
        try text.write(to: root.appendingPathComponent("policy/\(doc).notes.md"), atomically: true, encoding: .utf8)
    }

    func release(_ root: URL, _ extra: [String] = [], environment: [String: String] = [:]) throws -> ProcessResult {
        try Fixtures.policyc(["release", doc] + extra, in: root, environment: environment)
    }

    @Test func firstEditorialMaterialAndRefusedReleases() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }

        // First release: takes effect at once, stamps the date, archives, writes the changelog.
        let first = try release(root, ["--date", "2026-11-29"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("v1 released: initial, released 2026-11-29, effective 2026-11-29"))
        let v1 = try read(root, "policy/archive/\(doc)/v1.md")
        #expect(try read(root, "policy/\(doc).md") == v1)
        #expect(v1.contains("_Last Updated: Nov 29, 2026_"))
        let original = try String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)
        #expect(v1.replacing("Nov 29, 2026", with: "Nov 2, 2026") == original, "only the date changed, byte for byte")
        #expect(try !read(root, "CHANGELOG.md").contains("No policy has been released yet."))

        // Re-running after success is a no-op.
        let before = try snapshot(root)
        let again = try release(root, ["--date", "2026-11-29"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("up to date"))
        #expect(try snapshot(root) == before)

        // Nothing changed but the date: refused, nothing written.
        try edit(root) { $0.replacing("Nov 29, 2026", with: "Nov 30, 2026") }
        let dateOnly = try snapshot(root)
        let unchanged = try release(root, ["--date", "2026-11-30"])
        #expect(unchanged.status == 0, "nothing to release is not a failure: a pipeline goes on")
        #expect(unchanged.stdout.contains("nothing to release"))
        #expect(try snapshot(root) == dateOnly)
        try edit(root) { $0.replacing("Nov 30, 2026", with: "Nov 29, 2026") }

        // An editorial edit takes effect on the release date.
        try edit(root) { $0.replacing("\n* ", with: "\n- ") }
        let editorial = try release(root, ["--date", "2026-12-01"])
        #expect(editorial.status == 0, "\(editorial.stderr)")
        #expect(editorial.stdout.contains("v2 released: editorial, released 2026-12-01, effective 2026-12-01"))

        // A material edit: 30 days' notice; an earlier effective date is refused and writes nothing.
        try edit(root) { $0.replacing("45 days", with: "60 days", maxReplacements: 1) }
        // Without release notes a material release is refused, says how to give them, and writes nothing.
        let noNotes = try snapshot(root)
        let withoutNotes = try release(root, ["--date", "2026-12-02"])
        #expect(withoutNotes.status == 1)
        #expect(withoutNotes.stderr.contains("it needs release notes"), "\(withoutNotes.stderr)")
        #expect(withoutNotes.stderr.contains("policy/\(doc).notes.md") && withoutNotes.stderr.contains("--notes FILE")
                && withoutNotes.stderr.contains("--notes -"))
        #expect(try snapshot(root) == noNotes)
        try writeNotes(root)
        let beforeRefusal = try snapshot(root)
        let tooEarly = try release(root, ["--date", "2026-12-02", "--effective", "2026-12-20"])
        #expect(tooEarly.status == 1)
        #expect(tooEarly.stderr.contains("too early"))
        #expect(tooEarly.stderr.contains("2027-01-01"))
        #expect(try snapshot(root) == beforeRefusal)
        let dryRun = try release(root, ["--date", "2026-12-02", "--dry-run"])
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout.contains("would release"))
        #expect(try snapshot(root) == beforeRefusal, "a dry run writes nothing")
        let material = try release(root, ["--date", "2026-12-02"])
        #expect(material.status == 0, "\(material.stderr)")
        #expect(material.stdout.contains("v3 released: material, released 2026-12-02, effective 2027-01-01"))
        #expect(material.stdout.contains("notified by email"))
        #expect(try read(root, "policy/archive/\(doc)/v3.notes.md") == "You now have **60 days** to appeal our decision.\n")
        #expect(try read(root, "policy/\(doc).notes.md").isEmpty, "the release used the notes up")

        // An editorial release while v3 is pending cannot take effect before v3 (it carries v3's words).
        try edit(root) { $0.replacing("\n- ", with: "\n* ") }
        let early = try release(root, ["--date", "2026-12-03", "--effective", "2026-12-03"])
        #expect(early.status == 1)
        #expect(early.stderr.contains("pending version"))

        // The changelog, newest first.
        let changelog = try read(root, "CHANGELOG.md")
        let v3 = try #require(changelog.firstRange(of: "## Privacy Policy v3"))
        let v2 = try #require(changelog.firstRange(of: "## Privacy Policy v2"))
        let firstEntry = try #require(changelog.firstRange(of: "## Privacy Policy v1"))
        #expect(v3.lowerBound < v2.lowerBound && v2.lowerBound < firstEntry.lowerBound)
        #expect(changelog.contains("- Effective: 2027-01-01\n- Verdict: material"))
        let v3Entry = changelog[v3.lowerBound..<v2.lowerBound]
        #expect(v3Entry.hasPrefix("## Privacy Policy v3\n\nYou now have **60 days** to appeal our decision.\n\n- Released:"),
                "the author's notes come first: \(v3Entry)")
        #expect(v3Entry.contains("- Residents of California and Other U.S. States: material, 1 change (a number changed; "),
                "each changed section has a line, in words: \(v3Entry)")

        // Status and the text in force on a day: before, between and after versions.
        let status = try Fixtures.policyc(["status", doc, "--on", "2026-12-15"], in: root)
        #expect(status.stdout.contains("in force on 2026-12-15: v2"))
        #expect(status.stdout.contains("pending: v3 (material), takes effect 2027-01-01"))
        let beforeFirst = try Fixtures.policyc(["show", doc, "--on", "2026-11-01"], in: root)
        #expect(beforeFirst.status == 1)
        #expect(beforeFirst.stderr.contains("no version was in force on 2026-11-01"))
        let between = try Fixtures.policyc(["show", doc, "--on", "2026-11-30"], in: root)
        #expect(between.stdout == v1)
        let pending = try Fixtures.policyc(["show", doc, "--on", "2026-12-31"], in: root)
        #expect(pending.stdout == (try read(root, "policy/archive/\(doc)/v2.md")))
        let after = try Fixtures.policyc(["show", doc, "--on", "2027-01-01"], in: root)
        #expect(after.stdout.contains("60 days"))

        // Diffs between archived versions and of the draft.
        let archived = try Fixtures.policyc(["diff", "\(doc)@v2", "\(doc)@v3", "--exit-code"], in: root)
        #expect(archived.status == 1)
        #expect(archived.stdout.contains("[-45-]{+60+}"))
        let draft = try Fixtures.policyc(["diff", doc, "--exit-code"], in: root)
        #expect(draft.status == 0, "the draft only reformats lists since v3")

        // The archive verifies; tampering is an error naming the file.
        #expect(try Fixtures.policyc(["check", "--today", "2026-12-03"], in: root).status == 0)
        try (v1 + "\nA sentence slipped in later.\n").write(to: root.appendingPathComponent("policy/archive/\(doc)/v1.md"),
                                                             atomically: true, encoding: .utf8)
        let tampered = try Fixtures.policyc(["check", "--today", "2026-12-03"], in: root)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("policy/archive/\(doc)/v1.md: error: the archived copy of v1 does not match"))
        #expect(tampered.stdout.contains("[archive-tampered]"))
    }

    /// The crash hook takes `<point>:<n>` only: a value in another form is a broken test, which must
    /// stop loudly rather than run on without the crash it asked for.
    @Test(arguments: ["release-staged", "staged", "release-staged:x", ":1", "release-staged:0"])
    func aMalformedCrashHookStopsTheRunWithItsFormat(value: String) throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        let stopped = try release(root, ["--date", "2026-11-29"], environment: ["POLICYC_CRASH_AT": value])
        #expect(stopped.status != 0 && stopped.status != 9, "not killed, not a success")
        #expect(stopped.stderr.contains("POLICYC_CRASH_AT is <point>:<n> (notify-planned:3), not '\(value)'"), "\(stopped.stderr)")
        #expect(try release(root, ["--date", "2026-11-29"]).status == 0, "the next release runs")
    }

    /// SIGKILL at every step of a release, then any command: the old state or the complete new one.
    @Test(arguments: ["release-staged:1", "release-journal:1"] + (1...7).map { "release-renamed:\($0)" } + ["release-done:1"])
    func killedAtEveryStep(step: String) throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try release(root, ["--date", "2026-11-29"]).status == 0)
        try edit(root) { $0.replacing("45 days", with: "60 days", maxReplacements: 1) }
        try writeNotes(root)
        let old = try snapshot(root)

        let killed = try release(root, ["--date", "2026-12-02"], environment: ["POLICYC_CRASH_AT": step])
        #expect(killed.status == 9, "killed by SIGKILL at \(step)")

        if step == "release-staged:1" {
            // Killed before the journal: the old state; the staged files are litter the next release sweeps.
            #expect(try Fixtures.policyc(["status", doc], in: root).status == 0)
            #expect(try snapshot(root).filter { !$0.key.contains(".policyc-new") } == old, "killed before the journal: the old state")
        } else if step == "release-done:1" {
            // Killed after the journal was removed: already the new state.
            #expect(try Fixtures.policyc(["status", doc], in: root).status == 0)
        } else {
            // A journal waits: reading commands refuse (they never write), and check reports it.
            let status = try Fixtures.policyc(["status", doc], in: root)
            #expect(status.status == 1 && status.stderr.contains("was interrupted"), "\(status.stderr)")
            let waiting = try snapshot(root)
            #expect(try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root).status == 1)
            #expect(try snapshot(root) == waiting, "check wrote nothing")
        }
        // The next release finishes the interrupted one (then finds nothing to do) or, after the old
        // state, makes it; either way the complete new state, and no litter.
        let rerun = try release(root, ["--date", "2026-12-02"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains(step == "release-staged:1" ? "v2 released" : "up to date"), "\(rerun.stdout)")
        let recovered = try snapshot(root)
        #expect(!recovered.keys.contains { $0.contains(".policyc-new") || $0.contains(".release-journal") },
                "no litter after the next release: \(recovered.keys.sorted())")
        let v2 = try #require(recovered["policy/archive/\(doc)/v2.md"])
        #expect(recovered["policy/\(doc).md"] == v2, "the complete new state")
        #expect(recovered["policy/\(doc).notes.md"] == Data(), "the notes were used up with the release")
        #expect(recovered["policy/archive/\(doc)/v2.notes.md"] == Data("You now have **60 days** to appeal our decision.\n".utf8))
        #expect(String(decoding: try #require(recovered["CHANGELOG.md"]), as: UTF8.self).ranges(of: "## Privacy Policy v2").count == 1)
        #expect(String(decoding: try #require(recovered["policy/archive/\(doc)/releases.json"]), as: UTF8.self).contains("\"v2\""))
        #expect(try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root).status == 0)
    }

    @Test func twoReleasesStartedTogetherNeverInterleave() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try release(root, ["--date", "2026-11-29"]).status == 0)
        try edit(root) { $0.replacing("45 days", with: "60 days", maxReplacements: 1) }
        try writeNotes(root)
        // Start both before waiting for either.
        let processes = (0..<2).map { _ in
            let process = Process()
            process.executableURL = Fixtures.policycBinary
            process.arguments = ["release", doc, "--date", "2026-12-02"]
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        let statuses = processes.map(\.terminationStatus).sorted()
        #expect(statuses == [0, 0] || statuses == [0, 1], "one releases; the other refuses or finds it done: \(statuses)")
        let changelog = try read(root, "CHANGELOG.md")
        #expect(changelog.ranges(of: "## Privacy Policy v2").count == 1)
        #expect(!changelog.contains("## Privacy Policy v3"))
        let history = try read(root, "policy/archive/\(doc)/releases.json")
        #expect(history.ranges(of: "\"version\" : \"v").count == 2)
        #expect(try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root).status == 0)
    }
}
