import Foundation
import PolicyTestSupport
import Testing

/// End-to-end: the built binary, its output, its exit codes, and what it writes.
@Suite struct CommandLineTests {
    let ownPolicy = Fixtures.ownPolicy.path

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func parseJSONHasTheContractKeys() throws {
        let result = try Fixtures.policyc(["parse", ownPolicy, "--format", "json"])
        #expect(result.status == 0)
        let document = try json(result.stdout)
        #expect(document["title"] as? String == "Privacy Policy")
        #expect(document["lastUpdated"] as? String == "2026-11-02")
        let sections = try #require(document["sections"] as? [[String: Any]])
        #expect(sections.count == 11)
        let first = sections[0]
        for key in ["id", "number", "title", "line", "clauses", "sections"] { #expect(first[key] != nil, "section \(key)") }
        #expect(first["number"] as? String == "1")
        let clause = try #require((first["clauses"] as? [[String: Any]])?.first)
        for key in ["id", "kind", "text", "line", "column"] { #expect(clause[key] != nil, "clause \(key)") }
        let terms = try #require(document["definedTerms"] as? [[String: Any]])
        #expect(terms.contains { $0["term"] as? String == "Users" && $0["clause"] is String && $0["line"] is Int })
        #expect((document["clauses"] as? [Any])?.isEmpty == false)
    }

    @Test func parseTreeShowsPositions() throws {
        let result = try Fixtures.policyc(["parse", ownPolicy, "--format", "tree"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Section sec-1 number: 1 level: 3"))
        #expect(result.stdout.contains("@21:1"))
    }

    @Test func checkPassesOnTheProjectsOwnPolicies() throws {
        let result = try Fixtures.policyc(["check", "--today", "2026-11-29"], in: Fixtures.packageRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("0 errors"))
    }

    @Test func checkReportsErrorsWithLocationsAndExitsOne() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let bad = "Terms\n=====\n\n_Last updated: May 1, 2026_\n\n### 1\\. One\n\nSee [x](#nowhere).\n\n### 1\\. Again\n\nText.\n"
        try bad.write(to: root.appendingPathComponent("policy/bad.md"), atomically: true, encoding: .utf8)
        let result = try Fixtures.policyc(["check", "policy/bad.md", "--today", "2026-11-29"], in: root,
                                          environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("policy/bad.md:8:1: error: "))
        #expect(result.stdout.contains("[anchor-unresolved]"))
        #expect(result.stdout.contains("[numbering-duplicate]"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when NO_COLOR is set or not a TTY")

        let asJSON = try Fixtures.policyc(["check", "policy/bad.md", "--format", "json", "--today", "2026-11-29"], in: root)
        #expect(asJSON.status == 1)
        let report = try json(asJSON.stdout)
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.contains { $0["rule"] as? String == "anchor-unresolved" && $0["line"] as? Int == 8 })
    }

    @Test func strictTurnsWarningsIntoFailure() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        try "Terms\n=====\n\nNo date here.\n".write(to: root.appendingPathComponent("policy/warn.md"),
                                                     atomically: true, encoding: .utf8)
        let lenient = try Fixtures.policyc(["check", "policy/warn.md"], in: root)
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("[last-updated-missing]"))
        let strict = try Fixtures.policyc(["check", "policy/warn.md", "--strict"], in: root)
        #expect(strict.status == 1)
    }

    @Test func invalidUTF8IsAnErrorWithItsByteOffset() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        var bytes = Data("Terms\n=====\n\n_Last updated: May 1, 2026_\n\nBad ".utf8)
        let offset = bytes.count
        bytes.append(contentsOf: [0xC3, 0x28])
        bytes.append(contentsOf: Data(" byte.\n".utf8))
        try bytes.write(to: root.appendingPathComponent("policy/bytes.md"))
        let result = try Fixtures.policyc(["check", "policy/bytes.md", "--today", "2026-11-29"], in: root)
        #expect(result.status == 1)
        #expect(result.stdout.contains("policy/bytes.md:6:5: error:"))
        #expect(result.stdout.contains("\(offset)"))
        #expect(result.stdout.contains("[invalid-utf8]"))
    }

    @Test func usageAndIOFailuresExitTwo() throws {
        let missing = try Fixtures.policyc(["parse", "/nonexistent/policy.md"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/policy.md"))
        let badFormat = try Fixtures.policyc(["render", ownPolicy, "--format", "pdf"])
        #expect(badFormat.status == 2)
        let badOption = try Fixtures.policyc(["check", "--no-such-flag"])
        #expect(badOption.status == 2)
        let directory = try Fixtures.policyc(["parse", Fixtures.packageRoot.path])
        #expect(directory.status == 2)
    }

    @Test func everyCommandHasHelpAndUsageErrorsShowTheUsage() throws {
        let commands = [["init"], ["parse"], ["check"], ["render"], ["build"], ["diff"], ["release"], ["status"], ["show"],
                        ["notify"], ["send"], ["notices", "status"], ["notices", "proof"], ["notices", "migrate"],
                        ["templates", "export"]]
        for command in commands {
            let help = try Fixtures.policyc(command + ["--help"])
            #expect(help.status == 0, "\(command)")
            #expect(help.stdout.hasPrefix("OVERVIEW: "), "\(command)")
            #expect(help.stdout.contains("USAGE: policyc \(command.joined(separator: " "))"), "\(command)")
            #expect(try Fixtures.policyc(["help"] + command).stdout == help.stdout, "\(command)")
        }
        let root = try Fixtures.policyc([])
        #expect(root.status == 0)
        #expect(commands.allSatisfy { root.stdout.contains("\n  \($0[0]) ") })
        #expect(try Fixtures.policyc(["--version"]).stdout == "0.1.0\n")

        let refused = try Fixtures.policyc(["diff", "a.md", "--format", "pdf"])
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == """
            policyc: error: the value 'pdf' is invalid for '--format <format>'. Please provide one of 'text', 'json' or 'html'.
            Help:  --format <format>  text, json or html (a standalone redline page).
            Usage: policyc diff [--project <project>] <old> [<new>] [--format <format>] [--exit-code]
              See 'policyc diff --help' for more information.

            """)
        let badDate = try Fixtures.policyc(["check", "--today", "29/11/2026"])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.hasPrefix("policyc: error: --today must be a day, YYYY-MM-DD, not '29/11/2026'\n"))
        let badSize = try Fixtures.policyc(["notify", "privacy-policy", "--users", "u.csv", "--batch-size", "lots"])
        #expect(badSize.status == 2)
        #expect(badSize.stderr.hasPrefix("policyc: error: --batch-size must be a whole number, not 'lots'\n"))
        let unknown = try Fixtures.policyc(["publish"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("policyc: error: unexpected argument 'publish'\nUsage: policyc <subcommand>\n"))
    }

    @Test func renderFormats() throws {
        let html = try Fixtures.policyc(["render", ownPolicy])
        #expect(html.status == 0)
        #expect(html.stdout.hasPrefix("<article class=\"policy\""))
        #expect(html.stdout.contains("<section id=\"sec-7\">"))
        let text = try Fixtures.policyc(["render", ownPolicy, "--format", "text"])
        #expect(text.stdout.hasPrefix("Privacy Policy\n=============="))
        #expect(text.stdout.contains("## 7. Your Rights and Choices"))
        let json = try Fixtures.policyc(["render", ownPolicy, "--format", "json"])
        #expect(try self.json(json.stdout)["sections"] != nil)
    }

    @Test func buildIsDeterministicAtomicAndLeavesAnUnchangedSiteAlone() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try Fixtures.policyc(["build"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        let site = root.appendingPathComponent("_site")
        let files = try FileManager.default.contentsOfDirectory(atPath: site.path).sorted()
        #expect(files == [".policyc-site", "feed.xml", "index.html", "privacy-policy.html", "style.css"])
        let page = try String(contentsOf: site.appendingPathComponent("privacy-policy.html"), encoding: .utf8)
        #expect(page.contains("<nav class=\"toc\""))
        #expect(page.contains("<time datetime=\"2026-11-02\">"))
        #expect(page.contains("<link rel=\"canonical\" href=\"https://quillmate.example/legal/privacy-policy.html\">"))
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("href=\"privacy-policy.html\""))

        let before = try FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("index.html").path)
        let second = try Fixtures.policyc(["build"], in: root)
        #expect(second.status == 0)
        #expect(second.stderr.contains("up to date"))
        let after = try FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("index.html").path)
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)

        // A broken template fails the build and leaves the old site exactly as it was.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try "{{#unclosed}}".write(to: root.appendingPathComponent("templates/policy.mustache"), atomically: true, encoding: .utf8)
        let broken = try Fixtures.policyc(["build"], in: root)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("templates/policy.mustache"))
        #expect(try String(contentsOf: site.appendingPathComponent("privacy-policy.html"), encoding: .utf8) == page)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no staging folders left behind: \(leftovers)")
    }

    @Test func buildOutputIsByteIdenticalAcrossProjects() throws {
        let first = try Fixtures.scratchProject()
        let second = try Fixtures.scratchProject()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        #expect(try Fixtures.policyc(["build", "--out", "out"], in: first).status == 0)
        #expect(try Fixtures.policyc(["build", "--out", "out"], in: second).status == 0)
        for name in ["index.html", "privacy-policy.html", "style.css"] {
            let a = try Data(contentsOf: first.appendingPathComponent("out/\(name)"))
            let b = try Data(contentsOf: second.appendingPathComponent("out/\(name)"))
            #expect(a == b, "\(name) differs")
        }
    }

    // MARK: diff

    func writeEdited(_ root: URL, name: String, _ edit: (String) -> String) throws -> String {
        let text = try String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)
        let path = root.appendingPathComponent(name)
        try edit(text).write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    @Test func diffExitCodesFollowDiffOne() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let material = try writeEdited(root, name: "material.md") { $0.replacing("30 days", with: "90 days", maxReplacements: 1) }
        let editorial = try writeEdited(root, name: "editorial.md") { $0.replacing("\n* ", with: "\n- ") }

        let same = try Fixtures.policyc(["diff", ownPolicy, ownPolicy, "--exit-code"])
        #expect(same.status == 0)
        #expect(same.stdout.contains("Verdict: unchanged"))
        let reformatted = try Fixtures.policyc(["diff", ownPolicy, editorial, "--exit-code"])
        #expect(reformatted.status == 0)
        #expect(reformatted.stdout.contains("Verdict: editorial"))
        // A change of the whole document has no clause to point at, and no empty "()" in its place.
        #expect(reformatted.stdout.contains("\n[editorial] modified document\n    Formatting: the Markdown changed; the text did not [formatting]"),
                "\(reformatted.stdout)")
        let changed = try Fixtures.policyc(["diff", ownPolicy, material, "--exit-code"])
        #expect(changed.status == 1)
        #expect(changed.stdout.contains("Verdict: material"))
        #expect(changed.stdout.contains("[-30-]{+90+}"))
        let withoutFlag = try Fixtures.policyc(["diff", ownPolicy, material])
        #expect(withoutFlag.status == 0, "without --exit-code a difference is not a failure")
        let missing = try Fixtures.policyc(["diff", ownPolicy, "/nonexistent.md", "--exit-code"])
        #expect(missing.status == 2)
    }

    @Test func diffJSONHasTheContractKeys() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let edited = try writeEdited(root, name: "new.md") { $0.replacing("30 days", with: "90 days", maxReplacements: 1) }
        let result = try Fixtures.policyc(["diff", ownPolicy, edited, "--format", "json"])
        #expect(result.status == 0)
        let report = try json(result.stdout)
        #expect(report["verdict"] as? String == "material")
        #expect(report["material"] as? Bool == true)
        let changes = try #require(report["changes"] as? [[String: Any]])
        let change = try #require(changes.first { $0["kind"] as? String == "modified" })
        #expect(change["tier"] as? String == "material")
        for side in ["old", "new"] {
            let position = try #require(change[side] as? [String: Any])
            #expect(position["id"] is String && position["line"] is Int)
            #expect(position.keys.contains("section"))
        }
        let reasons = try #require(change["reasons"] as? [[String: Any]])
        #expect(reasons.contains { $0["rule"] as? String == "number" && ($0["detail"] as? String)?.contains("90") == true })
        let words = try #require(change["words"] as? [[String: Any]])
        #expect(words.contains { $0["op"] as? String == "insert" && $0["text"] as? String == "90" })
    }

    @Test func diffHTMLIsAnAccessibleRedline() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let edited = try writeEdited(root, name: "new.md") { $0.replacing("30 days", with: "90 days", maxReplacements: 1) }
        let result = try Fixtures.policyc(["diff", ownPolicy, edited, "--format", "html"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(result.stdout.contains("<del><span class=\"visually-hidden\">removed: </span>30</del>"))
        #expect(result.stdout.contains("<ins><span class=\"visually-hidden\">added: </span>90</ins>"))
        #expect(result.stdout.contains("<code>number</code>"))
        #expect(!result.stdout.contains("<script"))
        // Both texts carry the same "Last updated" date: said once, never "from the version of D to the version of D".
        #expect(result.stdout.contains("<p class=\"dates\">Both texts say they were last updated on <time datetime=\"2026-"),
                "\(result.stdout.prefix(1500))")
        #expect(!result.stdout.contains("version of"))
        let redated = try writeEdited(root, name: "redated.md") {
            $0.replacing("30 days", with: "90 days", maxReplacements: 1).replacing(/Last Updated: [^_]*/, with: "Last Updated: January 6, 2027")
        }
        let dated = try Fixtures.policyc(["diff", ownPolicy, redated, "--format", "html"])
        #expect(dated.stdout.contains("to the text last updated on <time datetime=\"2027-01-06\">6 January 2027</time>."),
                "\(dated.stdout.prefix(1500))")
    }

    @Test func diffColoursOnlyWhenAsked() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let edited = try writeEdited(root, name: "new.md") { $0.replacing("30 days", with: "90 days", maxReplacements: 1) }
        let piped = try Fixtures.policyc(["diff", ownPolicy, edited], environment: ["NO_COLOR": ""])
        #expect(!piped.stdout.contains("\u{1B}["), "stdout is a pipe here: no colour")
    }

    @Test func buildNeverReplacesAFolderItDidNotBuild() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["policy", "templates", "."] {
            let result = try Fixtures.policyc(["build", "--out", folder], in: root)
            #expect(result.status == 1, "--out \(folder)")
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try "mine".write(to: root.appendingPathComponent("notes/keep.txt"), atomically: true, encoding: .utf8)
        let refused = try Fixtures.policyc(["build", "--out", "notes"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was not built by policyc"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("policy/privacy-policy.md").path))
        #expect(try String(contentsOf: root.appendingPathComponent("notes/keep.txt"), encoding: .utf8) == "mine")
        // A folder of pages only (a site from before the marker) is a site: it is replaced.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("old-site"), withIntermediateDirectories: true)
        try "<p>old</p>".write(to: root.appendingPathComponent("old-site/index.html"), atomically: true, encoding: .utf8)
        #expect(try Fixtures.policyc(["build", "--out", "old-site"], in: root).status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("old-site/.policyc-site").path))
    }

    @Test func policyNamesThatCouldBecomeLinksAreRefused() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        try "# X\n".write(to: root.appendingPathComponent("policy/javascript:alert(1).md"), atomically: true, encoding: .utf8)
        let result = try Fixtures.policyc(["build"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("may only use letters"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("_site").path))
    }

    @Test func diffErrorsExitTwoEvenWithExitCode() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let neverReleased = try Fixtures.policyc(["diff", "privacy-policy", "--exit-code"], in: root)
        #expect(neverReleased.status == 2)
        #expect(neverReleased.stderr.contains("never been released"))
        let malformed = try Fixtures.policyc(["diff", "@", "privacy-policy"], in: root)
        #expect(malformed.status == 2)
        // The command's own message, and no empty "policyc: error:" line after it.
        for result in [neverReleased, malformed] {
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(lines.allSatisfy { !$0.hasSuffix("error: ") }, "\(result.stderr)")
        }
    }

    /// A file name may hold a CR or LF; the error that names it stays one `path: error: message` line,
    /// so a CI log or an editor cannot be handed a forged second line.
    @Test func aPathWithALineBreakStaysOnItsErrorLine() throws {
        let forged = "x.md\n/etc/passwd:1:1: error: forged [rule]\r.md"
        let shown = #"x.md\n/etc/passwd:1:1: error: forged [rule]\r.md: error: "#
        for (command, what) in [(["diff", ownPolicy, forged], "file"), (["parse", forged], "file"),
                                (["render", forged], "file")] {
            let result = try Fixtures.policyc(command)
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr == shown + what + " not found\n", "\(command)")
        }
    }

    /// `policyc render … | head`: the reader goes away early. policyc ends quietly, as a process
    /// killed by SIGPIPE would, instead of crashing in a write; a full disk is a clear error.
    @Test func aClosedOrFullStandardOutputEndsCleanly() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let process = Process()
        process.executableURL = Fixtures.policycBinary
        process.arguments = ["render", ownPolicy]
        process.standardOutput = pipe
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 141)
        #expect(stderr.isEmpty, "\(stderr)")

        let full = Process()
        full.executableURL = Fixtures.policycBinary
        full.arguments = ["render", ownPolicy]
        full.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        let fullErrors = Pipe()
        full.standardError = fullErrors
        try full.run()
        let fullStderr = String(decoding: fullErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        full.waitUntilExit()
        #expect(full.terminationStatus == 2)
        #expect(fullStderr == "policyc: error: cannot write standard output: No space left on device\n")
    }
}
