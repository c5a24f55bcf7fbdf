import Foundation

/// `POLICYC_TRACE=1` prints how long each phase took, to standard error: what a benchmark reads.
enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["POLICYC_TRACE"] == "1"

    static func phase(_ name: String, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) {
        guard enabled else { return }
        let duration = end - start
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        FileHandle.standardError.write(Data("policyc: \(name): \(Int(milliseconds.rounded())) ms\n".utf8))
    }
}

/// Large values kept until the process exits. Like a compiler that skips freeing its AST, a run over
/// a 10 MB policy leaves the model to the operating system instead of tearing it down node by node.
public enum Lifetime {
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    public static func keep(_ values: Any...) {
        lock.withLock { kept.append(contentsOf: values) }
    }
}
