import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser

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
        let cpuStart = Trace.enabled ? Trace.cpuTime() : 0
        let releases = Releases(project: project)
        let paths = [try releases.resolve(oldPath), try releases.resolve(newPath)]
        // Each side is parsed, then made ready for diffing, on its own core: neither waits for the other.
        let results = ParallelResults<Result<PolicyDiffer.Side, ProjectError>>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            // The diff reads neither cross-references nor defined terms, apart from the old side's
            // defining clauses, which it finds once both parses are done (see `PolicyDiffer.Side`).
            results.set(index, Result { () throws(ProjectError) -> PolicyDiffer.Side in
                let document = try project.loadDocument(paths[index], analysis: [])
                return PolicyDiffer.Side(document, definingClauses: index == 0 ? PolicyParser.definingClauses(of:) : nil)
            })
            Trace.report(index == 0 ? "old side ready" : "new side ready", since: start)
        }
        let old = try results.value(0).get()
        let new = try results.value(1).get()
        Trace.report("parse and flatten both", since: start, cpuSince: cpuStart)
        let changes = PolicyDiffer.diff(old, new, options: project.config.diffOptions)
        Lifetime.keep(old, new)
        return changes
    }
}
