import Foundation
import PolicyDiff
import PolicyModel

/// `policyc diff OLD NEW`: both revisions parsed (in parallel: the machine has cores to spare), then diffed
/// with the project's classification settings.
public struct Comparison: Sendable {
    public let project: Project

    public init(project: Project) {
        self.project = project
    }

    public func compare(oldPath: String, newPath: String) throws(ProjectError) -> ChangeSet {
        let paths = [oldPath, newPath]
        let results = ParallelResults<Result<Document, ProjectError>>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            results.set(index, Result { () throws(ProjectError) -> Document in try project.loadDocument(paths[index]) })
        }
        let old = try results.value(0).get()
        let new = try results.value(1).get()
        return PolicyDiffer.diff(old, new, options: project.config.diffOptions)
    }
}

/// Slots that concurrent workers fill, each exactly once.
final class ParallelResults<Value: Sendable>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = NSLock()

    init(count: Int) {
        values = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Value) {
        lock.withLock { values[index] = value }
    }

    func value(_ index: Int) -> Value {
        lock.withLock { values[index]! }
    }
}
