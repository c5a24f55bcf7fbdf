import Foundation
import PolicyDiff
import PolicyLint
import PolicyModel
import PolicyParser
import PolicyRelease

/// The release archive of the project: `policy/archive/<doc>/releases.json` and an immutable copy of
/// every released version beside it, plus `CHANGELOG.md` at the top.
public struct Releases: Sendable {
    public let project: Project

    public init(project: Project) {
        self.project = project
    }

    static let archiveFolder = "policy/archive"

    var policyFolder: URL { project.root.appendingPathComponent(Project.policyFolder) }

    func folder(_ document: String) -> URL {
        project.root.appendingPathComponent(Self.archiveFolder).appendingPathComponent(document)
    }

    public func draftPath(_ document: String) -> String { "\(Project.policyFolder)/\(document).md" }

    /// Finishes a release a crash interrupted. Every command that reads the archive calls it first; it
    /// takes the release lock to do so, so a release another process is writing is never touched.
    public func recover() throws(ProjectError) {
        let transaction = FileTransaction(folder: policyFolder)
        guard transaction.isInterrupted else { return }
        guard let lock = try? ReleaseLock(folder: policyFolder) else { return }
        try recoverHoldingLock()
        withExtendedLifetime(lock) {}
    }

    private func recoverHoldingLock() throws(ProjectError) {
        do {
            try FileTransaction(folder: policyFolder).recover()
        } catch {
            throw .unwritable(path: Self.archiveFolder, reason: "cannot finish an interrupted release: \(error)")
        }
    }

    public func history(_ document: String) throws(ProjectError) -> ReleaseHistory {
        let url = folder(document).appendingPathComponent("releases.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return ReleaseHistory(document: document) }
        let path = "\(Self.archiveFolder)/\(document)/releases.json"
        let data = try PolicySource.readBytes(url, displayPath: path)
        do {
            return try JSONDecoder().decode(ReleaseHistory.self, from: data)
        } catch {
            throw .invalidConfig(path: path, line: nil, message: "not a release history: \(error)")
        }
    }

    /// The documents with a draft in `policy/`.
    public func documents() throws(ProjectError) -> [String] {
        try project.policyPaths().compactMap(Project.documentID(forPolicyPath:))
    }

    public func archivedPath(_ document: String, _ record: ReleaseRecord) -> String {
        "\(Self.archiveFolder)/\(document)/\(record.file)"
    }

    public func archivedText(_ document: String, _ record: ReleaseRecord) throws(ProjectError) -> String {
        try PolicySource.readText(folder(document).appendingPathComponent(record.file),
                                  displayPath: archivedPath(document, record))
    }

    // MARK: Release

    public enum Outcome: Sendable {
        case released(ReleasePlan)
        case wouldRelease(ReleasePlan)
        /// The draft is exactly the latest release: re-running after success does nothing.
        case upToDate(ReleaseRecord)
        /// The draft differs from the latest release in its "Last updated" date only: nothing to release.
        case nothingToRelease(ReleaseRecord)
    }

    public func release(_ document: String, date: CalendarDate, effective: CalendarDate?,
                        dryRun: Bool) throws(ProjectError) -> Outcome {
        let draftPath = draftPath(document)
        guard FileManager.default.fileExists(atPath: project.url(for: draftPath).path) else {
            throw .notFound(path: draftPath, what: "policy draft")
        }
        let lock: ReleaseLock?
        do {
            lock = dryRun ? nil : try ReleaseLock(folder: policyFolder)
        } catch {
            throw .refused(path: draftPath, message: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        // Recovery needs the lock: it must not finish (or sweep away) a release another process is writing.
        if !dryRun { try recoverHoldingLock() }

        let draftText = try PolicySource.readText(project.url(for: draftPath), displayPath: draftPath)
        let history = try history(document)
        var previousText: String?
        if let latest = history.latest {
            let text = try archivedText(document, latest)
            if text == draftText { return .upToDate(latest) }
            previousText = text
        }
        let diagnostics = try Check(project: project, today: date).run(paths: [draftPath]).diagnostics
        if let first = diagnostics.first(where: { $0.severity == .error }) {
            let count = diagnostics.filter { $0.severity == .error }.count
            throw .refused(path: draftPath, message: "`policyc check` reports \(count) error\(count == 1 ? "" : "s") "
                           + "(first: \(first.formatted)); fix them before releasing")
        }
        let planner = ReleasePlanner(noticeDays: project.config.notice.periodDays, diffOptions: project.config.diffOptions)
        let plan: ReleasePlan
        do {
            plan = try planner.plan(documentID: document, draftPath: draftPath, draftText: draftText, history: history,
                                    previousText: previousText, date: date, effective: effective)
        } catch {
            if case .nothingChanged = error, let latest = history.latest { return .nothingToRelease(latest) }
            throw .refused(path: draftPath, message: error.description.replacing("\(draftPath): ", with: ""))
        }
        if dryRun { return .wouldRelease(plan) }

        let changelogURL = project.root.appendingPathComponent("CHANGELOG.md")
        let changelog = try? String(contentsOf: changelogURL, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let historyData = try encoder.encode(plan.history) + Data("\n".utf8)
            try FileTransaction(folder: policyFolder).commit([
                (folder(document).appendingPathComponent(plan.record.file), Data(plan.stampedText.utf8)),
                (folder(document).appendingPathComponent("releases.json"), historyData),
                (changelogURL, Data(Changelog.inserting(plan.changelogEntry, into: changelog).utf8)),
                (project.url(for: draftPath), Data(plan.stampedText.utf8)),
            ])
        } catch {
            throw .unwritable(path: Self.archiveFolder, reason: "\(error)")
        }
        return .released(plan)
    }

    // MARK: Questions

    /// The text of `document` in force on `day`.
    public func text(_ document: String, on day: CalendarDate) throws(ProjectError) -> (ReleaseRecord, String) {
        try recover()
        let history = try history(document)
        guard let record = history.inForce(on: day) else {
            let first = history.releases.map(\.effectiveDate).min()
            throw .refused(path: draftPath(document), message: first.map { "no version was in force on \(day): the first took effect on \($0)" }
                           ?? "\(document) has never been released")
        }
        return (record, try archivedText(document, record))
    }

    /// `DOC` (the draft), `DOC@v2` (an archived version), or a file path.
    public func resolve(_ reference: String) throws(ProjectError) -> String {
        if FileManager.default.fileExists(atPath: project.url(for: reference).path) { return reference }
        let parts = reference.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let document = parts[0]
        guard !document.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw .notFound(path: reference, what: "file or policy (write DOC or DOC@v2)")
        }
        guard FileManager.default.fileExists(atPath: project.url(for: draftPath(document)).path) else {
            throw .notFound(path: reference, what: "file or policy")
        }
        guard parts.count == 2 else { return draftPath(document) }
        try recover()
        guard let record = try history(document).release(parts[1]) else {
            throw .notFound(path: reference, what: "release \(parts[1]) of \(document)")
        }
        return archivedPath(document, record)
    }

    public struct Status: Sendable, Encodable {
        public var document: String
        public var inForce: ReleaseRecord?
        public var pending: [ReleaseRecord]
        /// The verdict of the draft's changes since the latest release; nil when there are none.
        public var unreleased: String?
    }

    public func status(_ document: String, today: CalendarDate) throws(ProjectError) -> Status {
        try recover()
        let history = try history(document)
        var unreleased: String?
        if let latest = history.latest {
            let draftPath = draftPath(document)
            let draft = try PolicySource.readText(project.url(for: draftPath), displayPath: draftPath)
            let archived = try archivedText(document, latest)
            if draft != archived {
                let revisions = PolicyParser.parse(old: archived.utf8, oldPath: draftPath, new: draft.utf8,
                                                   newPath: draftPath, analysis: .definedTerms)
                let changes = PolicyDiffer.diff(revisions.old, revisions.new, options: project.config.diffOptions)
                let meaningful = changes.changes.contains { !$0.reasons.allSatisfy { $0.rule == "last-updated" } }
                unreleased = meaningful ? changes.verdict.rawValue : nil
            }
        } else {
            unreleased = "initial"
        }
        return Status(document: document, inForce: history.inForce(on: today), pending: history.pending(on: today),
                      unreleased: unreleased)
    }
}
