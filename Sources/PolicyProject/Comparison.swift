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
    public func compareDraft(_ name: String) throws(ProjectError) -> ChangeSet {
        let releases = Releases(project: project)
        let document = try releases.document(named: name)
        try releases.requireSettled()
        guard let latest = try releases.history(document).latest else {
            throw .refused(path: releases.draftPath(document), message: "\(document) has never been released: nothing to compare with")
        }
        return try compare(oldPath: releases.archivedPath(document, latest), newPath: releases.draftPath(document))
    }

    /// Both arguments may be files, `DOC` (the draft) or `DOC@v2` (an archived version), parsed as
    /// the project says (`Project.loadRevisions`; with the fast paths, what the two share is parsed
    /// once, and each is made ready for diffing on the core that made it).
    public func compare(oldPath: String, newPath: String) throws(ProjectError) -> ChangeSet {
        let start = ContinuousClock.now
        let cpuStart = Trace.enabled ? Trace.cpuTime() : 0
        let releases = Releases(project: project)
        // The diff reads neither cross-references nor defined terms, apart from whether a reworded
        // old clause defines a term, which it asks of that clause alone (see `PolicyDiffer.Side`).
        let (old, new) = try project.loadRevisions(
            old: try releases.resolve(oldPath), new: try releases.resolve(newPath), analysis: [],
            finishingOld: { PolicyDiffer.Side($0, definesTerm: PolicyParser.definesTerm) },
            finishingNew: { PolicyDiffer.Side($0) })
        Trace.report("parse and flatten both", since: start, cpuSince: cpuStart)
        return PolicyDiffer.diff(old, new, options: project.config.diffOptions)
    }
}
