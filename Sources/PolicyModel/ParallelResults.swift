import Dispatch
import Synchronization

/// Slots that concurrent workers fill, each exactly once: how a parallel loop hands back its results in order.
public final class ParallelResults<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>

    public init(count: Int) {
        values = Mutex(Array(repeating: nil, count: count))
    }

    public func set(_ index: Int, _ value: Value) {
        values.withLock { $0[index] = value }
    }

    public func value(_ index: Int) -> Value {
        values.withLock { $0[index]! }
    }
}

extension Array where Element: Sendable {
    /// `body` applied to consecutive slices of at most `size` elements on every core, and the results
    /// joined in order: for loops whose elements are independent but too small to share out one by one.
    public func concurrentChunks<Result: Sendable>(of size: Int,
                                                   _ body: @Sendable (ArraySlice<Element>) -> [Result]) -> [Result] {
        let chunkCount = (count + size - 1) / size
        guard chunkCount > 1 else { return body(self[...]) }
        let results = ParallelResults<[Result]>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            results.set(chunk, body(self[(chunk * size)..<Swift.min(count, (chunk + 1) * size)]))
        }
        // A loop, not `flatMap`: this generic function is not specialized for its callers, and an
        // unspecialized `flatMap` looks up its sequence's element type at run time (a million instructions).
        var total = 0
        for chunk in 0..<chunkCount { total += results.value(chunk).count }
        var joined: [Result] = []
        joined.reserveCapacity(total)
        for chunk in 0..<chunkCount { joined.append(contentsOf: results.value(chunk)) }
        return joined
    }
}

/// `first` on this thread and `second` on another, at the same time; both results. For two
/// unequal jobs where the longer one runs mostly on one core (`concurrentPerform(iterations: 2)` would
/// make any parallel loop inside either job run serially: GCD does not spread an apply nested in another).
public func inParallel<First: Sendable, Second: Sendable>(_ first: () -> First,
                                                          _ second: @escaping @Sendable () -> Second) -> (First, Second) {
    let secondResult = ParallelResults<Second>(count: 1)
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { secondResult.set(0, second()) }
    let firstResult = first()
    group.wait()
    return (firstResult, secondResult.value(0))
}
