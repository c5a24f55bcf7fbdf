import ArgumentParser
import Foundation
import PolicyNotice
import PolicyParser
import PolicyProject

/// Ends the process with `status` after the command has said what it had to.
struct Exit: Error {
    let status: Int32
}

@main
struct Policyc: ParsableCommand {
    static let versionNumber = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "policyc",
        abstract: "A compiler and release toolchain for legal policies written in Markdown.",
        discussion: """
        policyc --version prints the version. policyc --generate-completion-script bash (or zsh, or fish) prints a \
        script that completes policyc's commands and options in that shell (README, "Shell completions").
        """,
        subcommands: [Init.self, Parse.self, Check.self, Render.self, Build.self, Diff.self, Release.self, Status.self,
                      Show.self, Notify.self, Send.self, NoticeCommands.self, TemplateCommands.self])

    /// The commands that parse whole policies into models: millions of small values on every core.
    static let modelCommands: Set<String> = Set([Parse.self, Check.self, Render.self, Build.self, Diff.self, Release.self]
        .compactMap { ($0 as any ParsableCommand.Type).configuration.commandName })

    /// The parser's fast paths (`ParseOptions`), taken unless `POLICYC_FAST_PATHS=0` asks for the
    /// reference pipeline: to compare with it, or to rule out a fast-path bug. Read once, here only.
    static let parseOptions: ParseOptions = getenv("POLICYC_FAST_PATHS").map { String(cString: $0) == "0" } == true
        ? .reference : .fast

    /// Exit codes: 0 success, 1 the policies have errors, 2 usage or I/O failure (like diff(1)).
    static func main() {
        // policyc started by policyc send as the keeper of a command's process group (MailCommand.swift).
        if getenv(SendKeeper.environmentVariable) != nil { SendKeeper.run() }
        // A sendmail command that exits early must not take policyc down with it.
        signal(SIGPIPE, SIG_IGN)
        Allocator.useLargePages()
        // Before the arguments are parsed (that parse already allocates), by the subcommand's name.
        if let name = CommandLine.arguments.dropFirst().first, modelCommands.contains(name) {
            Allocator.commitHeapsWhole()
            Allocator.onFreshHeap(runCommand)
        } else {
            runCommand()
        }
    }

    private static func runCommand() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The version is read here, not declared to ArgumentParser: a version in the configuration lists
        // --version in every command's help, and a flag of the root command takes `--version` wherever
        // it stands, so `notify DOC --version v2` (a release) would lose its option.
        if arguments == ["--version"] {
            Terminal.write(versionNumber + "\n")
            Foundation.exit(0)
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            finishParsing(error)
        }
        do {
            try command.run()
        } catch let error as ProjectError {
            Terminal.error(error.description)
            // A refused release is about the policies, like a failed check: 1. I/O and usage: 2.
            if case .refused = error { Foundation.exit(1) }
            Foundation.exit(2)
        } catch let exit as Exit {
            Foundation.exit(exit.status)
        } catch {
            // A command group run on its own (`policyc notices`) asks for its help.
            if exitCode(for: error) == .success { finishParsing(error) }
            Terminal.error("\(error)")
            Foundation.exit(2)
        }
    }

    /// Ends the process after a command line was read: help, the version or a completion script on
    /// standard output (exit 0), or why it cannot run, with the command's usage (exit 2, not
    /// ArgumentParser's 64: like diff(1), 1 is the policies' own failure and 2 the caller's).
    private static func finishParsing(_ error: any Error) -> Never {
        if exitCode(for: error) == .success {
            Terminal.write(fullMessage(for: error) + "\n")
            Foundation.exit(0)
        }
        Terminal.usageError(message(for: error), fullMessage: fullMessage(for: error))
        Foundation.exit(2)
    }
}

/// `--project DIR`, taken by every command that reads a project.
struct ProjectOption: ParsableArguments {
    @Option(name: [.customShort("C"), .long],
            help: "The folder that holds policy/ (default: the nearest one holding it, from the current folder up).",
            completion: .directory)
    var project: String?

    func resolve() -> ProjectFolder {
        Self.resolve(project)
    }

    /// The folder given, else the nearest folder holding `policy/` from the current folder up (as git
    /// finds `.git`), else the current folder.
    static func resolve(_ project: String?) -> ProjectFolder {
        if let project {
            return ProjectFolder(root: URL(fileURLWithPath: project, isDirectory: true).standardizedFileURL, prefix: "")
        }
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true).standardizedFileURL
        let root = Project.discover(from: current) ?? current
        return ProjectFolder(root: root, prefix: current.path == root.path ? ""
                             : String(current.path.dropFirst(root.path == "/" ? 1 : root.path.count + 1)))
    }
}

extension CompletionKind {
    /// The policies of the project on the command line being completed (`-C DIR`, `--project DIR`,
    /// else the one the shell stands in): `policyc release <TAB>` offers `privacy-policy`. Run by the
    /// completion script as `policyc ---completion …`; a project that cannot be read offers nothing.
    static let documents = CompletionKind.custom { words, _, _ in
        let given = words.indices.last { ["-C", "--project"].contains(words[$0]) && $0 + 1 < words.count }
            .map { words[$0 + 1] }
        guard let project = try? ProjectOption.resolve(given).open(),
              let documents = try? Releases(project: project).documents() else { return [] }
        return documents
    }
}

/// The project a command works on, and where in it the user stands.
struct ProjectFolder {
    let root: URL
    /// The current folder inside the project (`policy` when run in `root/policy`): relative paths given on
    /// the command line are the user's, from there. Empty at the root, and with --project, whose paths
    /// are read from DIR (as with `git -C DIR`).
    let prefix: String

    func open() throws(ProjectError) -> Project {
        try Project(root: root, parseOptions: Policyc.parseOptions)
    }

    /// A file path from the command line, as the project reads it: relative to its root where it lies
    /// inside (`privacy-policy.md` in `policy/` is `policy/privacy-policy.md`), absolute otherwise.
    func path(_ argument: String) -> String {
        guard !prefix.isEmpty, !argument.hasPrefix("/") else { return argument }
        let absolute = root.appendingPathComponent(prefix).appendingPathComponent(argument).standardizedFileURL.path
        let base = root.path == "/" ? "/" : root.path + "/"
        return absolute.hasPrefix(base) ? String(absolute.dropFirst(base.count)) : absolute
    }

    /// A revision for `diff`: `DOC` and `DOC@v2` stay names; a path (with a '/', a `.md` ending, or a file
    /// in the current folder) is made one the project reads.
    func reference(_ argument: String) -> String {
        guard !prefix.isEmpty else { return argument }
        let isFile = FileManager.default.fileExists(atPath: root.appendingPathComponent(prefix).appendingPathComponent(argument).path)
        return argument.contains("/") || argument.hasSuffix(".md") || isFile ? path(argument) : argument
    }
}
