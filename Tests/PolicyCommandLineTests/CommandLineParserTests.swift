import Testing
@testable import PolicyCommandLine

private enum Format: String, CaseIterable {
    case text, json, html
}

/// A root like policyc's: commands with arguments of each count, options, flags, and a group.
private let root = CommandSpec("tool", abstract: "A tool.", subcommands: [
    CommandSpec("diff", abstract: "Compare two files.", discussion: "Exits 1 when they differ.", parameters: [
        .option("project", default: ".", help: "The project folder."),
        .argument("old", help: "The old file."),
        .argument("new", .optional, help: "The new file."),
        .option("format", choices: Format.self, default: .text, help: "text, json or html."),
        .flag("exit-code", help: "Exit 1 when they differ."),
    ]),
    CommandSpec("check", abstract: "Check files.", parameters: [
        .argument("paths", .many, help: "The files."),
        .option("today", help: "The day."),
        .option("size", help: "A size."),
    ]),
    CommandSpec("notices", abstract: "Notices.", subcommands: [
        CommandSpec("status", abstract: "Their status.", parameters: [
            .option("release", required: true, help: "The release."),
            .option("rate", help: "A rate."),
        ]),
    ]),
])

private func parse(_ words: String...) throws(UsageError) -> Invocation {
    try CommandLineParser(root: root).parse(words)
}

private func run(_ words: String...) throws -> (command: [String], arguments: ParsedArguments) {
    guard case .run(let command, let arguments) = try CommandLineParser(root: root).parse(words) else {
        Issue.record("\(words) did not parse as a command to run")
        throw UsageError("", usage: "", command: "")
    }
    return (command, arguments)
}

private func refusal(_ words: String...) -> UsageError? {
    do {
        let invocation = try CommandLineParser(root: root).parse(words)
        Issue.record("\(words) parsed as \(invocation)")
        return nil
    } catch {
        return error
    }
}

@Suite struct CommandLineParserTests {
    @Test func argumentsOptionsAndFlags() throws {
        let (command, arguments) = try run("diff", "a.md", "b.md", "--format", "json", "--exit-code")
        #expect(command == ["diff"])
        #expect(arguments.string("old") == "a.md")
        #expect(arguments.string("new") == "b.md")
        #expect(try arguments.choice("format", Format.self) == .json)
        #expect(arguments.flag("exit-code"))
        #expect(arguments.string("project") == nil, "a default is the command's, not filled in")
    }

    @Test func optionsMayComeAnywhereAndTakeTheirValueAfterAnEqualsSign() throws {
        let (_, arguments) = try run("diff", "--format=html", "a.md", "--project", "../p")
        #expect(arguments.string("format") == "html")
        #expect(arguments.string("old") == "a.md")
        #expect(arguments.string("new") == nil)
        #expect(!arguments.flag("exit-code"))
        #expect(arguments.string("project") == "../p")
    }

    @Test func theLastOfAnOptionGivenTwiceWins() throws {
        #expect(try run("diff", "a", "--format", "json", "--format", "html").arguments.string("format") == "html")
    }

    @Test func doubleDashEndsOptions() throws {
        let (_, arguments) = try run("diff", "--", "--format", "-")
        #expect(arguments.string("old") == "--format")
        #expect(arguments.string("new") == "-")
        #expect(arguments.string("format") == nil)
    }

    @Test func manyArgumentsTakeTheRest() throws {
        #expect(try run("check", "a.md", "--today", "2026-11-29", "b.md").arguments.strings("paths") == ["a.md", "b.md"])
        #expect(try run("check").arguments.strings("paths") == [])
    }

    @Test func aValueMayStartWithOneDashButNotTwo() throws {
        #expect(try run("notices", "status", "--release", "p@v1", "--rate", "-1").arguments.string("rate") == "-1")
        #expect(refusal("check", "--size", "--today")?.message == "--size needs a value <size>")
        #expect(refusal("check", "--size")?.message == "--size needs a value <size>")
    }

    @Test func subcommandsOfAGroup() throws {
        let (command, arguments) = try run("notices", "status", "--release", "privacy@v2")
        #expect(command == ["notices", "status"])
        #expect(arguments.string("release") == "privacy@v2")
    }

    @Test func refusalsNameTheProblemAndTheCommandsUsage() throws {
        let unknown = refusal("diff", "a", "--no-such-flag")
        #expect(unknown?.message == "unknown option '--no-such-flag'")
        #expect(unknown?.usage == "tool diff [--project <project>] <old> [<new>] [--format <format>] [--exit-code]")
        #expect(unknown?.command == "tool diff")
        #expect(unknown?.description.contains("See 'tool diff --help' for more information.") == true)
        #expect(refusal("diff", "a", "-x")?.message == "unknown option '-x'")
        #expect(refusal("diff", "a", "--format", "pdf")?.message == "--format must be one of text, json, html, not 'pdf'")
        #expect(refusal("diff", "a", "--exit-code=yes")?.message == "--exit-code takes no value")
        #expect(refusal("diff")?.message == "missing <old>")
        #expect(refusal("diff", "a", "b", "c")?.message == "unexpected argument 'c'")
        #expect(refusal("notices", "status")?.message == "missing --release <release>")
        #expect(refusal("nope")?.message == "unknown command 'nope'")
        #expect(refusal("nope")?.usage == "tool <subcommand>")
        #expect(refusal("--nope")?.message == "unknown option '--nope'")
        #expect(refusal("notices", "nope")?.command == "tool notices")
        #expect(refusal("help", "nope")?.message == "unknown command 'nope'")
    }

    @Test func controlCharactersInAWordAreShownEscaped() throws {
        let error = refusal("diff", "a", "b", "evil\r\nname")
        #expect(error?.message == "unexpected argument 'evil\\r\\nname'")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func typedValuesThatDoNotConvertAreUsageErrors() throws {
        let (_, arguments) = try run("check", "--size", "ten", "--today", "2026-11-29")
        #expect(throws: UsageError.self) { try arguments.int("size") }
        #expect(throws: UsageError.self) { try arguments.double("size") }
        #expect(try arguments.value("today", expected: "a day") { $0.count == 10 ? $0 : nil } == "2026-11-29")
        let (_, numbers) = try run("check", "--size", "12")
        #expect(try numbers.int("size") == 12)
        #expect(try numbers.double("size") == 12)
        let (_, infinite) = try run("check", "--size", "inf")
        #expect(throws: UsageError.self) { try infinite.double("size") }
        #expect(throws: UsageError.self) { try arguments.required("paths") }
    }

    @Test func helpAndVersion() throws {
        #expect(try parse("--version") == .version)
        #expect(refusal("--version", "now")?.message == "unexpected argument 'now'")
        #expect(try parse("help", "help") == parse("--help"))
        guard case .help(let rootHelp) = try parse() else { Issue.record("no help without a command"); return }
        #expect(rootHelp.contains("SUBCOMMANDS:\n  diff                    Compare two files.\n"))
        #expect(rootHelp.contains("  --version               Show the version.\n"))
        #expect(try parse("--help") == .help(rootHelp))
        #expect(try parse("-h") == .help(rootHelp))
        guard case .help(let diffHelp) = try parse("diff", "--help") else { Issue.record("no help for diff"); return }
        #expect(try parse("help", "diff") == .help(diffHelp))
        #expect(try parse("diff", "a", "--format", "json", "-h") == .help(diffHelp), "help wins over what is incomplete")
        #expect(try parse("diff", "--", "-h") != .help(diffHelp), "after --, -h is a file name")
        #expect(diffHelp == """
            OVERVIEW: Compare two files.

            Exits 1 when they differ.

            USAGE: tool diff [--project <project>] <old> [<new>] [--format <format>] [--exit-code]

            ARGUMENTS:
              <old>                   The old file.
              <new>                   The new file.

            OPTIONS:
              --project <project>     The project folder. (default: .)
              --format <format>       text, json or html. (values: text, json, html;
                                      default: text)
              --exit-code             Exit 1 when they differ.
              -h, --help              Show help information.

            """)
        guard case .help(let groupHelp) = try parse("notices") else { Issue.record("no help for a group"); return }
        #expect(groupHelp.contains("USAGE: tool notices <subcommand>"))
        #expect(groupHelp.contains("See 'tool notices help <subcommand>' for detailed help."))
        #expect(try parse("help", "notices", "status") == parse("notices", "status", "--help"))
        #expect(try parse("notices", "help", "status") == parse("notices", "status", "--help"))
    }

    @Test func helpWrapsLongLabelsAndWords() {
        #expect(Help.wrap("one two three", indent: 4) == "    one two three")
        let long = String(repeating: "x", count: 100)
        #expect(Help.wrap("a \(long) b", indent: 2) == "  a\n  \(long)\n  b")
        let spec = CommandSpec("tool", abstract: "A tool.", parameters: [
            .option("a-very-long-option-name", help: "Its help."),
        ])
        guard case .help(let text) = try? CommandLineParser(root: spec).parse(["-h"]) else {
            Issue.record("no help")
            return
        }
        #expect(text.contains("  --a-very-long-option-name <a-very-long-option-name>\n"
                              + "                          Its help.\n"))
    }
}
