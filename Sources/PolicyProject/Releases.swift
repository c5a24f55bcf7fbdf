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

    public static let archiveFolder = "policy/archive"
    static let changelogPath = "CHANGELOG.md"

    var policyFolder: URL { project.root.appendingPathComponent(Project.policyFolder) }

    func folder(_ document: String) -> URL {
        project.root.appendingPathComponent(Self.archiveFolder).appendingPathComponent(document)
    }

    public func draftPath(_ document: String) -> String { "\(Project.policyFolder)/\(document).md" }

    /// Refuses while a release is interrupted: the archive may be half renamed. Only `policyc release`
    /// finishes one (under the lock, after checking its journal); every other command only reads, so
    /// that `check` and `diff` on a pull request never write, whatever the pull request holds.
    public func requireSettled() throws(ProjectError) {
        if let problem = interruption() { throw .refused(path: FileTransaction.journalPath, message: problem.message) }
    }

    /// What `check` says of an interrupted release: a valid journal waiting for `release`, or one that
    /// `release` will refuse to apply.
    func interruption() -> (message: String, rule: String)? {
        let transaction = FileTransaction(root: project.root)
        guard transaction.isInterrupted else { return nil }
        do {
            let names = FileTransaction.documents(of: try transaction.pendingWrites() ?? [])
            let command = "policyc release \(names.first ?? "DOC")"
            return ("a release\(names.isEmpty ? "" : " of " + names.joined(separator: ", ")) was interrupted before it "
                    + "finished; `\(command)` finishes it", "release-interrupted")
        } catch {
            return (error.description, "release-journal-invalid")
        }
    }

    private func recoverHoldingLock() throws(ProjectError) {
        do {
            try FileTransaction(root: project.root).recover()
        } catch .invalidJournal(let reason) {
            throw .refused(path: FileTransaction.journalPath, message: FileTransaction.Failure.invalidJournal(reason).description)
        } catch {
            throw .unwritable(path: Self.archiveFolder, reason: "cannot finish an interrupted release: \(error)")
        }
    }

    /// A policy's release history, checked before any of its names is used as a path: every version is
    /// `v<N>` with its own number, and every archived copy is `v<N>.md` in the policy's archive folder.
    public func history(_ document: String) throws(ProjectError) -> ReleaseHistory {
        guard DocumentName.isValid(document) else { throw .unknownPolicy(name: document, suggestions: []) }
        let path = "\(Self.archiveFolder)/\(document)/releases.json"
        let url = try project.fileURL(path)
        guard FileManager.default.fileExists(atPath: url.path) else { return ReleaseHistory(document: document) }
        let data = try PolicySource.readBytes(url, displayPath: path)
        let history: ReleaseHistory
        do {
            history = try JSONDecoder().decode(ReleaseHistory.self, from: data)
        } catch {
            throw .invalidConfig(path: path, line: nil, message: "not a release history: \(error)")
        }
        guard history.document == document else {
            throw .invalidConfig(path: path, line: nil, message: "it is the history of \(Diagnostic.singleLine(history.document)), "
                                 + "not of \(document)")
        }
        for record in history.releases {
            guard DocumentName.isVersion(record.version), record.version == "v\(record.number)",
                  record.file == "\(record.version).md" else {
                throw .invalidConfig(path: path, line: nil, message: "release \(Diagnostic.singleLine(record.version)) is not "
                                     + "named v<N> after its number, with its copy in v<N>.md; the archive cannot be read")
            }
            guard record.notes == nil || record.notes == "\(record.version)\(ReleaseNotes.archivedSuffix)",
                  (record.notes == nil) == (record.notesSHA256 == nil) else {
                throw .invalidConfig(path: path, line: nil, message: "the notes of \(record.version) are not "
                                     + "\(record.version)\(ReleaseNotes.archivedSuffix) with their SHA-256; the archive cannot be read")
            }
        }
        return history
    }

    /// `name` as a policy of this project: the bare name of a draft in `policy/`. Anything else (a path,
    /// a file name with `.md`, a policy that does not exist) is an error naming the nearest policies.
    public func document(named name: String) throws(ProjectError) -> String {
        let documents = try documents()
        if documents.contains(name) { return name }
        throw .unknownPolicy(name: name, suggestions: Self.suggestions(for: name, among: documents))
    }

    /// `policy/privacy-policy.md`, `privacy-policy.md` → `privacy-policy`; otherwise the names a typo away.
    static func suggestions(for name: String, among documents: [String]) -> [String] {
        var stem = Substring(name)
        for prefix in ["./", Project.policyFolder + "/"] where stem.hasPrefix(prefix) { stem = stem.dropFirst(prefix.count) }
        if stem.hasSuffix(".md") { stem = stem.dropLast(3) }
        if let exact = documents.first(where: { $0.lowercased() == stem.lowercased() }) { return [exact] }
        let limit = max(2, stem.count / 3)
        return documents.map { ($0, editDistance(Array(stem.lowercased()), Array($0.lowercased()))) }
            .filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The documents with a draft in `policy/`.
    public func documents() throws(ProjectError) -> [String] {
        try project.policyPaths().compactMap(Project.documentID(forPolicyPath:))
    }

    public func archivedPath(_ document: String, _ record: ReleaseRecord) -> String {
        "\(Self.archiveFolder)/\(document)/\(record.file)"
    }

    /// The archived copy of a release, verified against the SHA-256 its record holds: what is published,
    /// shown or diffed as a release is what was released.
    public func archivedText(_ document: String, _ record: ReleaseRecord) throws(ProjectError) -> String {
        let path = archivedPath(document, record)
        let text = try PolicySource.readText(try project.fileURL(path), displayPath: path)
        guard ReleasePlanner.sha256(text) == record.sha256 else {
            throw .refused(path: path, message: "the archived copy of \(record.version) does not match its SHA-256 "
                           + "\(record.sha256.prefix(12))…: it was changed after release (see `policyc check`)")
        }
        return text
    }

    /// The notes of a release, verified against the SHA-256 its record holds; nil when it has none.
    public func archivedNotes(_ document: String, _ record: ReleaseRecord) throws(ProjectError) -> ReleaseNotes? {
        guard let file = record.notes, let digest = record.notesSHA256 else { return nil }
        let path = "\(Self.archiveFolder)/\(document)/\(file)"
        let text = try PolicySource.readText(try project.fileURL(path), displayPath: path)
        guard ReleasePlanner.sha256(text) == digest else {
            throw .refused(path: path, message: "the notes of \(record.version) do not match their SHA-256 "
                           + "\(digest.prefix(12))…: they were changed after release (see `policyc check`)")
        }
        return ReleaseNotes(archived: text)
    }

    // MARK: Persistent ids

    public func identityMapPath(_ document: String, _ record: ReleaseRecord) -> String {
        "\(Self.archiveFolder)/\(document)/\(record.version)\(FileTransaction.identityMapSuffix)"
    }

    /// The id map the archive records for a release; nil for a release archived before id maps existed.
    public func recordedIdentityMap(_ document: String, _ record: ReleaseRecord) throws(ProjectError) -> IdentityMap? {
        let path = identityMapPath(document, record)
        let url = try project.fileURL(path)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try PolicySource.readBytes(url, displayPath: path)
        let map: IdentityMap
        do {
            map = try JSONDecoder().decode(IdentityMap.self, from: data)
        } catch {
            throw .invalidConfig(path: path, line: nil, message: "not an id map: \(error)")
        }
        guard map.format == IdentityMap.currentFormat, map.document == document, map.version == record.version else {
            throw .invalidConfig(path: path, line: nil, message: "it is not the id map of \(document) \(record.version) "
                                 + "in the format \(IdentityMap.currentFormat)")
        }
        return map
    }

    /// Each archived version parsed as the site and the id maps read it, oldest first.
    func archivedDocuments(_ document: String, _ history: ReleaseHistory) throws(ProjectError) -> [Document] {
        let records = history.releases
        let texts = try records.map { record throws(ProjectError) in try archivedText(document, record) }
        let parsed = ParallelResults<Document>(count: records.count)
        DispatchQueue.concurrentPerform(iterations: records.count) { index in
            var version = PolicyParser.parse(text: texts[index], path: archivedPath(document, records[index]),
                                             analysis: .definedTerms, options: project.parseOptions)
            version.id = document
            parsed.set(index, version)
        }
        return records.indices.map { parsed.value($0) }
    }

    /// The id map of every release, oldest first: the recorded one, or for a release archived before id
    /// maps existed, the one its text gives (the alignment replayed from v1; docs/design.md).
    public func identityMaps(_ document: String, _ history: ReleaseHistory,
                             _ documents: [Document]) throws(ProjectError) -> [IdentityMap] {
        let recorded = try history.releases.map { record throws(ProjectError) in try recordedIdentityMap(document, record) }
        return IdentityLineage.maps(documents: documents, versions: history.releases.map(\.version), recorded: recorded,
                                    correspondence: PolicyDiffer.correspondence(from:to:))
    }

    static func encode(_ map: IdentityMap) throws(ProjectError) -> [UInt8] {
        do {
            return try JSONWriter.bytes(map)
        } catch {
            throw .unwritable(path: archiveFolder, reason: "\(error)")
        }
    }

    // MARK: Release

    /// Where a release's notes come from, besides `policy/DOC.notes.md`.
    public enum NotesSource: Sendable {
        /// A file, relative to the project root unless absolute.
        case file(String)
        /// Bytes already read (standard input), and how to name them in messages.
        case bytes(Data, displayPath: String)
    }

    /// The notes of a release: `--notes`, or the notes file beside the draft. Also whether the release must
    /// empty that file (it took its notes from it). Two sources at once are refused: one would be lost.
    func notes(for document: String, given source: NotesSource?) throws(ProjectError) -> (notes: ReleaseNotes?, consumesBeside: Bool) {
        let besidePath = ReleaseNotes.besidePath(document)
        let besideURL = try project.fileURL(besidePath)
        let beside = FileManager.default.fileExists(atPath: besideURL.path)
            ? try PolicySource.readBytes(besideURL, displayPath: besidePath) : nil
        let besideHoldsNotes = beside.map { !ReleaseNotes.normalized(String(decoding: $0, as: UTF8.self)).isEmpty } ?? false
        let bytes: Data
        let displayPath: String
        var consumes = false
        switch source {
        case .none:
            guard let beside, besideHoldsNotes else { return (nil, false) }
            (bytes, displayPath, consumes) = (beside, besidePath, true)
        case .file(let path):
            let url = project.url(for: path)
            if url.standardizedFileURL.path == project.url(for: besidePath).standardizedFileURL.path {
                (bytes, displayPath, consumes) = (beside ?? Data(), besidePath, true)
            } else {
                guard !besideHoldsNotes else { throw Self.twoSources(besidePath) }
                (bytes, displayPath) = (try PolicySource.readBytes(url, displayPath: path), path)
            }
        case .bytes(let data, let path):
            guard !besideHoldsNotes else { throw Self.twoSources(besidePath) }
            (bytes, displayPath) = (data, path)
        }
        do {
            return (try ReleaseNotes.validate(bytes), consumes)
        } catch {
            let place = [error.line, error.column].compactMap { $0 }.map { ":\($0)" }.joined()
            throw .refused(path: Diagnostic.singleLine(displayPath) + place, message: error.description)
        }
    }

    private static func twoSources(_ besidePath: String) -> ProjectError {
        .refused(path: besidePath, message: "holds release notes, and --notes gives others; give the notes one way "
                 + "(drop --notes, or empty \(besidePath))")
    }

    public enum Outcome: Sendable {
        case released(ReleasePlan)
        case wouldRelease(ReleasePlan)
        /// The draft is exactly the latest release: re-running after success does nothing.
        case upToDate(ReleaseRecord)
        /// The draft differs from the latest release in its "Last updated" date only: nothing to release.
        case nothingToRelease(ReleaseRecord)
    }

    public func release(_ name: String, date: CalendarDate, effective: CalendarDate?, dryRun: Bool,
                        notes notesSource: NotesSource? = nil) throws(ProjectError) -> Outcome {
        let document = try document(named: name)
        let draftPath = draftPath(document)
        let lock: ReleaseLock?
        do {
            lock = dryRun ? nil : try ReleaseLock(folder: policyFolder)
        } catch {
            throw .refused(path: draftPath, message: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        // Recovery needs the lock: it must not finish (or sweep away) a release another process is writing.
        if dryRun { try requireSettled() } else { try recoverHoldingLock() }

        let draftText = try PolicySource.readText(try project.fileURL(draftPath), displayPath: draftPath)
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
        let (notes, consumesBeside) = try notes(for: document, given: notesSource)
        let planner = ReleasePlanner(noticeDays: project.config.notice.periodDays, diffOptions: project.config.diffOptions)
        let plan: ReleasePlan
        do {
            plan = try planner.plan(documentID: document, draftPath: draftPath, draftText: draftText, history: history,
                                    previousText: previousText, date: date, effective: effective, notes: notes)
        } catch {
            if case .nothingChanged = error, let latest = history.latest { return .nothingToRelease(latest) }
            throw .refused(path: draftPath, message: error.description.replacing("\(draftPath): ", with: ""))
        }
        // The new version's persistent ids, carried from the last release's; and the maps of releases
        // archived before id maps existed, written down with it.
        let documents = try archivedDocuments(document, history)
        let maps = try identityMaps(document, history, documents)
        var released = PolicyParser.parse(text: plan.stampedText, path: draftPath, analysis: .definedTerms,
                                          options: project.parseOptions)
        released.id = document
        let identities: IdentityMap
        do {
            identities = try IdentityLineage.map(
                for: released, version: plan.record.version, derived: false, history: maps,
                previous: documents.last.map { previous in
                    (previous, IdentityLineage.links(old: previous, new: released,
                                                     PolicyDiffer.correspondence(from: previous, to: released)))
                })
        } catch {
            throw .refused(path: draftPath, message: error.description)
        }
        if dryRun { return .wouldRelease(plan) }
        var identityFiles: [(path: String, bytes: [UInt8])] = []
        for (record, map) in zip(history.releases, maps) {
            if try recordedIdentityMap(document, record) == nil {
                identityFiles.append((identityMapPath(document, record), try Self.encode(map)))
            }
        }
        identityFiles.append((identityMapPath(document, plan.record), try Self.encode(identities)))

        let changelogURL = try project.fileURL(Self.changelogPath)
        let changelog = FileManager.default.fileExists(atPath: changelogURL.path)
            ? try PolicySource.readText(changelogURL, displayPath: Self.changelogPath) : nil
        let historyData: [UInt8]
        do {
            historyData = try JSONWriter.bytes(plan.history)
        } catch {
            throw .unwritable(path: Self.archiveFolder, reason: "\(error)")
        }
        let archive = "\(Self.archiveFolder)/\(document)"
        var files: [(path: String, bytes: [UInt8])] = [("\(archive)/\(plan.record.file)", Array(plan.stampedText.utf8))]
        files += identityFiles
        if let notes = plan.notes, let file = plan.record.notes { files.append(("\(archive)/\(file)", Array(notes.text.utf8))) }
        files += [
            ("\(archive)/releases.json", historyData),
            (Self.changelogPath, Array(Changelog.inserting(plan.changelogEntry, into: changelog).utf8)),
            (draftPath, Array(plan.stampedText.utf8)),
        ]
        // The notes beside the draft are used up: emptied with the rest, so the next release needs its own.
        if consumesBeside { files.append((ReleaseNotes.besidePath(document), [])) }
        do {
            try FileTransaction(root: project.root).commit(files)
        } catch {
            throw .unwritable(path: Self.archiveFolder, reason: "\(error)")
        }
        return .released(plan)
    }

    // MARK: Questions

    /// The text of `document` in force on `day`.
    public func text(_ name: String, on day: CalendarDate) throws(ProjectError) -> (ReleaseRecord, String) {
        let document = try document(named: name)
        try requireSettled()
        let history = try history(document)
        guard let record = history.inForce(on: day) else {
            let first = history.releases.map(\.effectiveDate).min()
            throw .refused(path: draftPath(document), message: first.map { "no version was in force on \(day): the first took effect on \($0)" }
                           ?? "\(document) has never been released")
        }
        return (record, try archivedText(document, record))
    }

    /// `DOC` (the draft), `DOC@v2` (an archived version), or a file path: a reference with a '/' or a
    /// `.md` ending, or a file that is there and is no policy's name, is a file.
    public func resolve(_ reference: String) throws(ProjectError) -> String {
        // Outside a project (no `policy/`), every reference is a file.
        let documents = (try? documents()) ?? []
        let parts = reference.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let isPolicy = documents.contains(parts[0]) && (parts.count == 1 || !parts[1].isEmpty)
        if !isPolicy {
            if reference.contains("/") || reference.hasSuffix(".md")
                || FileManager.default.fileExists(atPath: project.url(for: reference).path) {
                return reference
            }
            throw .unknownPolicy(name: reference, suggestions: Self.suggestions(for: parts[0], among: documents))
        }
        let document = parts[0]
        guard parts.count == 2 else { return draftPath(document) }
        try requireSettled()
        guard let record = try history(document).release(parts[1]) else {
            throw .notFound(path: reference, what: "release \(parts[1]) of \(document)")
        }
        let path = archivedPath(document, record)
        _ = try project.fileURL(path)
        return path
    }

    public struct Status: Sendable, Encodable {
        public var document: String
        public var inForce: ReleaseRecord?
        public var pending: [ReleaseRecord]
        /// The verdict of the draft's changes since the latest release; nil when there are none.
        public var unreleased: String?
        /// The next day a pending version takes effect: the published site changes then, so it must be rebuilt.
        public var nextChange: CalendarDate?

        private enum CodingKeys: String, CodingKey { case document, inForce, pending, unreleased, nextChange }

        /// `nextChange` is always there, `null` when nothing is pending: a pipeline reads one key.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(document, forKey: .document)
            try container.encodeIfPresent(inForce, forKey: .inForce)
            try container.encode(pending, forKey: .pending)
            try container.encodeIfPresent(unreleased, forKey: .unreleased)
            try container.encode(nextChange, forKey: .nextChange)
        }
    }

    public func status(_ name: String, today: CalendarDate) throws(ProjectError) -> Status {
        let document = try document(named: name)
        try requireSettled()
        let history = try history(document)
        var unreleased: String?
        if let latest = history.latest {
            let draftPath = draftPath(document)
            let draft = try PolicySource.readText(try project.fileURL(draftPath), displayPath: draftPath)
            let archived = try archivedText(document, latest)
            if draft != archived {
                let revisions = PolicyParser.parse(old: archived.utf8, oldPath: draftPath, new: draft.utf8,
                                                   newPath: draftPath, analysis: .definedTerms,
                                                   options: project.parseOptions)
                let changes = PolicyDiffer.diff(revisions.old, revisions.new, options: project.config.diffOptions)
                let meaningful = changes.changes.contains { !$0.reasons.allSatisfy { $0.rule == "last-updated" } }
                unreleased = meaningful ? changes.verdict.rawValue : nil
            }
        } else {
            unreleased = "initial"
        }
        return Status(document: document, inForce: history.inForce(on: today), pending: history.pending(on: today),
                      unreleased: unreleased, nextChange: history.nextChange(after: today))
    }
}
