import Synchronization

/// Large values kept until the process exits: the executable's choice, made as it is about to exit.
/// Like a compiler that skips freeing its AST, a run over a 10 MB policy leaves the model to the
/// operating system instead of tearing it down node by node. Libraries free what they make.
enum Lifetime {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ values: any Sendable...) {
        kept.withLock { $0.append(contentsOf: values) }
    }
}
