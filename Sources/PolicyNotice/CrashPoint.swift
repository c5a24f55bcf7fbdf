import Foundation

/// `POLICYC_CRASH_AT=notify-planned:3` kills the process with SIGKILL when it reaches that point
/// for the third batch (or message): how the tests prove a crash anywhere loses nothing.
enum CrashPoint {
    private static let target: (String, Int)? = {
        guard let value = ProcessInfo.processInfo.environment["POLICYC_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        return (String(parts[0]), count)
    }()

    static func reach(_ point: String, _ ordinal: Int) {
        guard let target, target.0 == point, target.1 == ordinal else { return }
        kill(getpid(), SIGKILL)
    }
}
