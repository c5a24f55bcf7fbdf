import Foundation
import PolicyTestSupport
import Testing

/// The command line as the built binary reads it (ArgumentParser): forms of options, `--`, help,
/// short names, and what a refused command line prints.
@Suite struct ArgumentTests {
    let ownPolicy = Fixtures.ownPolicy.path

    @Test func optionsComeAnywhereInEitherFormAndTheLastOneWins() throws {
        let separate = try Fixtures.policyc(["render", ownPolicy, "--format", "text"])
        #expect(separate.status == 0)
        #expect(separate.stdout.hasPrefix("Privacy Policy\n=============="))
        for words in [["render", "--format=text", ownPolicy], ["render", "-f", "text", ownPolicy],
                      ["render", ownPolicy, "--format", "json", "--format", "text"]] {
            let result = try Fixtures.policyc(words)
            #expect(result.status == 0, "\(words): \(result.stderr)")
            #expect(result.stdout == separate.stdout, "\(words)")
        }
    }

    @Test func shortOptions() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        // -C: the project, from anywhere (as git -C); -f: the format.
        let check = try Fixtures.policyc(["check", "-C", root.path, "-f", "json", "--today", "2026-11-29"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(try JSONSerialization.jsonObject(with: check.stdoutBytes) is [String: Any])
        // -o: the output folder.
        let build = try Fixtures.policyc(["build", "-o", "out", "--today", "2026-11-29"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/index.html").path))
        // -n: a dry run writes nothing.
        let dryRun = try Fixtures.policyc(["release", "-n", "privacy-policy", "--date", "2026-11-29", "-f", "json"], in: root)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: dryRun.stdoutBytes) as? [String: Any])
        #expect(report["status"] as? String == "dry-run")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("CHANGELOG.md").path))
    }

    @Test func manyArgumentsTakeEveryWordThatIsNoOption() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: root.appendingPathComponent("policy/privacy-policy.md"),
                                         to: root.appendingPathComponent("policy/terms.md"))
        let result = try Fixtures.policyc(["check", "policy/privacy-policy.md", "--today", "2026-11-29", "policy/terms.md"],
                                          in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("in 2 files"), "\(result.stderr)")
    }

    @Test func doubleDashEndsTheOptions() throws {
        // After --, -h and --format are file names: reported as files not found, not taken as options.
        let help = try Fixtures.policyc(["parse", "--", "-h"])
        #expect(help.status == 2)
        #expect(help.stderr == "-h: error: file not found\n")
        let format = try Fixtures.policyc(["render", "--", "--format"])
        #expect(format.status == 2)
        #expect(format.stderr == "--format: error: file not found\n")
    }

    @Test func helpWinsOverAnIncompleteCommandLine() throws {
        let help = try Fixtures.policyc(["diff", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: policyc diff [--project <project>] <old> [<new>] [--format <format>] [--exit-code]"))
        #expect(help.stdout.contains("  -f, --format <format>"))
        #expect(help.stdout.contains("(values: text, json, html; default: text)"))
        for words in [["diff", "a", "--format", "json", "-h"], ["help", "diff"], ["diff", "-h"]] {
            let result = try Fixtures.policyc(words)
            #expect(result.status == 0, "\(words)")
            #expect(result.stdout == help.stdout, "\(words)")
        }
        let nested = try Fixtures.policyc(["notices", "status", "--help"])
        #expect(nested.stdout.contains("USAGE: policyc notices status"))
        #expect(try Fixtures.policyc(["help", "notices", "status"]).stdout == nested.stdout)
        // A group without its command shows the group's help and succeeds.
        let group = try Fixtures.policyc(["notices"])
        #expect(group.status == 0)
        #expect(group.stdout.contains("USAGE: policyc notices <subcommand>"))
        #expect(group.stdout.contains("\n  proof "))
    }

    /// policyc's --version is the root's alone: `notify --version` names a release.
    @Test func onlyTheRootHasVersion() throws {
        #expect(try Fixtures.policyc(["--version"]).stdout == "0.1.0\n")
        let notifyHelp = try Fixtures.policyc(["notify", "--help"])
        #expect(notifyHelp.stdout.contains("--version <version>     The release (default: the latest)."))
        #expect(!notifyHelp.stdout.contains("Show the version."))
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let notify = try Fixtures.policyc(["notify", "privacy-policy", "--version", "v7", "--users", "users.csv"], in: root)
        #expect(notify.status == 2)
        #expect(notify.stdout.isEmpty, "not the version: \(notify.stdout)")
        // notify ran, with its option: the project's policy has no release v7 (nor any release).
        #expect(!notify.stderr.contains("Usage:"), "\(notify.stderr)")
        #expect(notify.stderr.contains("privacy-policy@v7"), "\(notify.stderr)")
        let extra = try Fixtures.policyc(["--version", "now"])
        #expect(extra.status == 2)
    }

    @Test func refusalsNameTheProblemAndTheCommandsUsage() throws {
        let cases: [([String], String)] = [
            (["check", "--no-such-flag"], "policyc: error: unknown option '--no-such-flag'"),
            (["diff", "a", "-x"], "policyc: error: unknown option '-x'"),
            (["diff"], "policyc: error: missing expected argument '<old>'"),
            (["diff", "a", "b", "c"], "policyc: error: unexpected argument 'c'"),
            (["notices", "status"], "policyc: error: missing expected argument '--release <release>'"),
            (["check", "--today"], "policyc: error: missing value for '--today <today>'"),
            (["diff", "a", "--exit-code=yes"], "policyc: error: the option '--exit-code' does not take any value"),
            (["notify", "privacy-policy"],
             "policyc: error: --users is needed: the export of the user base (only --replan may go without it)"),
            (["notify", "privacy-policy", "--users", "u.csv", "--provider", "ses", "--format", "eml"],
             "policyc: error: --format eml is for --provider generic; providers take their own request bodies"),
            (["release", "privacy-policy", "--effective", "soon"],
             "policyc: error: --effective must be a day, YYYY-MM-DD, not 'soon'"),
        ]
        for (words, message) in cases {
            let result = try Fixtures.policyc(words)
            #expect(result.status == 2, "\(words)")
            #expect(result.stdout.isEmpty, "\(words)")
            #expect(result.stderr.hasPrefix(message), "\(words): \(result.stderr)")
            let command = words.prefix { !$0.hasPrefix("-") && !["a", "privacy-policy"].contains($0) }.joined(separator: " ")
            #expect(result.stderr.contains("\nUsage: policyc \(command)"), "\(words): \(result.stderr)")
            #expect(result.stderr.hasSuffix("\n  See 'policyc \(command) --help' for more information.\n"),
                    "\(words): \(result.stderr)")
        }
    }

    /// A word of the command line quoted in an error keeps the error on its line.
    @Test func controlCharactersInAWordAreShownEscaped() throws {
        let result = try Fixtures.policyc(["diff", "a", "b", "evil\r\nname"])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == #"policyc: error: unexpected argument 'evil\r\nname'"#, "\(result.stderr)")
        #expect(lines.count == 4, "the error, the usage, where help is, and the final newline: \(result.stderr)")
    }

    /// Defaults shown by `--help` are the library's own (DeliveryOptions, Provider), not copies.
    @Test func sendShowsTheLibrarysDefaults() throws {
        let help = try Fixtures.policyc(["send", "--help"])
        for shown in ["(default: sendmail -t -i)", "(default: 3)", "(default: 2)", "(default: 60)"] {
            #expect(help.stdout.contains(shown), "\(shown)")
        }
        #expect(try Fixtures.policyc(["notify", "--help"]).stdout.contains("(default 1000, or the provider's"))
    }
}
