import Foundation
import PolicyTestSupport
import Testing

/// `policyc --generate-completion-script SHELL`, and bash completing with the script it prints.
@Suite struct CompletionTests {
    /// The candidates bash offers for `line` (completed at its end): the script is sourced in a
    /// non-interactive bash, then its completion function is called as bash's `complete -F` would.
    func bashCompletions(_ line: String, in directory: URL? = nil) throws -> [String] {
        let script = try Fixtures.policyc(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scriptFile = folder.appendingPathComponent("policyc.bash")
        try script.stdoutBytes.write(to: scriptFile)
        var words = line.split(separator: " ").map(String.init)
        if line.hasSuffix(" ") { words.append("") }
        let quotedWords = words.map { "'\($0)'" }.joined(separator: " ")
        let driver = """
            source '\(scriptFile.path)'
            complete -p policyc >/dev/null || exit 3
            COMP_WORDS=(\(quotedWords))
            COMP_CWORD=\(words.count - 1)
            COMP_LINE='\(line)'
            COMP_POINT=${#COMP_LINE}
            _policyc policyc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        var environment = ["PATH": Fixtures.policycBinary.deletingLastPathComponent().path + ":/usr/bin:/bin"]
        environment["HOME"] = folder.path
        let result = try Fixtures.run(URL(fileURLWithPath: "/bin/bash"), ["--norc", "--noprofile", "-c", driver],
                                      in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func bashCompletesCommands() throws {
        #expect(try bashCompletions("policyc no") == ["notices", "notify"])
        #expect(try bashCompletions("policyc te") == ["templates"])
    }

    @Test func bashCompletesTheCommandsOfAGroup() throws {
        let candidates = try bashCompletions("policyc notices ")
        #expect(Set(["status", "proof", "migrate"]).isSubset(of: candidates), "\(candidates)")
        #expect(!candidates.contains("notify"))
    }

    @Test func bashCompletesOptionsAndTheirValues() throws {
        #expect(try bashCompletions("policyc diff --format ") == ["html", "json", "text"])
        #expect(try bashCompletions("policyc notify --provider s") == ["sendgrid", "ses"])
        let options = try bashCompletions("policyc send --re")
        #expect(options == ["--release", "--resend-unknown", "--retries", "--retry-delay"], "\(options)")
    }

    /// Policy names come from the project itself, through `policyc ---completion`.
    @Test func bashCompletesThePoliciesOfTheProject() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: root.appendingPathComponent("policy/privacy-policy.md"),
                                         to: root.appendingPathComponent("policy/terms.md"))
        #expect(try bashCompletions("policyc release ", in: root) == ["privacy-policy", "terms"])
        #expect(try bashCompletions("policyc notify t", in: root.appendingPathComponent("policy")) == ["terms"])
        let elsewhere = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        #expect(try bashCompletions("policyc status -C \(root.path) p", in: elsewhere) == ["privacy-policy"])
        #expect(try bashCompletions("policyc show ", in: elsewhere).isEmpty, "no project here: nothing offered")
    }

    @Test func zshAndFishScriptsAndAnUnknownShell() throws {
        let zsh = try Fixtures.policyc(["--generate-completion-script", "zsh"])
        #expect(zsh.status == 0)
        #expect(zsh.stdout.hasPrefix("#compdef policyc\n"))
        let fish = try Fixtures.policyc(["--generate-completion-script", "fish"])
        #expect(fish.status == 0)
        #expect(fish.stdout.contains("complete -c 'policyc' -n"))
        let unknown = try Fixtures.policyc(["--generate-completion-script", "tcsh"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("policyc: error: can't generate completion scripts for 'tcsh'"))
    }
}
