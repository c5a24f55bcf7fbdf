import Foundation
import PolicyTestSupport
import Testing

/// From nothing to a published policy: `policyc init`, the built-in templates and a project's overrides,
/// `templates export`, commands run from inside the project, and the config values `check`, `build` and
/// `notify` verify. Everything through the real binary.
@Suite struct ProjectStartTests {
    /// Every file under `root` with its bytes (links as their destination), to prove nothing was written.
    func snapshot(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        while let path = enumerator.nextObject() as? String {
            let url = root.appendingPathComponent(path)
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                files[path] = Data(("-> " + destination).utf8)
            } else if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                files[path + "/"] = Data()
            } else {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    func site(_ root: URL, _ out: String = "_site") throws -> [String: Data] {
        try snapshot(root.appendingPathComponent(out))
    }

    func write(_ text: String, _ root: URL, _ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// A project made by `policyc init` in a new folder of a scratch folder.
    func initialised() throws -> (parent: URL, root: URL) {
        let parent = try Fixtures.temporaryDirectory()
        let result = try Fixtures.policyc(["init", "start"], in: parent)
        try #require(result.status == 0, "\(result.stderr)")
        return (parent, parent.appendingPathComponent("start"))
    }

    // MARK: init

    @Test func initThenCheckAndBuildWork() throws {
        let parent = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        // A folder that is not there yet, and one that exists and is empty (the one-rename path both).
        try FileManager.default.createDirectory(at: parent.appendingPathComponent("empty"), withIntermediateDirectories: true)
        for folder in ["new/deeper", "empty"] {
            let created = try Fixtures.policyc(["init", folder], in: parent)
            #expect(created.status == 0, "\(created.stderr)")
            let root = parent.appendingPathComponent(folder)
            for path in ["policy/privacy-policy.md", "policy/policyc.yml", "CHANGELOG.md", ".gitignore", "script/policy-pipeline",
                         ".github/workflows/policy.yml"] {
                #expect(created.stdout.contains("  \(path)\n"), "\(path) is listed")
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path), "\(path)")
            }
            #expect(FileManager.default.isExecutableFile(atPath: root.appendingPathComponent("script/policy-pipeline").path))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.deletingLastPathComponent().path)
                .filter { $0.contains("policyc-new") }
            #expect(leftovers.isEmpty, "no staging folder left: \(leftovers)")

            let check = try Fixtures.policyc(["check", "--strict"], in: root)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stderr.contains("0 errors, 0 warnings in 1 file"), "\(check.stderr)")
            let build = try Fixtures.policyc(["build"], in: root)
            #expect(build.status == 0, "\(build.stderr)")
            let index = try read(root, "_site/index.html")
            #expect(index.contains("<a href=\"privacy-policy.html\">Privacy Policy</a>"), "\(index)")
            let page = try read(root, "_site/privacy-policy.html")
            #expect(page.contains("<link rel=\"canonical\" href=\"https://example.com/privacy-policy.html\">"))
            #expect(page.contains("id=\"sec-7\""), "seven numbered sections")
        }
    }

    @Test func theStarterIsReadyForGitAndCI() throws {
        let (parent, root) = try initialised()
        defer { try? FileManager.default.removeItem(at: parent) }
        // Users' addresses (the notices and their ledger) and the built site stay out of git.
        let git = URL(fileURLWithPath: "/usr/bin/git")
        let hasGit = FileManager.default.isExecutableFile(atPath: git.path)
        if hasGit {
            #expect(try Fixtures.run(git, ["init", "-q", "-b", "main"], in: root).status == 0)
            for ignored in ["notices/ledger.sqlite", "notices/privacy-policy-v2/batch-000001.jsonl", "_site/index.html"] {
                #expect(try Fixtures.run(git, ["check-ignore", "-q", ignored], in: root).status == 0, "\(ignored) is ignored")
            }
            #expect(try Fixtures.run(git, ["check-ignore", "-q", "policy/privacy-policy.md"], in: root).status == 1)
        }
        let ignore = try read(root, ".gitignore")
        #expect(ignore.contains("/notices/\n") && ignore.contains("/_site/\n"))
        // The changelog is what `release` expects of a project that has released nothing.
        #expect(try read(root, "CHANGELOG.md").contains("No policy has been released yet."))
        // The workflow runs the pipeline init wrote, and the pipeline passes on the fresh project.
        let workflow = try read(root, ".github/workflows/policy.yml")
        #expect(workflow.contains("run: script/policy-pipeline pr") && workflow.contains("run: script/policy-pipeline main"))
        let pipeline = try Fixtures.run(URL(fileURLWithPath: "/bin/bash"), ["script/policy-pipeline", "pr"], in: root,
                                        environment: ["POLICYC": Fixtures.policycBinary.path, "NO_COLOR": "1"])
        #expect(pipeline.status == 0, "\(pipeline.stdout)\(pipeline.stderr)")
        #expect(pipeline.stdout.contains("never been released"))
        let main = try Fixtures.run(URL(fileURLWithPath: "/bin/bash"), ["script/policy-pipeline", "main"], in: root,
                                    environment: ["POLICYC": Fixtures.policycBinary.path, "NO_COLOR": "1"])
        #expect(main.status == 0, "\(main.stdout)\(main.stderr)")
        #expect(main.stdout.contains("privacy-policy v1 released: initial"))
        #expect(try read(root, "CHANGELOG.md").contains("## Privacy Policy v1"))
        #expect(!(try read(root, "CHANGELOG.md")).contains("No policy has been released yet."))

        // A pull request on a branch: the pipeline also diffs each draft against the base branch.
        guard hasGit else { return }
        let identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
        #expect(try Fixtures.run(git, ["add", "-A"], in: root).status == 0)
        #expect(try Fixtures.run(git, identity + ["commit", "-q", "-m", "v1"], in: root).status == 0)
        #expect(try Fixtures.run(git, ["checkout", "-q", "-b", "longer"], in: root).status == 0)
        let draft = try read(root, "policy/privacy-policy.md")
        try write(draft.replacingOccurrences(of: "within 30 days after the account is closed",
                                             with: "within 90 days after the account is closed"), root, "policy/privacy-policy.md")
        // A material change carries its release notes in the same pull request, or the pipeline fails it.
        let withoutNotes = try Fixtures.run(URL(fileURLWithPath: "/bin/bash"), ["script/policy-pipeline", "pr"], in: root,
                                            environment: ["POLICYC": Fixtures.policycBinary.path, "NO_COLOR": "1"])
        #expect(withoutNotes.status == 1 && withoutNotes.stderr.contains("needs release notes"), "\(withoutNotes.stderr)")
        try write("We now keep your data for 90 days after you close your account.\n", root, "policy/privacy-policy.notes.md")
        let pr = try Fixtures.run(URL(fileURLWithPath: "/bin/bash"), ["script/policy-pipeline", "pr"], in: root,
                                  environment: ["POLICYC": Fixtures.policycBinary.path, "NO_COLOR": "1", "POLICY_BASE": "main"])
        #expect(pr.status == 0, "\(pr.stdout)\(pr.stderr)")
        #expect(pr.stdout.contains("== privacy-policy: this change (against main)"), "\(pr.stdout)")
        #expect(pr.stdout.components(separatedBy: "\nVerdict: ").count == 3, "against the release and the base: \(pr.stdout)")
        #expect(pr.stdout.contains("[-30-]{+90+}"))
    }

    @Test func initWithABaseURLWritesItAndRefusesABadOne() throws {
        let parent = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let good = try Fixtures.policyc(["init", "good", "--base-url", "https://legal.example.org/policies"], in: parent)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(!good.stdout.contains("set site.baseURL"), "nothing left to replace")
        #expect(try read(parent, "good/policy/policyc.yml").contains("  baseURL: https://legal.example.org/policies\n"))
        #expect(try Fixtures.policyc(["build"], in: parent.appendingPathComponent("good")).status == 0)
        for bad in ["javascript:alert(1)", "/legal", "https://example.com/\nsite:", "https://exa mple.com"] {
            let refused = try Fixtures.policyc(["init", "bad", "--base-url", bad], in: parent)
            #expect(refused.status == 2, "\(bad)")
            #expect(refused.stderr.contains("--base-url"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("bad").path), "\(bad): nothing written")
        }
    }

    @Test func initRefusesToOverwriteAndWritesNothing() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write("node_modules/\n", root, ".gitignore")
        try write("# Our policy\n", root, "policy/privacy-policy.md")
        try write("# Readme\n", root, "README.md")
        let before = try snapshot(root)
        let refused = try Fixtures.policyc(["init"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(".: error: already holds .gitignore, policy/privacy-policy.md: nothing was written"),
                "\(refused.stderr)")
        #expect(try snapshot(root) == before, "not a byte written, no folder made")
        // A file where one of init's folders goes is in the way too.
        let blocked = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: blocked) }
        try write("not a folder", blocked, "script")
        let blockedRun = try Fixtures.policyc(["init", blocked.path])
        #expect(blockedRun.status == 1)
        #expect(blockedRun.stderr.contains("already holds script/policy-pipeline"), "\(blockedRun.stderr)")
        #expect(try snapshot(blocked) == ["script": Data("not a folder".utf8)])
    }

    @Test func initAddsToAFolderThatHoldsOtherThings() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write("# Readme\n", root, "README.md")
        try write("name: other\n", root, ".github/workflows/other.yml")
        let created = try Fixtures.policyc(["init"], in: root)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try read(root, "README.md") == "# Readme\n")
        #expect(try read(root, ".github/workflows/other.yml") == "name: other\n")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(".github/workflows/policy.yml").path))
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(names == [".github", ".gitignore", "CHANGELOG.md", "README.md", "policy", "script"], "no staging left: \(names)")
        #expect(try Fixtures.policyc(["check"], in: root).status == 0)
    }

    // MARK: Templates

    @Test func aProjectMayOverrideOnlyItsStylesheet() throws {
        let (parent, root) = try initialised()
        defer { try? FileManager.default.removeItem(at: parent) }
        #expect(try Fixtures.policyc(["build", "--out", "plain"], in: root).status == 0)
        let css = "body { color: rebeccapurple; }\n"
        try write(css, root, "templates/style.css")
        let build = try Fixtures.policyc(["build", "--out", "styled"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        let plain = try site(root, "plain"), styled = try site(root, "styled")
        #expect(styled["style.css"] == Data(css.utf8))
        #expect(plain["style.css"] != Data(css.utf8))
        // Every page comes from the built-in templates, as before.
        for (path, bytes) in plain where path.hasSuffix(".html") || path.hasSuffix(".xml") {
            #expect(styled[path] == bytes, "\(path)")
        }
    }

    @Test func exportedTemplatesBuildTheSameSiteByteForByte() throws {
        let (parent, root) = try initialised()
        defer { try? FileManager.default.removeItem(at: parent) }
        #expect(try Fixtures.policyc(["build", "--out", "built-in"], in: root).status == 0)
        let export = try Fixtures.policyc(["templates", "export"], in: root.appendingPathComponent("policy"))
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.hasPrefix("wrote 14 templates into templates/:\n"), "\(export.stdout)")
        for path in ["style.css", "policy.mustache", "layout-head.mustache", "email/notice.text.mustache", "email/notice.fr.html.mustache"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("templates/\(path)").path), "\(path)")
        }
        #expect(try Fixtures.policyc(["build", "--out", "exported"], in: root).status == 0)
        let builtIn = try site(root, "built-in")
        #expect(builtIn.count > 4)
        #expect(try site(root, "exported") == builtIn)

        // A second export names what is there and writes nothing; a folder of one's own is fine.
        try write("/* mine */\n", root, "templates/style.css")
        let before = try snapshot(root.appendingPathComponent("templates"))
        let again = try Fixtures.policyc(["templates", "export"], in: root)
        #expect(again.status == 1)
        #expect(again.stderr.contains("templates: error: already holds archive.mustache, changes.mustache"), "\(again.stderr)")
        #expect(try snapshot(root.appendingPathComponent("templates")) == before)
        let elsewhere = try Fixtures.policyc(["templates", "export", "../theirs"], in: root)
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
        #expect(try read(parent, "theirs/style.css") == (try read(root, "built-in/style.css")))
    }

    /// `build` and `notify` outside this repository: there is no templates/ folder anywhere.
    @Test func notifyUsesTheBuiltInEmailsAndAnOverrideOfOne() throws {
        let root = try NoticeCommandTests.materialRelease(users: 8)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("templates").path))
        // A full translation (a localised part must use all its default uses), marked as the project's.
        let frenchHTML = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Sources/PolicyNotice/EmailTemplates/notice.fr.html.mustache"),
                                encoding: .utf8)
        try write(frenchHTML.replacingOccurrences(of: "<p>Bonjour {{recipient.name}},</p>", with: "<p>Bonjour {{recipient.name}}, OVERRIDDEN-FR</p>"),
                  root, "templates/email/notice.fr.html.mustache")
        let notify = try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21", "--format", "eml"],
                                          in: root)
        #expect(notify.status == 0, "\(notify.stderr)")
        let out = root.appendingPathComponent("notices/privacy-policy-v2")
        let messages = try #require(FileManager.default.enumerator(atPath: out.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".eml") }
        #expect(messages.count == 8)
        var french = 0
        for name in messages {
            let message = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            let isFrench = message.contains("<user4@example.com>") || message.contains("<user8@example.com>")
            french += isFrench ? 1 : 0
            #expect(message.contains("OVERRIDDEN-FR") == isFrench, "\(name)")
        }
        #expect(french == 2)
        let manifest = try read(out, "manifest.json")
        #expect(manifest.contains("\"templates/email/notice.fr.html.mustache\"") && manifest.contains("\"built-in:notice.text.mustache\""))
    }

    // MARK: Where am I

    @Test func commandsFindTheProjectFromASubfolder() throws {
        let (parent, root) = try initialised()
        defer { try? FileManager.default.removeItem(at: parent) }
        let deep = root.appendingPathComponent("docs/notes")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        let policy = root.appendingPathComponent("policy")
        for folder in [policy, deep] {
            let check = try Fixtures.policyc(["check"], in: folder)
            #expect(check.status == 0 && check.stderr.contains("in 1 file"), "\(check.stderr)")
            let status = try Fixtures.policyc(["status"], in: folder)
            #expect(status.stdout.contains("privacy-policy:\n"), "\(status.stderr)")
        }
        // A path is the user's, from where they are; the output names it from the project's root.
        let file = try Fixtures.policyc(["check", "privacy-policy.md", "--format", "json"], in: policy)
        #expect(file.status == 0 && file.stdout.contains("\"policy/privacy-policy.md\""), "\(file.stdout)\(file.stderr)")
        // The default site is the project's; a folder given is where the user is.
        #expect(try Fixtures.policyc(["build"], in: deep).status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("_site/index.html").path))
        #expect(try Fixtures.policyc(["build", "--out", "preview"], in: deep).status == 0)
        #expect(FileManager.default.fileExists(atPath: deep.appendingPathComponent("preview/index.html").path))
        // The starter is dated today: so is its first release.
        #expect(try Fixtures.policyc(["release", "privacy-policy"], in: deep).status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("policy/archive/privacy-policy/v1.md").path))

        // A file name where a policy's name is expected: the name it meant.
        for name in ["privacy-policy.md", "policy/privacy-policy.md"] {
            let diff = try Fixtures.policyc(["diff", name], in: name.contains("/") ? root : policy)
            #expect(diff.status == 2)
            #expect(diff.stderr.contains("error: no policy of that name") && diff.stderr.contains("did you mean “privacy-policy”?"),
                    "\(diff.stderr)")
            let show = try Fixtures.policyc(["show", name, "--on", "2026-12-02"], in: deep)
            #expect(show.stderr.contains("did you mean “privacy-policy”?"), "\(show.stderr)")
        }

        // --project still decides; outside any project, the error says how to start one.
        let elsewhere = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let named = try Fixtures.policyc(["status", "--project", root.path], in: elsewhere)
        #expect(named.status == 0 && named.stdout.contains("in force on"), "\(named.stderr)")
        let nowhere = try Fixtures.policyc(["check"], in: elsewhere)
        #expect(nowhere.status == 2)
        #expect(nowhere.stderr.contains("no policy/ folder here or in any folder above: `policyc init` starts a project"),
                "\(nowhere.stderr)")
    }

    // MARK: Config

    @Test func aYAMLSyntaxErrorNamesLineAndColumn() throws {
        let (parent, root) = try initialised()
        defer { try? FileManager.default.removeItem(at: parent) }
        try write("site:\n  title: Legal: the site\n  baseURL: https://example.com\n", root, "policy/policyc.yml")
        for command in [["check"], ["build"], ["status"]] {
            let result = try Fixtures.policyc(command, in: root)
            #expect(result.status == 2)
            #expect(result.stderr.contains("policy/policyc.yml:2:15: error: YAML syntax: a ':' inside a value; put the value in quotes"),
                    "\(command): \(result.stderr)")
        }
    }

    @Test(arguments: [
        ("", "policy/policyc.yml: error: site.baseURL is not set"),
        ("  baseURL: /legal\n", "policy/policyc.yml:5:12: error: site.baseURL is not an absolute https:// or http:// URL"),
        ("  baseURL: javascript:alert(1)\n", "policy/policyc.yml:5:12: error: site.baseURL is not an absolute https:// or http:// URL"),
        ("  baseURL: \"https://example.com/\\u0085x\"\n", "policy/policyc.yml:5:12: error: site.baseURL holds a space, line break"),
    ])
    func buildAndNotifyRefuseWithoutAnAbsoluteBaseURL(line: String, message: String) throws {
        let root = try NoticeCommandTests.materialRelease(users: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        try write("notice:\n  from: Legal <legal@example.com>\nsite:\n  title: Legal\n" + line, root, "policy/policyc.yml")
        let expected = message
        let build = try Fixtures.policyc(["build"], in: root)
        #expect(build.status == 2)
        #expect(build.stderr.contains(expected), "\(build.stderr)")
        #expect(build.stderr.contains("set it in policy/policyc.yml under site:"), "\(build.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("_site").path), "nothing built")
        let notify = try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root)
        #expect(notify.status == 2)
        #expect(notify.stderr.contains(expected), "\(notify.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("notices").path), "nothing planned")
        let check = try Fixtures.policyc(["check"], in: root)
        if line.isEmpty {
            #expect(check.status == 0, "an unset base URL is for build to refuse: \(check.stdout)")
        } else {
            #expect(check.status == 1)
            #expect(check.stdout.contains(expected) && check.stdout.contains("[config-base-url]"), "\(check.stdout)")
        }
    }

    @Test func aSenderWithALineBreakIsReportedAtItsLine() throws {
        let root = try NoticeCommandTests.materialRelease(users: 2)
        defer { try? FileManager.default.removeItem(at: root) }
        try write("""
            site:
              title: Legal
              baseURL: https://example.com
            notice:
              periodDays: 30
              from: "Legal <legal@example.com>\\r\\nBcc: everyone@evil.example"
            """, root, "policy/policyc.yml")
        let check = try Fixtures.policyc(["check"], in: root)
        #expect(check.status == 1)
        #expect(check.stdout.contains("policy/policyc.yml:6:9: error: notice.from holds a line break (CR or LF), which would let it "
                                      + "add mail headers [config-notice-from]"), "\(check.stdout)")
        #expect(!check.stdout.contains("\r"), "the value's line break is not printed")
        let notify = try Fixtures.policyc(["notify", "privacy-policy", "--users", "users.csv", "--today", "2026-11-21"], in: root)
        #expect(notify.status == 2)
        #expect(notify.stderr.contains("policy/policyc.yml:6:9: error: notice.from holds a line break"), "\(notify.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("notices").path))
        // A release is refused while check has an error; the draft stays as it was.
        let draft = try read(root, "policy/privacy-policy.md")
        try write(draft.replacingOccurrences(of: "45 days", with: "60 days"), root, "policy/privacy-policy.md")
        let release = try Fixtures.policyc(["release", "privacy-policy", "--date", "2026-11-22"], in: root)
        #expect(release.status == 1 && release.stderr.contains("notice.from"), "\(release.stderr)")
    }
}
