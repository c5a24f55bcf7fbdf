import Foundation
import PolicyCommandLine
import PolicyNotice
import PolicyParser
import PolicyProject

/// A command the CLI runs: its declared parameters, built from a parsed command line, then run.
protocol Command: Sendable {
    static var spec: CommandSpec { get }
    init(_ arguments: ParsedArguments) throws(UsageError)
    func run() throws
}

/// Ends the process with `status` after the command has said what it had to.
struct Exit: Error {
    let status: Int32
}

@main
enum Policyc {
    static let version = "0.1.0"

    static let commands: [any Command.Type] = [Init.self, Parse.self, Check.self, Render.self, Build.self, Diff.self,
                                               Release.self, Status.self, Show.self, Notify.self, Send.self]
    static let noticeCommands: [any Command.Type] = [NoticeStatus.self, NoticeProof.self, NoticeMigrate.self]
    static let templateCommands: [any Command.Type] = [TemplatesExport.self]

    static let notices = CommandSpec("notices", abstract: "Progress and proof of the advance notices of a release.",
                                     subcommands: noticeCommands.map { $0.spec })
    static let templates = CommandSpec("templates", abstract: "The built-in templates of the site and the notice emails.",
                                       subcommands: templateCommands.map { $0.spec })

    static let root = CommandSpec(
        "policyc",
        abstract: "A compiler and release toolchain for legal policies written in Markdown.",
        subcommands: commands.map { $0.spec } + [notices, templates])

    /// The commands that parse whole policies into models: millions of small values on every core.
    static let modelCommands: Set<String> = Set([Parse.self, Check.self, Render.self, Build.self, Diff.self, Release.self]
        .map { ($0 as any Command.Type).spec.name })

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
        do {
            switch try CommandLineParser(root: root).parse(Array(CommandLine.arguments.dropFirst())) {
            case .help(let text):
                Terminal.write(text)
            case .version:
                Terminal.write(version + "\n")
            case .run(let path, let arguments):
                let commands = path.first == notices.name ? noticeCommands
                    : path.first == templates.name ? templateCommands : self.commands
                guard let type = commands.first(where: { $0.spec.name == path.last }) else {
                    throw arguments.invalid("no such command")
                }
                try type.init(arguments).run()
            }
        } catch let error as UsageError {
            Terminal.error(error)
            Foundation.exit(2)
        } catch let error as ProjectError {
            Terminal.error(error.description)
            // A refused release is about the policies, like a failed check: 1. I/O and usage: 2.
            if case .refused = error { Foundation.exit(1) }
            Foundation.exit(2)
        } catch let exit as Exit {
            Foundation.exit(exit.status)
        } catch {
            Terminal.error("\(error)")
            Foundation.exit(2)
        }
    }
}

/// The project of every command that reads one: `--project DIR`, else the nearest folder holding
/// `policy/` from the current folder up (as git finds `.git`), else the current folder.
struct ProjectOption {
    static let parameter = Parameter.option(
        "project", help: "The folder that holds policy/ (default: the nearest one holding it, from the current folder up).")

    let root: URL
    /// The current folder inside the project (`policy` when run in `root/policy`): relative paths given on
    /// the command line are the user's, from there. Empty at the root, and with --project, whose paths
    /// are read from DIR (as with `git -C DIR`).
    let prefix: String

    init(_ arguments: ParsedArguments) {
        if let given = arguments.string("project") {
            root = URL(fileURLWithPath: given, isDirectory: true).standardizedFileURL
            prefix = ""
            return
        }
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true).standardizedFileURL
        root = Project.discover(from: current) ?? current
        prefix = current.path == root.path ? "" : String(current.path.dropFirst(root.path == "/" ? 1 : root.path.count + 1))
    }

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

/// mimalloc (linked for the whole process, see Package.swift) is told to back its heap with 2 MiB pages
/// where the kernel allows (transparent huge pages). Commands that build policy models (`modelCommands`) have it
/// commit every segment of a thread's heap as a whole, the first one included, and run on a thread
/// of their own (`onFreshHeap`). A 10 MB diff touches 150 MiB of fresh memory: it took 19,000 page
/// faults at first, 9,800 with these settings on the main thread, and 700 with the fresh thread.
/// `notify` is left out: it keeps a bounded heap on several threads, and whole first segments took
/// its peak RSS from 87 to 102 MB. Found by name, so a build without mimalloc runs as is.
enum Allocator {
    /// Runs `body` on a new thread and waits for it. The main thread's heap was made before `main`
    /// (the runtime and the libraries allocate as they load), so before the settings here: its
    /// memory came in 4 KiB pages, one fault each. A thread started now gets a heap made with them.
    static func onFreshHeap(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        // The main thread's size (ulimit -s), which the parser's nesting limits were set against.
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
    }

    static func useLargePages() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mi_option_set_enabled") else { return }
        unsafeBitCast(symbol, to: (@convention(c) (Int32, Bool) -> Void).self)(largeOSPagesOption, true)
    }

    static func commitHeapsWhole() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mi_option_set") else { return }
        unsafeBitCast(symbol, to: (@convention(c) (Int32, Int) -> Void).self)(eagerCommitDelayOption, 0)
    }

    /// `mi_option_large_os_pages` in mimalloc 2.0 (Debian's; 2.1 keeps the index for `allow_large_os_pages`).
    private static let largeOSPagesOption: Int32 = 6
    /// `mi_option_eager_commit_delay`, the same index in mimalloc 2.0 and 2.1.
    private static let eagerCommitDelayOption: Int32 = 14
}
