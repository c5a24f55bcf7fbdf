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

    /// `policyc diff DOC`: the draft against its latest release.
    public func compareDraft(_ document: String) throws(ProjectError) -> ChangeSet {
        let releases = Releases(project: project)
        try releases.recover()
        guard let latest = try releases.history(document).latest else {
            throw .refused(path: releases.draftPath(document), message: "\(document) has never been released: nothing to compare with")
        }
        return try compare(oldPath: releases.archivedPath(document, latest), newPath: releases.draftPath(document))
    }

    /// Both arguments may be files, `DOC` (the draft) or `DOC@v2` (an archived version).
    public func compare(oldPath: String, newPath: String) throws(ProjectError) -> ChangeSet {
        let start = ContinuousClock.now
        let releases = Releases(project: project)
        let paths = [try releases.resolve(oldPath), try releases.resolve(newPath)]
        let results = ParallelResults<Result<Document, ProjectError>>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            // The diff reads defined terms but not cross-references.
            results.set(index, Result { () throws(ProjectError) -> Document in
                try project.loadDocument(paths[index], analysis: .definedTerms)
            })
        }
        let old = try results.value(0).get()
        let new = try results.value(1).get()
        let parsed = ContinuousClock.now
        let changes = PolicyDiffer.diff(old, new, options: project.config.diffOptions)
        Trace.phase("parse both", from: start, to: parsed)
        Trace.phase("diff", from: parsed, to: .now)
        Lifetime.keep(old, new)
        return changes
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
