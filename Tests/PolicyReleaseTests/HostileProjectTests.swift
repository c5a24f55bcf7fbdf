import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PolicyProject
import PolicyTestSupport
import Testing

/// A project from a pull request is attacker-controlled input: every file under `policy/` and
/// `templates/` may be crafted. These tests play the attacker (and the unlucky operator) through the
/// built binary, and check that nothing is written, read or published outside what the tool should
/// touch. Each reproduces a hole a security review found (issue 17).
@Suite struct HostileProjectTests {
    let doc = "privacy-policy"

    /// A scratch project with a git folder (hooks are a target worth attacking) and v1 released.
    func project(released: Bool = true) throws -> URL {
        let root = try Fixtures.scratchProject()
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git/hooks"), withIntermediateDirectories: true)
        try "# Changelog\n\nNo policy has been released yet.\n".write(to: root.appendingPathComponent("CHANGELOG.md"),
                                                                      atomically: true, encoding: .utf8)
        if released {
            let first = try Fixtures.policyc(["release", doc, "--date", "2026-11-29"], in: root)
            #expect(first.status == 0, "\(first.stderr)")
            // The notes of the next release, which the tests make material.
            try write("Appeals now take longer.\n", root, "policy/\(doc).notes.md")
        }
        return root
    }

    /// Every file (and symbolic link) under `root` with its bytes; links as their destination.
    func snapshot(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        while let path = enumerator.nextObject() as? String {
            let url = root.appendingPathComponent(path)
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                files[path] = Data("→ \(destination)".utf8)
                continue
            }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            files[path] = isDirectory.boolValue ? Data("/".utf8) : FileManager.default.contents(atPath: url.path)
        }
        return files
    }

    func write(_ text: String, _ root: URL, _ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func edit(_ root: URL, _ path: String, _ transform: (String) -> String) throws {
        let url = root.appendingPathComponent(path)
        try transform(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    // MARK: 1. The release journal

    /// Journals a pull request could commit. Each names something no release writes, or stages it
    /// somewhere no release stages, or reaches through a link; none may move anything.
    static let hostileJournals: [(name: String, journal: String)] = [
        ("the old format, into .git", #"[{"target":".git/hooks/pre-commit","staged":"policy/notes.txt"}]"#),
        ("into .git", #"{"format":"policyc release journal 1","writes":[{"target":".git/hooks/pre-commit","staged":".git/hooks/pre-commit.policyc-new-1"}]}"#),
        ("up and out", #"{"format":"policyc release journal 1","writes":[{"target":"../escaped.md","staged":"../escaped.md.policyc-new-1"}]}"#),
        ("absolute", #"{"format":"policyc release journal 1","writes":[{"target":"/tmp/policyc-escaped.md","staged":"/tmp/policyc-escaped.md.policyc-new-1"}]}"#),
        ("dot-dot inside", #"{"format":"policyc release journal 1","writes":[{"target":"policy/../.git/config","staged":"policy/../.git/config.policyc-new-1"}]}"#),
        ("staged elsewhere", #"{"format":"policyc release journal 1","writes":[{"target":"policy/privacy-policy.md","staged":"policy/notes.txt"}]}"#),
        ("staged is a link", #"{"format":"policyc release journal 1","writes":[{"target":"CHANGELOG.md","staged":"CHANGELOG.md.policyc-new-7"}]}"#),
        ("an id map of no version", #"{"format":"policyc release journal 1","writes":[{"target":"policy/archive/privacy-policy/notes.ids.json","staged":"policy/archive/privacy-policy/notes.ids.json.policyc-new-7"}]}"#),
        ("an id map among the drafts", #"{"format":"policyc release journal 1","writes":[{"target":"policy/v1.ids.json","staged":"policy/v1.ids.json.policyc-new-7"}]}"#),
        ("through a linked folder", #"{"format":"policyc release journal 1","writes":[{"target":"policy/archive/linked/v1.md","staged":"policy/archive/linked/v1.md.policyc-new-7"}]}"#),
        ("notes out of the archive", #"{"format":"policyc release journal 1","writes":[{"target":"policy/archive/privacy-policy/../../../.git/v1.notes.md","staged":"policy/archive/privacy-policy/../../../.git/v1.notes.md.policyc-new-1"}]}"#),
        ("notes through a linked folder", #"{"format":"policyc release journal 1","writes":[{"target":"policy/archive/linked/v1.notes.md","staged":"policy/archive/linked/v1.notes.md.policyc-new-7"}]}"#),
    ]

    @Test(arguments: hostileJournals.map(\.name))
    func aHostileJournalIsAnErrorAndNothingMoves(name: String) throws {
        let journal = try #require(Self.hostileJournals.first { $0.name == name }).journal
        let root = try project()
        let outside = try Fixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
            try? FileManager.default.removeItem(atPath: "/tmp/policyc-escaped.md")
        }
        let payload = root.appendingPathComponent("policy/notes.txt")
        try "#!/bin/sh\necho pwned\n".write(to: payload, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: payload.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("CHANGELOG.md.policyc-new-7").path,
                                                   withDestinationPath: payload.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("policy/archive/linked").path,
                                                   withDestinationPath: outside.path)
        try "staged".write(to: outside.appendingPathComponent("v1.md.policyc-new-7"), atomically: true, encoding: .utf8)
        try "staged".write(to: outside.appendingPathComponent("v1.notes.md.policyc-new-7"), atomically: true, encoding: .utf8)
        for staged in [".git/hooks/pre-commit.policyc-new-1", "policy/../.git/config.policyc-new-1", ".git/v1.notes.md.policyc-new-1"] {
            try "#!/bin/sh\necho pwned\n".write(to: root.appendingPathComponent(staged), atomically: true, encoding: .utf8)
        }
        try "x".write(to: root.deletingLastPathComponent().appendingPathComponent("escaped.md.policyc-new-1"),
                      atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent().appendingPathComponent("escaped.md.policyc-new-1")) }
        try "x".write(toFile: "/tmp/policyc-escaped.md.policyc-new-1", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: "/tmp/policyc-escaped.md.policyc-new-1") }
        try write(journal, root, "policy/.release-journal.json")
        let before = try snapshot(root)
        let outsideBefore = try snapshot(outside)

        // `check` is read-only: it reports the journal and writes nothing, whatever the journal says.
        let check = try Fixtures.policyc(["check", "--today", "2026-11-29"], in: root)
        #expect(check.status == 1)
        #expect(check.stdout.contains("policy/.release-journal.json: error: this is not a journal policyc wrote"), "\(check.stdout)")
        #expect(check.stdout.contains("[release-journal-invalid]"))
        #expect(try snapshot(root) == before, "check wrote nothing")

        // Reading commands refuse; `release`, the one that finishes journals, refuses this one.
        for arguments in [["status", doc], ["show", doc, "--on", "2026-11-30"], ["diff", doc], ["build"],
                          ["release", doc, "--date", "2026-11-30"]] {
            let result = try Fixtures.policyc(arguments, in: root)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains("policy/.release-journal.json: error:"), "\(arguments): \(result.stderr)")
        }
        #expect(try snapshot(root) == before, "nothing was moved")
        #expect(try snapshot(outside) == outsideBefore)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".git/hooks/pre-commit").path))
        #expect(!FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("escaped.md").path))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/policyc-escaped.md"))
    }

    /// A real interrupted release: `check` reports it without finishing it; `release` finishes it.
    @Test func anInterruptedReleaseIsReportedByCheckAndFinishedByRelease() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        try edit(root, "policy/\(doc).md") { $0.replacing("45 days", with: "60 days", maxReplacements: 1) }
        let killed = try Fixtures.policyc(["release", doc, "--date", "2026-12-02"], in: root,
                                          environment: ["POLICYC_CRASH_AT": "release-renamed:2"])
        #expect(killed.status == 9)
        let before = try snapshot(root)
        let check = try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root)
        #expect(check.status == 1)
        #expect(check.stdout.contains("a release of \(doc) was interrupted before it finished; `policyc release \(doc)` finishes it"))
        #expect(check.stdout.contains("[release-interrupted]"))
        #expect(try snapshot(root) == before, "check never writes")
        let finished = try Fixtures.policyc(["release", doc, "--date", "2026-12-02"], in: root)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("up to date"))
        #expect(try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root).status == 0)
    }

    // MARK: 2. Racing releases

    /// Two releases started together, one of them sometimes SIGKILLed at a random moment: never two
    /// versions for one change, never an archive `check` rejects, never a bare I/O error. Seeded, so a
    /// failure can be replayed with `POLICYC_TEST_SEED`.
    @Test func racingAndKilledReleasesNeverCorruptTheArchive() throws {
        let seed = ProcessInfo.processInfo.environment["POLICYC_TEST_SEED"].flatMap(UInt64.init) ?? 0x5EED_2026_1207
        var random = SplitMix64(seed: seed)
        let base = try project()
        defer { try? FileManager.default.removeItem(at: base) }
        try edit(base, "policy/\(doc).md") { $0.replacing("45 days", with: "60 days", maxReplacements: 1) }
        let trials = 40
        for trial in 0..<trials {
            let root = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: root) }
            for name in ["policy", "CHANGELOG.md"] {
                try FileManager.default.copyItem(at: base.appendingPathComponent(name), to: root.appendingPathComponent(name))
            }
            // A lock file left by a release killed under the old lock (a process id in a file), which an
            // older policyc took over in a check-remove-link race.
            if random.next() % 2 == 0 {
                try "999999\n".write(to: root.appendingPathComponent("policy/.release.lock"), atomically: true, encoding: .utf8)
            }
            let victim = random.next() % 6  // 0, 1: kill that process; else kill none
            let delay = Double(random.next() % 120) / 1000
            let processes = (0..<2).map { _ in
                let process = Process()
                process.executableURL = Fixtures.policycBinary
                process.arguments = ["release", doc, "--date", "2026-12-02"]
                process.currentDirectoryURL = root
                let output = Pipe(), errors = Pipe()
                process.standardOutput = output
                process.standardError = errors
                return (process, output, errors)
            }
            for (process, _, _) in processes { try process.run() }
            if victim < 2 {
                Thread.sleep(forTimeInterval: delay)
                kill(processes[Int(victim)].0.processIdentifier, SIGKILL)
            }
            var printed: [String] = []
            for (process, output, errors) in processes {
                let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                printed.append(out)
                #expect(!err.contains("Input/output error"), "seed \(seed) trial \(trial): \(err)")
            }
            let label = "seed \(seed) trial \(trial) (killed: \(victim < 2 ? "process \(victim) after \(delay) s" : "none"))"
            #expect(printed.filter { $0.contains("v2 released") }.count <= 1, "\(label): \(printed)")
            // Whatever happened, the next release leaves exactly one v2 and an archive that checks.
            let again = try Fixtures.policyc(["release", doc, "--date", "2026-12-02"], in: root)
            #expect(again.status == 0, "\(label): \(again.stderr)")
            let history = try String(contentsOf: root.appendingPathComponent("policy/archive/\(doc)/releases.json"), encoding: .utf8)
            #expect(history.ranges(of: "\"version\" : \"v").count == 2, "\(label)")
            let changelog = try String(contentsOf: root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
            #expect(changelog.ranges(of: "## Privacy Policy v2").count == 1, "\(label)")
            let check = try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root)
            #expect(check.status == 0, "\(label): \(check.stdout)")
            let litter = try snapshot(root).keys.filter { $0.contains(".policyc-new") || $0.contains(".release-journal") }
            #expect(litter.isEmpty, "\(label): \(litter)")
        }
    }

    @Test func aReleaseWhileAnotherHoldsTheLockIsRefused() throws {
        let root = try project(released: false)
        defer { try? FileManager.default.removeItem(at: root) }
        // This test process holds the lock, as a running release would.
        let folder = open(root.appendingPathComponent("policy").path, O_RDONLY | O_DIRECTORY)
        #expect(flock(folder, LOCK_EX | LOCK_NB) == 0)
        let before = try snapshot(root)
        let refused = try Fixtures.policyc(["release", doc, "--date", "2026-11-29"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("another policyc release is running in this project"))
        #expect(try snapshot(root) == before)
        // The kernel releases the lock with its holder: nothing stale is left to take over.
        close(folder)
        #expect(try Fixtures.policyc(["release", doc, "--date", "2026-11-29"], in: root).status == 0)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("policy/.release.lock").path))
    }

    // MARK: 5. Names from the archive

    @Test func versionsAndFilesFromTheArchiveCannotLeaveIt() throws {
        let root = try project()
        let outside = try Fixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
        }
        try "SECRET-TOKEN-42\n".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let historyPath = "policy/archive/\(doc)/releases.json"
        let original = try String(contentsOf: root.appendingPathComponent(historyPath), encoding: .utf8)
        let relativeSecret = "../../../" + String(repeating: "../", count: 8) + outside.path.dropFirst() + "/secret.txt"
        for (label, hostile) in [
            ("version", original.replacing("\"version\" : \"v1\"", with: "\"version\" : \"../../../../x\"")),
            ("file", original.replacing("\"file\" : \"v1.md\"", with: "\"file\" : \"\(relativeSecret)\"")),
        ] {
            try hostile.write(to: root.appendingPathComponent(historyPath), atomically: true, encoding: .utf8)
            let build = try Fixtures.policyc(["build", "--out", "site"], in: root)
            #expect(build.status != 0, "\(label)")
            #expect(build.stderr.contains("\(historyPath): error:"), "\(label): \(build.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site").path))
            #expect(!FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("x.html").path))
            let show = try Fixtures.policyc(["show", doc, "--on", "2026-12-01"], in: root)
            #expect(show.status != 0, "\(label)")
            #expect(!show.stdout.contains("SECRET-TOKEN-42"))
            let check = try Fixtures.policyc(["check", "--today", "2026-12-01"], in: root)
            #expect(check.status == 1, "\(label)")
            #expect(check.stdout.contains("\(historyPath): error:"), "\(label): \(check.stdout)")
        }
        // An archived copy changed after release is published by nobody.
        try original.write(to: root.appendingPathComponent(historyPath), atomically: true, encoding: .utf8)
        try edit(root, "policy/archive/\(doc)/v1.md") { $0 + "\nWe sell your data.\n" }
        for arguments in [["build", "--out", "site"], ["show", doc, "--on", "2026-12-01"]] {
            let result = try Fixtures.policyc(arguments, in: root)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains("does not match its SHA-256"), "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("We sell your data."))
        }
    }

    // MARK: 6. Policy names

    @Test func aPolicyIsNamedByItsFileInPolicyAndNothingElse() throws {
        let root = try project(released: false)
        let outside = try Fixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
        }
        try "# Outside\n\n_Last updated: Nov 1, 2026_\n\nText.\n".write(to: outside.appendingPathComponent("outside.md"),
                                                                     atomically: true, encoding: .utf8)
        let before = try snapshot(outside)
        let relative = String(repeating: "../", count: 12) + outside.path.dropFirst() + "/outside"
        for arguments in [["release", relative], ["status", "nonexistent"], ["show", "nonexistent", "--on", "2026-12-01"],
                          ["diff", "privacy-polcy"], ["release", "privacy-policy.md"]] {
            let result = try Fixtures.policyc(arguments, in: root)
            #expect(result.status == 2, "\(arguments): \(result.stdout)")
            #expect(result.stderr.contains("error: no policy of that name"), "\(arguments): \(result.stderr)")
        }
        #expect(try snapshot(outside) == before, "nothing outside was stamped or archived")
        let typo = try Fixtures.policyc(["status", "policy/privacy-policy.md"], in: root)
        #expect(typo.stderr.contains("did you mean “privacy-policy”?"), "\(typo.stderr)")
        let near = try Fixtures.policyc(["release", "privacy-polcy"], in: root)
        #expect(near.stderr.contains("did you mean “privacy-policy”?"), "\(near.stderr)")

        // A policy whose name reads as an option is refused by name, and the pipeline fails with it.
        try "# Help\n\n_Last updated: Nov 1, 2026_\n\nText.\n".write(to: root.appendingPathComponent("policy/--help.md"),
                                                                   atomically: true, encoding: .utf8)
        let check = try Fixtures.policyc(["check"], in: root)
        #expect(check.status != 0)
        #expect(check.stderr.contains("policy/--help.md: error: a policy's file name"), "\(check.stderr)")
        let pipeline = try Fixtures.run(URL(fileURLWithPath: "/bin/bash"),
                                        [Fixtures.packageRoot.appendingPathComponent("script/policy-pipeline").path, "pr"],
                                        in: root, environment: ["POLICYC": Fixtures.policycBinary.path])
        #expect(pipeline.status != 0, "the pipeline fails rather than passing as a no-op: \(pipeline.stdout)")
    }

    // MARK: 7. Symbolic links

    @Test func linksLeadingOutOfTheProjectAreRefused() throws {
        let outside = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        let secret = outside.appendingPathComponent("secret.md")
        try "# Secret\n\n_Last updated: Nov 1, 2026_\n\nSECRET-TOKEN-42\n".write(to: secret, atomically: true, encoding: .utf8)
        for (label, path) in [("draft", "policy/leak.md"), ("archived copy", "policy/archive/privacy-policy/v1.md"),
                              ("template", "templates/policy.mustache")] {
            let root = try project()
            defer { try? FileManager.default.removeItem(at: root) }
            let link = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: link)
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: secret.path)
            let build = try Fixtures.policyc(["build", "--out", "site"], in: root)
            #expect(build.status != 0, "\(label)")
            #expect(build.stderr.contains("\(path): error: is a symbolic link to \(secret.resolvingSymlinksInPath().path), outside the project"),
                    "\(label): \(build.stderr)")
            let published = try snapshot(root).filter { $0.key.hasPrefix("site") }.values
            #expect(!published.contains { String(decoding: $0, as: UTF8.self).contains("SECRET-TOKEN-42") }, "\(label)")
            if label != "template" {
                let check = try Fixtures.policyc(["check", "--today", "2026-12-01"], in: root)
                #expect(check.status != 0, "\(label)")
                #expect(!check.stdout.contains("SECRET-TOKEN-42") && !check.stderr.contains("SECRET-TOKEN-42"))
            }
        }
        // A link that stays inside the project is no escape, and is read.
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("policy/alias.md").path,
                                                   withDestinationPath: root.appendingPathComponent("policy/\(doc).md").path)
        #expect(try Fixtures.policyc(["check", "policy/alias.md", "--today", "2026-12-01"], in: root).status == 0)
    }

    // MARK: 8. The site's output folder

    @Test func theSiteIsNeverBuiltOverTheProjectsData() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        try write("ledger bytes", root, "notices/ledger.sqlite")
        let before = try snapshot(root)
        for out in ["notices", "notices/site", "policy", "policy/archive", "templates", ".", "..", ".git", "policy/archive/x"] {
            let result = try Fixtures.policyc(["build", "--out", out], in: root)
            #expect(result.status != 0, "--out \(out)")
            #expect(result.stderr.contains("error: the site cannot be built into, around or inside the project's own folders"),
                    "--out \(out): \(result.stderr)")
        }
        #expect(try snapshot(root) == before, "nothing was replaced")

        // A site folder that has since been given a file no build wrote is left alone.
        #expect(try Fixtures.policyc(["build", "--out", "site"], in: root).status == 0)
        let marker = try String(contentsOf: root.appendingPathComponent("site/.policyc-site"), encoding: .utf8)
        #expect(marker.contains("\nindex.html\n") && marker.contains("\nfeed.xml\n"), "\(marker)")
        try write("keep me", root, "site/ledger.sqlite")
        let refused = try Fixtures.policyc(["build", "--out", "site"], in: root)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("holds ledger.sqlite, which no build wrote"), "\(refused.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("site/ledger.sqlite"), encoding: .utf8) == "keep me")
        // Once it is moved out, the next build swaps the whole site in.
        try FileManager.default.removeItem(at: root.appendingPathComponent("site/ledger.sqlite"))
        try edit(root, "policy/policyc.yml") { $0.replacing("title:", with: "title: Renamed", maxReplacements: 1) }
        let rebuilt = try Fixtures.policyc(["build", "--out", "site"], in: root)
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".site.") }
        #expect(leftovers.isEmpty, "no staging or retired folder is left: \(leftovers)")
    }

    // MARK: 9. What releases.json says of itself

    @Test func checkRecomputesVerdictsAndNoticePeriods() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        try edit(root, "policy/\(doc).md") { $0.replacing("45 days", with: "60 days", maxReplacements: 1) }
        #expect(try Fixtures.policyc(["release", doc, "--date", "2026-12-02"], in: root).status == 0)
        #expect(try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root).status == 0)
        let historyPath = "policy/archive/\(doc)/releases.json"
        let original = try String(contentsOf: root.appendingPathComponent(historyPath), encoding: .utf8)
        let history = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        let releases = try #require(history["releases"] as? [[String: Any]])
        #expect(releases[1]["verdict"] as? String == "material")

        func rewritten(_ change: (inout [[String: Any]]) -> Void) throws -> String {
            var copy = releases
            change(&copy)
            var whole = history
            whole["releases"] = copy
            return String(decoding: try JSONSerialization.data(withJSONObject: whole, options: [.prettyPrinted, .sortedKeys]),
                          as: UTF8.self)
        }
        let cases: [(String, String, String)] = [
            ("material rewritten as editorial, effective at once",
             try rewritten { $0[1]["verdict"] = "editorial"; $0[1]["effectiveDate"] = "2026-12-02" },
             "v2 is recorded as editorial, but its text against v1 is material: Users may not have been told [archive-verdict]"),
            ("a notice period of 0 days",
             try rewritten { $0[1]["noticeDays"] = 0; $0[1]["effectiveDate"] = "2026-12-02" },
             "v2 is material but records a notice period of 0 days [archive-notice]"),
            ("two versions named v1",
             try rewritten { $0[1]["version"] = "v1"; $0[1]["number"] = 1; $0[1]["file"] = "v1.md"; $0[1]["notes"] = "v1.notes.md" },
             "v1 is out of order after v1 [archive-order]"),
            ("the last record deleted", try rewritten { $0.removeLast() },
             "v2.md is in the archive but no release in releases.json names it: a record was removed [archive-tampered]"),
            ("the first record deleted", try rewritten { $0.removeFirst() },
             "v2 is where v1 should be: a release is missing from the history [archive-order]"),
            ("notes named after another file", try rewritten { $0[1]["notes"] = "../../../CHANGELOG.md" },
             "the notes of v2 are not v2.notes.md with their SHA-256; the archive cannot be read [archive-tampered]"),
            ("notes without their hash", try rewritten { $0[1]["notesSHA256"] = nil },
             "the notes of v2 are not v2.notes.md with their SHA-256; the archive cannot be read [archive-tampered]"),
        ]
        for (label, text, expected) in cases {
            try text.write(to: root.appendingPathComponent(historyPath), atomically: true, encoding: .utf8)
            let check = try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root)
            #expect(check.status == 1, "\(label)")
            #expect(check.stdout.contains(expected), "\(label): \(check.stdout)")
        }
        // A pending release must give the notice period the config asks today.
        try original.write(to: root.appendingPathComponent(historyPath), atomically: true, encoding: .utf8)
        try edit(root, "policy/policyc.yml") { $0 + "\n" }
        let config = try String(contentsOf: root.appendingPathComponent("policy/policyc.yml"), encoding: .utf8)
        let raised = config.contains("periodDays") ? config.replacing(/periodDays: *\d+/, with: "periodDays: 45")
            : config.replacing("notice:", with: "notice:\n  periodDays: 45")
        try raised.write(to: root.appendingPathComponent("policy/policyc.yml"), atomically: true, encoding: .utf8)
        let pending = try Fixtures.policyc(["check", "--today", "2026-12-02"], in: root)
        #expect(pending.stdout.contains("v2 records a 30-day notice period, but policy/policyc.yml says 45 [archive-notice]"), "\(pending.stdout)")
        #expect(pending.status == 1)
        // Once in force, a period that changed since is a warning, not an error.
        let later = try Fixtures.policyc(["check", "--today", "2027-02-01"], in: root)
        #expect(later.status == 0, "\(later.stdout)")
        #expect(later.stdout.contains("warning: v2 records a 30-day notice period"), "\(later.stdout)")
    }

    // MARK: 16. Control characters

    @Test func controlCharactersInATitleAreReportedAndTheFeedStaysXML() throws {
        let root = try project(released: false)
        defer { try? FileManager.default.removeItem(at: root) }
        try edit(root, "policy/\(doc).md") { $0.replacing("Privacy Policy\n", with: "Privacy\u{1} Policy\u{B}\n", maxReplacements: 1) }
        let check = try Fixtures.policyc(["check", "--today", "2026-11-29"], in: root)
        #expect(check.status == 1)
        #expect(check.stdout.contains("the title holds the invisible character U+0001; remove it [control-character]"), "\(check.stdout)")
        try edit(root, "policy/policyc.yml") { $0 }
        let build = try Fixtures.policyc(["build", "--out", "site", "--today", "2026-11-29"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        let feed = try Data(contentsOf: root.appendingPathComponent("site/feed.xml"))
        #expect(!feed.contains(0x01) && !feed.contains(0x0B))
        let parser = FeedParser(data: feed)
        #expect(parser.parse(), "feed.xml is XML: \(String(describing: parser.error))")
    }

    /// The CLI prints a `ProjectError` as it is when it starts with "policyc", else after "policyc: error: ".
    @Test func usageErrorsSayErrorOnce() {
        let text = ProjectError.invalidUsage(message: "no template for 'xx'").description
        #expect(text == "policyc: error: no template for 'xx'")
    }
}

/// A minimal XML well-formedness check with Foundation's parser.
final class FeedParser: NSObject, XMLParserDelegate {
    private let parser: XMLParser
    private(set) var error: Error?

    init(data: Data) {
        parser = XMLParser(data: data)
        super.init()
        parser.delegate = self
    }

    func parse() -> Bool {
        let ok = parser.parse()
        error = parser.parserError
        return ok
    }
}

/// A small seeded generator (SplitMix64), so a failing trial can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A notice period of 0 days gives Users no notice: the config refuses it; under a month, check warns.
@Suite struct NoticePeriodTests {
    @Test func aShortNoticePeriodIsAWarningAndNoneIsAnError() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("policy/policyc.yml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacing("periodDays: 30", with: "periodDays: 14").write(to: config, atomically: true, encoding: .utf8)
        let short = try Fixtures.policyc(["check", "--today", "2026-11-29"], in: root)
        #expect(short.status == 0, "a warning, not an error")
        #expect(short.stdout.contains("policy/policyc.yml: warning: notice.periodDays is 14: Users get less than 30 days' notice"),
                "\(short.stdout)")
        try text.replacing("periodDays: 30", with: "periodDays: 0").write(to: config, atomically: true, encoding: .utf8)
        let none = try Fixtures.policyc(["check", "--today", "2026-11-29"], in: root)
        #expect(none.status != 0)
        #expect(none.stderr.contains("notice.periodDays: must be between 1 and 3650 days"), "\(none.stderr)")
    }
}
