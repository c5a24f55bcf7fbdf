#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `POLICYC_TRACE=1` prints how long each phase took, to standard error: what a benchmark reads.
public enum Trace {
    public static let enabled = getenv("POLICYC_TRACE").map { String(cString: $0) == "1" } ?? false

    /// Runs `body`; with tracing on, prints its wall time and the CPU time of all threads under `name`.
    public static func measure<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
        guard enabled else { return try body() }
        let start = ContinuousClock.now
        let cpuStart = cpuTime()
        defer { report(name, since: start, cpuSince: cpuStart) }
        return try body()
    }

    /// With tracing on, prints the wall time since `start` under `name` (and the CPU time since
    /// `cpuStart`, which shows how many cores the phase kept busy).
    public static func report(_ name: String, since start: ContinuousClock.Instant, cpuSince cpuStart: Double? = nil) {
        guard enabled else { return }
        let duration = ContinuousClock.now - start
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        let cpu = cpuStart.map { " (cpu \(tenths(cpuTime() - $0)) ms)" } ?? ""
        let line = "policyc: \(name): \(tenths(milliseconds)) ms\(cpu)\n"
        _ = Array(line.utf8).withUnsafeBytes { FileDescriptor.writeAll($0, to: 2) }
    }

    /// `12.3`: phases of a small diff take a few milliseconds.
    private static func tenths(_ milliseconds: Double) -> String {
        let tenths = Int((milliseconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Milliseconds of CPU the process has used, on all its threads.
    public static func cpuTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }
}
