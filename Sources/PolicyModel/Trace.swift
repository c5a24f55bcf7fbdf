#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `POLICYC_TRACE=1` prints how long each phase took, to standard error: what a benchmark reads.
public enum Trace {
    public static let enabled = getenv("POLICYC_TRACE").map { String(cString: $0) == "1" } ?? false

    /// Runs `body`; with tracing on, prints its wall time under `name`.
    public static func measure<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
        guard enabled else { return try body() }
        let start = ContinuousClock.now
        defer { report(name, since: start) }
        return try body()
    }

    /// With tracing on, prints the wall time since `start` under `name`.
    public static func report(_ name: String, since start: ContinuousClock.Instant) {
        guard enabled else { return }
        let duration = ContinuousClock.now - start
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        let line = "policyc: \(name): \(Int(milliseconds.rounded())) ms\n"
        _ = Array(line.utf8).withUnsafeBytes { FileDescriptor.writeAll($0, to: 2) }
    }
}
