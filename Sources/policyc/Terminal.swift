import Foundation
import PolicyModel

/// Where the CLI's words go, and whether they may be coloured.
enum Terminal {
    static func write(_ text: String) {
        write(Array(text.utf8))
    }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let failure = FileDescriptor.writeAll(buffer, to: STDOUT_FILENO) else { return }
            // A reader that stopped early (`policyc render … | head`) is no error: end as a process
            // killed by SIGPIPE would (policyc ignores the signal for the commands it pipes into).
            if failure == EPIPE { exit(128 + SIGPIPE) }
            error("cannot write standard output: \(String(cString: strerror(failure)))")
            exit(2)
        }
    }

    /// One error, on one line: a CR or LF in a path or in quoted text is shown escaped, so that it
    /// cannot break the `path: error: message` line or forge another.
    static func error(_ text: String) {
        let text = text.hasSuffix("\n") ? String(text.dropLast()) : text
        note(Diagnostic.singleLine(text.hasPrefix("policyc") || text.contains(": error:") ? text : "policyc: error: \(text)"))
    }

    /// A command line that cannot run: ArgumentParser's message as an error (`policyc: error: unknown
    /// option '--x'`), then what it says after it (the option's help, the usage line, where help is).
    static func usageError(_ message: String, fullMessage: String) {
        // fullMessage is "Error: MESSAGE\n" and then the lines after it.
        let lines = fullMessage.split(separator: "\n", omittingEmptySubsequences: false)
        let rest = lines.drop { !$0.hasPrefix("Help: ") && !$0.hasPrefix("Usage: ") }
        error(lowercasingFirstWord(message))
        if !rest.isEmpty { note(rest.joined(separator: "\n")) }
    }

    /// `Unknown option '--x'` → `unknown option '--x'`, as policyc's other errors read; `CSV …` stays.
    private static func lowercasingFirstWord(_ message: String) -> String {
        guard let first = message.first, first.isUppercase,
              message.dropFirst().first.map({ !$0.isUppercase }) ?? true else { return message }
        return first.lowercased() + message.dropFirst()
    }

    /// Something the run went on despite, on one line.
    static func warning(_ text: String) {
        note(Diagnostic.singleLine("policyc: warning: \(text)"))
    }

    static func note(_ text: String) {
        // Nowhere left to report a failure to write standard error.
        _ = Array((text + "\n").utf8).withUnsafeBytes { FileDescriptor.writeAll($0, to: STDERR_FILENO) }
    }

    /// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
    static var colorsStandardOutput: Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true && isatty(STDOUT_FILENO) != 0
    }

    /// A path as given on the command line, made absolute from the current folder.
    static func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
