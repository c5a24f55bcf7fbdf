import Foundation

/// Large values kept until the process exits: the executable's choice, made as it is about to exit.
/// Like a compiler that skips freeing its AST, a run over a 10 MB policy leaves the model to the
/// operating system instead of tearing it down node by node. Libraries free what they make.
enum Lifetime {
    nonisolated(unsafe) private static var kept: [Any] = [] // guarded by `lock`
    private static let lock = NSLock()

    static func keep(_ values: Any...) {
        lock.withLock { kept.append(contentsOf: values) }
    }
}
