import CMailCommand
import Foundation

/// The sendmail-compatible command of `policyc send`, run once per attempt on a message staged whole
/// on disk.
///
/// The message is a file, fsynced, that the command reads as its standard input: a pipe fed while the
/// command runs hands the MTA a cut message when policyc is killed mid-write, and an MTA delivers
/// what it was given. The files (message and standard error) live in `.send` beside the ledger, not
/// in the system's temporary folder, so a killed run's leftovers are found and removed by the next.
struct MailCommand {
    enum Outcome: Sendable, Equatable {
        /// Exit status 0: the MTA took the message.
        case accepted
        /// A non-zero exit: the MTA did not take it, and it may be tried again.
        case refused(String)
        /// Stopped at the timeout, or ended by a signal: the MTA may have delivered it or not.
        case unknown(String)
    }

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

    /// Writes the message to `name`.eml in the folder, whole and on disk, before any command sees it.
    func stage(_ message: [UInt8], name: String) throws(NoticeError) -> URL {
        let url = folder.appendingPathComponent(name + ".eml")
        let failure = message.withUnsafeBytes { policyc_stage_file(url.path, $0.baseAddress, $0.count) }
        guard failure == 0 else { throw .unwritable(path: url.path, reason: Self.text(failure)) }
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
    func run(_ staged: URL) -> Outcome {
        let errors = Self.errorFile(staged)
        var failure: Int32 = 0
        let pid = policyc_command_start(command, staged.path, errors.path, &failure)
        guard pid > 0 else { return .refused("cannot run \(command): \(Self.text(failure))") }
        var code: Int32 = 0
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let end = policyc_command_wait(pid, milliseconds, &code)
        if end == policyc_command_running {
            policyc_command_kill_group(pid)
        }
        let said = ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = said.isEmpty ? "" : ": \(said.prefix(300))"
        switch end {
        case policyc_command_exited where code == 0:
            return .accepted
        case policyc_command_exited:
            return .refused("\(command) exited with status \(code)\(detail)")
        case policyc_command_signalled:
            return .unknown("\(command) was ended by signal \(code); the MTA may have taken the message\(detail)")
        case policyc_command_running:
            return .unknown("\(command) did not finish within \(Self.seconds(timeout)) s; stopped with all it started, "
                            + "after the MTA may have taken the message\(detail)")
        default:
            return .unknown("\(command): its end was not seen; the MTA may have taken the message\(detail)")
        }
    }

    /// `1`, `0.5`: how the option was given.
    private static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static func errorFile(_ staged: URL) -> URL {
        staged.deletingPathExtension().appendingPathExtension("stderr")
    }

    private static func text(_ errorNumber: Int32) -> String {
        String(cString: policyc_error_text(errorNumber))
    }
}
