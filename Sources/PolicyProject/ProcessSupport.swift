import Foundation

/// Large values kept until the process exits. Like a compiler that skips freeing its AST, a run over
/// a 10 MB policy leaves the model to the operating system instead of tearing it down node by node.
public enum Lifetime {
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    public static func keep(_ values: Any...) {
        lock.withLock { kept.append(contentsOf: values) }
    }
}
