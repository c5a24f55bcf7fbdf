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
