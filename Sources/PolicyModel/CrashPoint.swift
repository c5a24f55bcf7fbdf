#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one test hook: `POLICYC_CRASH_AT=<point>:<n>` kills the process with SIGKILL the `n`th time it
/// reaches `point`, so tests can prove a crash at that moment loses nothing. The points:
/// `release-staged:1`, `release-journal:1`, `release-renamed:<file>`, `release-done:1`
/// (`FileTransaction`); `notify-planned:<batch>`, `notify-renamed:<batch>` (`notify`);
/// `send-sending:<message>`, `send-delivered:<message>` (`send`).
///
/// It is in every build, release included: the kill checks run against the binary that ships
/// (`make test` runs `check_delivery.py` on `.build/release/policyc`), and SwiftPM has no condition
/// a test build sets and a release build does not, short of `unsafeFlags`. Unset, it costs one
/// `getenv` per process.
public enum CrashPoint {
    public static let variable = "POLICYC_CRASH_AT"

    private static let target: (point: String, ordinal: Int)? = {
        guard let raw = getenv(variable) else { return nil }
        let value = String(cString: raw)
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        // A malformed value is a broken test, never a run that silently does not crash.
        guard parts.count == 2, !parts[0].isEmpty, let ordinal = Int(parts[1]), ordinal > 0 else {
            fatalError("\(variable) is <point>:<n> (notify-planned:3), not '\(value)'")
        }
        return (String(parts[0]), ordinal)
    }()

    /// Kills the process if the hook names this point and ordinal.
    public static func reach(_ point: String, _ ordinal: Int = 1) {
        guard let target, target.point == point, target.ordinal == ordinal else { return }
        kill(getpid(), SIGKILL)
    }
}
