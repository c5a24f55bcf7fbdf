#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The sendmail-compatible command of `policyc send`, run once per attempt on a message staged whole
/// on disk.
///
/// The message is a file, fsynced, that the command reads as its standard input: a pipe fed while the
/// command runs hands the MTA a cut message when policyc is killed mid-write, and an MTA delivers
/// what it was given. The files (message and standard error) live in `.send` beside the ledger, not
/// in the system's temporary folder, so a killed run's leftovers are found and removed by the next.
///
/// The process tree of an attempt: policyc -> keeper (policyc's own executable again, see `SendKeeper`,
/// leader of a new process group) -> `/bin/sh -c COMMAND` -> whatever the command starts, all in the
/// keeper's group. At the timeout policyc kills the group; when policyc dies, however it dies, the
/// keeper sees its end of a socket pair close and kills the group. Every libc call of this lives in
/// this file.
struct MailCommand {
    enum Outcome: Sendable, Equatable {
        /// Exit status 0: the MTA took the message.
        case accepted
        /// A non-zero exit: the MTA did not take it, and it may be tried again.
        case refused(String)
        /// Exit status 127 (the shell found no such command) or 126 (found, not executable): no retry can
        /// succeed, nor any other message of the run.
        case broken(String)
        /// Stopped at the timeout, or ended by a signal: the MTA may have delivered it or not.
        case unknown(String)
    }

    /// How one run of the command ended, and what it said on standard error (bounded, made visible).
    struct Attempt: Sendable {
        var outcome: Outcome
        var startedAt: String
        var status: String
        var stderr: String?

        var record: AttemptRecord {
            let state: NoticeLedger.State = switch outcome {
            case .accepted: .sent
            case .refused, .broken: .failed
            case .unknown: .unknown
            }
            return AttemptRecord(startedAt: startedAt, outcome: state, status: status, stderr: stderr)
        }
    }

    /// The most of a command's standard error kept per attempt: its start says what went wrong, and a
    /// command that writes megabytes must not fill the ledger.
    static let stderrLimit = 2048

    let command: String
    let timeout: Duration
    let folder: URL

    /// Opens `folder`, removing whatever a killed run left there: the caller holds the ledger lock,
    /// so no other run is using it.
    init(command: String, timeout: Duration, folder: URL) throws(NoticeError) {
        self.command = command
        self.timeout = timeout
        self.folder = folder
        let files = FileManager.default
        do {
            try files.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for stale in try files.contentsOfDirectory(atPath: folder.path) {
                try files.removeItem(at: folder.appendingPathComponent(stale))
            }
        } catch {
            throw .unwritable(path: folder.path, reason: "\(error)")
        }
    }

    /// Writes the message to `name`.eml in the folder, whole and on disk (fsynced), before any command
    /// sees it. Mode 0600: a message holds personal data.
    func stage(_ message: [UInt8], name: String) throws(NoticeError) -> URL {
        let url = folder.appendingPathComponent(name + ".eml")
        let file = try OutputFile(url, mode: 0o600)
        try file.write(message)
        try file.sync()
        try file.close()
        return url
    }

    /// Removes a staged message and its standard-error file. A command still reading it (one that
    /// outlived its shell) keeps its open file.
    func discard(_ staged: URL) {
        try? FileManager.default.removeItem(at: staged)
        try? FileManager.default.removeItem(at: Self.errorFile(staged))
    }

    /// Removes the folder once a run has discarded all it staged.
    func close() {
        if (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// One attempt: the command with the staged message on standard input. Its exit status decides;
    /// at the timeout its whole process group is killed and the outcome is unknown.
    func run(_ staged: URL) -> Attempt {
        let started = Timestamp.now()
        let errors = Self.errorFile(staged)
        let keeper: Keeper
        do {
            keeper = try Keeper(command: command, input: staged.path, errors: errors.path)
        } catch {
            return Attempt(outcome: .broken("cannot run \(command): \(error)"), startedAt: started, status: "not started",
                           stderr: nil)
        }
        let end = keeper.wait(timeout)
        let said = Self.readErrors(errors)
        let detail = said.map { ": \($0)" } ?? ""
        let shown = VisibleText.of(command, limit: 200)
        switch end {
        case .exited(0):
            return Attempt(outcome: .accepted, startedAt: started, status: "exit 0", stderr: said)
        case .exited(let code) where code == 126 || code == 127:
            let meaning = code == 127 ? "command not found" : "command found but not executable"
            return Attempt(outcome: .broken("\(shown) exited with status \(code) (\(meaning))\(detail)"), startedAt: started,
                           status: "exit \(code)", stderr: said)
        case .exited(let code):
            return Attempt(outcome: .refused("\(shown) exited with status \(code)\(detail)"), startedAt: started,
                           status: "exit \(code)", stderr: said)
        case .signalled(let number):
            return Attempt(outcome: .unknown("\(shown) was ended by signal \(number); the MTA may have taken the message\(detail)"),
                           startedAt: started, status: "signal \(number)", stderr: said)
        case .timedOut:
            return Attempt(outcome: .unknown("\(shown) did not finish within \(Self.seconds(timeout)) s; stopped with all it started, "
                                             + "after the MTA may have taken the message\(detail)"),
                           startedAt: started, status: "timeout", stderr: said)
        case .lost:
            return Attempt(outcome: .unknown("\(shown): its end was not seen; the MTA may have taken the message\(detail)"),
                           startedAt: started, status: "lost", stderr: said)
        }
    }

    /// The command's standard error: at most `stderrLimit` bytes of it, as UTF-8 (invalid bytes
    /// replaced), trimmed, every control character made visible; nil when it said nothing.
    static func readErrors(_ file: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: stderrLimit + 1)) ?? Data()
        let cut = data.count > stderrLimit
        var text = String(decoding: data.prefix(stderrLimit), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // A cut may split a character: the decoder's replacement at the end is the cut, not the command's.
        if cut, text.hasSuffix("\u{FFFD}") { text.removeLast() }
        guard !text.isEmpty else { return nil }
        return VisibleText.of(text) + (cut ? " … (cut at \(stderrLimit) bytes)" : "")
    }

    /// `1`, `0.5`: how the option was given.
    private static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static func errorFile(_ staged: URL) -> URL {
        staged.deletingPathExtension().appendingPathExtension("stderr")
    }
}

/// How a process ended.
enum ProcessEnd: Equatable {
    case exited(Int32)
    case signalled(Int32)
    /// Still running at the timeout: killed with its group.
    case timedOut
    /// waitpid or poll failed: not known.
    case lost

    /// From waitpid's status word (WIFEXITED and its kin are macros, which Swift does not import).
    init(status: Int32) {
        let number = status & 0x7F
        self = number == 0 ? .exited((status >> 8) & 0xFF) : .signalled(number)
    }
}

/// An errno, as posix_spawn and the calls around it report one.
struct SystemError: Error, CustomStringConvertible {
    let number: Int32
    var description: String { String(cString: strerror(number)) }
}

/// One attempt's keeper, seen from policyc: its pid (also its process group's id) and policyc's end
/// of the socket pair between them.
private struct Keeper {
    let pid: pid_t
    let socket: Int32

    /// Starts policyc's executable as the keeper of `/bin/sh -c command`, in a new process group, with
    /// standard input the file at `input` (read-only), standard output /dev/null, standard error the
    /// file at `errors` (truncated), and descriptor 3 its end of the socket pair.
    init(command: String, input: String, errors: String) throws(SystemError) {
        var ends: [Int32] = [-1, -1]
        // socketpair: the keeper sees its end read EOF when every copy of policyc's end is closed,
        // which the kernel does when policyc dies, however it dies (SIGKILL included); and policyc
        // sees its end read EOF when the keeper ends. Close-on-exec from the start (SOCK_CLOEXEC), so
        // no other child holds either end.
#if os(Linux)
        let created = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends)
#else
        let created = socketpair(AF_UNIX, SOCK_STREAM, 0, &ends)
        if created == 0 { for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) } }
#endif
        guard created == 0 else { throw SystemError(number: errno) }
        // fcntl(F_DUPFD_CLOEXEC, 4): the keeper's end numbered 4 or more, so that its dup2 onto 3 below
        // neither replaces a descriptor the other actions make nor is a dup2 onto itself, which would
        // leave it close-on-exec.
        let keepersEnd = fcntl(ends[1], F_DUPFD_CLOEXEC, 4)
        let failure = errno
        // close: policyc keeps no copy of the keeper's end, or it would never read EOF on its own.
        close(ends[1])
        guard keepersEnd >= 0 else {
            close(ends[0])
            throw SystemError(number: failure)
        }
        defer { close(keepersEnd) }
        do {
            // Opened by the child (addopen), so nothing is left open here between attempts. Every
            // other descriptor of policyc is close-on-exec; the keeper closes whatever policyc itself
            // inherited without the flag.
            pid = try Spawn.run(Spawn.executable, arguments: ["policyc-send-keeper", command],
                                environment: Spawn.environment() + ["\(SendKeeper.environmentVariable)=1"],
                                newGroup: true) { actions in
                posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                posix_spawn_file_actions_adddup2(&actions, keepersEnd, 3)
            }
        } catch {
            close(ends[0])
            throw error
        }
        socket = ends[0]
    }

    /// Waits up to `timeout` for the keeper to end (its end of the socket pair closes), then reaps it.
    /// At the timeout, kills the keeper's whole process group: the shell and all it started.
    func wait(_ timeout: Duration) -> ProcessEnd {
        defer { close(socket) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var watch = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        var ready: Int32
        repeat {
            // poll: wakes when the keeper's end closes, with no polling loop and no SIGCHLD handler.
            let left = ContinuousClock.now.duration(to: deadline) / .milliseconds(1)
            ready = poll(&watch, 1, Int32(min(max(left.rounded(.up), 0), Double(Int32.max))))
        } while ready < 0 && errno == EINTR
        if ready <= 0 {
            // kill(-pgid): the whole group, not the keeper alone (`sleep 3; cat` would outlive it).
            kill(-pid, SIGKILL)
        }
        var status: Int32 = 0
        // waitpid: reaps the keeper (no zombie), and its status is the shell's.
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
        if ready == 0 { return .timedOut }
        return ready < 0 || reaped != pid ? .lost : ProcessEnd(status: status)
    }
}

/// The keeper of a send command's process group: policyc's own executable, started by `policyc send`
/// with `environmentVariable` set, which `main` checks before anything else. It runs
/// `/bin/sh -c COMMAND` in its group (the one policyc created for it), ends as the shell ends, with the
/// shell's exit status or signal, and kills the group if policyc dies first: descriptor 3, its end of
/// a socket pair with policyc, reads EOF then.
public enum SendKeeper {
    public static let environmentVariable = "POLICYC_SEND_KEEPER"

    public static func run() -> Never {
#if os(Linux)
        // closefrom(4): nothing policyc inherited without close-on-exec stays open in the group.
        closefrom(4)
#endif
        let arguments = CommandLine.arguments
        // fstat(3): only policyc send starts a keeper; the variable set by hand, with no socket at 3,
        // must not end in kill(0) on the caller's own process group.
        var socket = stat()
        guard arguments.count == 2, fstat(3, &socket) == 0, socket.st_mode & S_IFMT == S_IFSOCK else {
            say("policyc: \(environmentVariable) is for policyc send's own use; unset it\n")
            _exit(2)
        }
        let shell: pid_t
        do {
            shell = try Spawn.run("/bin/sh", arguments: ["sh", "-c", arguments[1]], environment: Spawn.environment(),
                                  newGroup: false) { actions in
                // addclose(3): the socket stays the keeper's; were the command's children to hold it,
                // policyc would wait for them after the shell ended.
                posix_spawn_file_actions_addclose(&actions, 3)
            }
        } catch {
            say("policyc: cannot run /bin/sh: \(error)\n")
            _exit(127)
        }
        Thread.detachNewThread {
            // read: blocks until policyc's end closes (EOF: policyc died), then kill(0): the keeper's
            // whole group, the keeper included.
            var byte: UInt8 = 0
            while read(3, &byte, 1) < 0 && errno == EINTR {}
            kill(0, SIGKILL)
        }
        var status: Int32 = 0
        while waitpid(shell, &status, 0) < 0 {
            if errno != EINTR { _exit(127) }
        }
        switch ProcessEnd(status: status) {
        case .exited(let code):
            _exit(code)
        case .signalled(let number):
            // Ended by the same signal, so that policyc sees what the shell saw (a signal: unknown, not
            // refused): its default action, unblocked, raised. 128 + the signal if it did not end it.
            signal(number, SIG_DFL)
            var only = sigset_t()
            sigemptyset(&only)
            sigaddset(&only, number)
            pthread_sigmask(SIG_UNBLOCK, &only, nil)
            raise(number)
            _exit(128 + number)
        case .timedOut, .lost:
            _exit(127)
        }
    }

    /// To standard error: the attempt's error file.
    private static func say(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// posix_spawn, for the keeper and for its shell.
private enum Spawn {
#if os(Linux)
    /// /proc/self/exe: the running policyc even if its file was replaced since.
    static let executable = "/proc/self/exe"
#else
    static let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
#endif

    /// The process's environment, as exec takes it, without the keeper's mode (were the command policyc,
    /// it would be a keeper).
    static func environment() -> [String] {
        ProcessInfo.processInfo.environment.filter { $0.key != SendKeeper.environmentVariable }.map { "\($0)=\($1)" }
    }

    /// Starts `path` with the signal mask empty and SIGPIPE at its default action (policyc ignores
    /// it, and an ignored signal stays ignored across exec: the MTA must see its pipes close), in a new
    /// process group it leads when `newGroup` (POSIX_SPAWN_SETPGROUP, group 0), else in the caller's.
    static func run(_ path: String, arguments: [String], environment: [String], newGroup: Bool,
                    files: (inout FileActions) -> Void) throws(SystemError) -> pid_t {
#if canImport(Darwin)
        var actions: FileActions = nil
        var attributes: Attributes = nil
#else
        var actions = FileActions()
        var attributes = Attributes()
#endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &pipe)
        let group = newGroup ? POSIX_SPAWN_SETPGROUP : 0
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | group))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let failure = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, path, &actions, &attributes, argv, envp) }
        }
        guard failure == 0 else { throw SystemError(number: failure) }
        return pid
    }

#if canImport(Darwin)
    typealias FileActions = posix_spawn_file_actions_t?
    typealias Attributes = posix_spawnattr_t?
#else
    typealias FileActions = posix_spawn_file_actions_t
    typealias Attributes = posix_spawnattr_t
#endif

    /// NUL-terminated copies of `strings` in a nil-terminated array, as exec takes its arguments.
    private static func withCStrings<Result>(_ strings: [String],
                                             _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
        let copies = strings.map { strdup($0) } + [nil]
        defer { copies.forEach { free($0) } }
        return body(copies)
    }
}
