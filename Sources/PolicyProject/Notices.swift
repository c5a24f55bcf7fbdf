import Foundation
import PolicyDiff
import PolicyModel
import PolicyNotice
import PolicyRelease
import PolicyRender

/// The advance notices of a project's releases: `notify`, `send`, `notices status|proof`. Resolves
/// the release, its changes and the config, and hands the work to PolicyNotice.
public struct Notices: Sendable {
    public let project: Project

    public init(project: Project) {
        self.project = project
    }

    public static let templatesFolder = "templates/email"

    public struct NotifyOptions: Sendable {
        /// nil: read no export (`--replan` alone).
        public var usersPath: String?
        public var usersFormat: ExportFormat?
        public var format: BatchFormat
        public var provider: Provider
        public var batchSize: Int?
        public var outFolder: String?
        public var today: CalendarDate
        public var now: Date
        /// Rewrite the release's unsent notices from today's config and templates.
        public var replan: Bool
        /// `--shard K/N`: only this machine's share of the Users.
        public var shard: NoticeShard?

        public init(usersPath: String?, usersFormat: ExportFormat? = nil, format: BatchFormat = .jsonl,
                    provider: Provider = .generic, batchSize: Int? = nil, outFolder: String? = nil,
                    today: CalendarDate, now: Date = Date(), replan: Bool = false, shard: NoticeShard? = nil) {
            self.usersPath = usersPath
            self.usersFormat = usersFormat
            self.format = format
            self.provider = provider
            self.batchSize = batchSize
            self.outFolder = outFolder
            self.today = today
            self.now = now
            self.replan = replan
            self.shard = shard
        }
    }

    /// `POLICYC_LEDGER_URL` when set (so a password stays out of git), else `notice.ledger`; an SQLite
    /// path is relative to the project.
    public var ledgerLocation: LedgerLocation {
        let environment = ProcessInfo.processInfo.environment["POLICYC_LEDGER_URL"] ?? ""
        switch LedgerLocation(environment.isEmpty ? project.config.notice.ledger : environment) {
        case .sqlite(let path): return .sqlite(path: project.url(for: path).path)
        case let postgres: return postgres
        }
    }

    /// The ledger as NotifyRequest and Delivery take it: the SQLite file's path, or the URL.
    var ledgerPath: String {
        switch ledgerLocation {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// Whether a ledger may hold notices: an SQLite file that exists, or any PostgreSQL database.
    var ledgerMayExist: Bool {
        guard case .sqlite(let path) = ledgerLocation else { return true }
        return FileManager.default.fileExists(atPath: path)
    }

    /// The ledger, its paths relative to this project.
    func openLedger(migrate: Bool = true) throws(NoticeError) -> NoticeLedger {
        try NoticeLedger(location: ledgerLocation, migrate: migrate, projectRoot: project.root)
    }

    /// `policyc notices migrate`: creates the ledger's tables, or brings them up to date. Returns
    /// where the ledger is (without a password) and its schema version.
    public func migrateLedger() throws(ProjectError) -> (ledger: String, version: Int) {
        do {
            let ledger = try openLedger()
            return (ledger.path, try ledger.schemaVersion())
        } catch {
            throw Self.convert(error, release: ledgerLocation.description)
        }
    }

    /// The settings of policyc.yml that notices carry, as each plan records them.
    var noticeSettings: [String: String] {
        ["notice.from": project.config.notice.from ?? "", "site.title": project.config.site.title,
         "site.baseURL": project.config.site.baseURL]
    }

    /// `DOC` (its latest release) or `DOC@v3`.
    func resolveRelease(_ reference: String) throws(ProjectError) -> (document: String, record: ReleaseRecord, history: ReleaseHistory) {
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        let releases = Releases(project: project)
        let document = try releases.document(named: parts.first ?? reference)
        try releases.requireSettled()
        let history = try releases.history(document)
        let record: ReleaseRecord?
        if parts.count == 2 { record = history.release(parts[1]) } else { record = history.latest }
        guard let record else {
            throw .notFound(path: reference, what: parts.count == 2 ? "release \(parts[1]) of \(document)" : "a release of \(document)")
        }
        return (document, record, history)
    }

    /// The folder a release's batches go to.
    public func outFolder(_ document: String, _ version: String, override: String? = nil) -> URL {
        if let override { return project.url(for: override) }
        return project.url(for: project.config.notice.output).appendingPathComponent("\(document)-\(version)")
    }

    /// What `notify --if-material` does with a release, for a pipeline that runs on every push.
    public enum PipelineStep: Sendable, Equatable {
        case notify
        /// An initial or editorial release: no notice is owed.
        case notNeeded(version: String, verdict: String)
        /// In force already, and its notices were planned before: nothing left to do.
        case alreadyNotified(version: String, effective: CalendarDate)
    }

    /// A release past its effective date whose notices were never planned is not skipped: `notify`
    /// refuses it, loudly, since Users were not told.
    public func pipelineStep(_ reference: String, today: CalendarDate) throws(ProjectError) -> PipelineStep {
        let (document, record, _) = try resolveRelease(reference)
        guard record.verdict.needsNotice else { return .notNeeded(version: record.version, verdict: record.verdict.rawValue) }
        guard today >= record.effectiveDate, ledgerMayExist else { return .notify }
        let planned = (try? openLedger().release(named: "\(document)@\(record.version)")) != nil
        return planned ? .alreadyNotified(version: record.version, effective: record.effectiveDate) : .notify
    }

    public func notify(_ reference: String, options: NotifyOptions) throws(ProjectError) -> NotifyReport {
        let (document, record, history) = try resolveRelease(reference)
        let name = "\(document)@\(record.version)"
        guard record.verdict.needsNotice else {
            throw .refused(path: name, message: "\(record.version) is \(record.verdict.rawValue): Users get advance notice of material changes only, so there is nothing to notify")
        }
        guard options.today < record.effectiveDate else {
            throw .refused(path: name, message: "\(record.version) took effect on \(record.effectiveDate): it is too late for advance notice (today is \(options.today))")
        }
        _ = try project.config.requireBaseURL(path: Project.configFile)
        guard let fromText = project.config.notice.from, let from = Self.parseMailbox(fromText) else {
            let location = project.config.locations["notice.from"]
            let problem = project.config.notice.from.flatMap(ProjectConfig.senderProblem) ?? "is not set"
            throw .invalidConfig(path: Project.configFile, line: location?.line, column: location?.column,
                                 message: "notice.from \(problem): it names the sender of the notices. Set it in "
                                 + "\(Project.configFile) under notice:, e.g. `from: Example Legal <legal@example.com>`")
        }
        let facts = try facts(document: document, record: record, history: history)
        let templates: NoticeTemplateSources
        try project.requireContained(folder: Self.templatesFolder)
        do {
            templates = try NoticeTemplateSources.load(folder: project.url(for: Self.templatesFolder), displayFolder: Self.templatesFolder)
        } catch {
            throw Self.convert(error, release: name)
        }
        let provider = options.provider
        var request = NotifyRequest(
            document: document, version: record.version, policySHA256: record.sha256, facts: facts, templates: templates,
            templatesFolder: Self.templatesFolder, fromName: from.name, fromAddress: from.address, format: options.format,
            provider: provider, batchSize: options.batchSize ?? provider.defaultBatch,
            outFolder: outFolder(document, record.version, override: options.outFolder), ledgerPath: ledgerPath,
            usersPath: options.usersPath.map { project.url(for: $0).path } ?? "", usersFormat: options.usersFormat,
            columns: project.config.notice.recipients.columns, rule: project.config.notice.recipients.rule!,
            today: options.today, now: Int(options.now.timeIntervalSince1970))
        request.dedupe = project.config.notice.dedupe
        request.replan = options.replan
        request.shard = options.shard
        request.config = noticeSettings
        request.projectRoot = project.root
        do {
            return try Notifier.run(request)
        } catch {
            throw Self.convert(error, release: name)
        }
    }

    public func send(_ reference: String, options: DeliveryOptions, outFolder override: String? = nil) throws(ProjectError) -> DeliveryReport {
        let (document, record, _) = try resolveRelease(reference)
        let name = "\(document)@\(record.version)"
        do {
            return try Delivery.send(release: name, ledgerPath: ledgerPath, outFolder: override.map { project.url(for: $0) },
                                     projectRoot: project.root, options: options)
        } catch {
            throw Self.convert(error, release: name)
        }
    }

    public struct Progress: Sendable, Codable, Hashable {
        public var release: String
        public var effectiveDate: String
        public var batches: Int
        public var notices: Int
        public var states: [String: Int]
        /// Export rows covered by another User's notice (same mailbox, or the same user id twice).
        public var merged: Int
        /// Set by the proof: a user id or Message-ID held by two notices of the release (none unless the
        /// ledger predates the constraints that refuse them).
        public var duplicates: [NoticeLedger.Duplicate]?
        /// Every plan of the release, the one in force last (more than one after `notify --replan`).
        public var plans: [PlanRecord]
        /// Every notify run that read an export, with its counts and rejects file.
        public var runs: [RunRecord]
        /// Notices send could not deliver (failed, unknown) with what the command said last; the first 100.
        public var failures: [DeliveryFailure]
    }

    public func status(_ reference: String) throws(ProjectError) -> Progress {
        let (name, ledger, release) = try openLedger(reference)
        return try progress(name, ledger, release)
    }

    private func progress(_ name: String, _ ledger: NoticeLedger, _ release: NoticeLedger.ReleaseInfo) throws(ProjectError) -> Progress {
        do {
            let counts = try ledger.counts(releaseID: release.id)
            var states: [String: Int] = [:]
            for state in NoticeLedger.State.allCases { states[state.rawValue] = counts[state] ?? 0 }
            return Progress(release: name, effectiveDate: release.effectiveDate,
                            batches: try ledger.batches(releaseID: release.id).count,
                            notices: counts.values.reduce(0, +), states: states,
                            merged: try ledger.mergedCount(releaseID: release.id),
                            plans: try ledger.plans(releaseID: release.id), runs: try ledger.runs(releaseID: release.id),
                            failures: try ledger.failures(releaseID: release.id))
        } catch {
            throw Self.convert(error, release: name)
        }
    }

    public enum ProofFormat: String, Sendable, CaseIterable {
        case csv, json
    }

    /// Streams the proof of notice to `write`: one row per User, then the totals. Refused after the
    /// rows when the ledger holds a user or a Message-ID twice in the release: a proof must not pass
    /// over a User told twice, or two Users with one Message-ID (a provider would drop one as a copy).
    public func proof(_ reference: String, format: ProofFormat, write: (String) -> Void) throws(ProjectError) -> Progress {
        let (name, ledger, release) = try openLedger(reference)
        var progress = try progress(name, ledger, release)
        do {
            progress.duplicates = try ledger.duplicates(releaseID: release.id)
            switch format {
            case .csv:
                write(Self.proofColumns.joined(separator: ",") + "\r\n")
                try ledger.forEachProofRow(releaseID: release.id) { row in
                    let fields = [row.userID, row.address, row.messageID, row.contentHash, String(row.batch), row.state,
                                  row.plannedAt, row.writtenAt ?? "", row.sentAt ?? "", String(row.attempts), row.coveredBy ?? "",
                                  row.lastError ?? "", row.reason ?? "", "", "", row.shard ?? "", row.host ?? ""]
                    write(fields.map { CSVText.field($0) }.joined(separator: ",") + "\r\n")
                }
                // Who was not notified, and why: every rejected and ineligible row of every run.
                try ledger.forEachNotNotified(releaseID: release.id) { reject in
                    var fields = Array(repeating: "", count: Self.proofColumns.count)
                    fields[0] = reject.userID ?? ""
                    fields[5] = reject.action
                    fields[12] = reject.reason
                    fields[13] = String(reject.run)
                    fields[14] = String(reject.line)
                    write(fields.map { CSVText.field($0) }.joined(separator: ",") + "\r\n")
                }
            case .json:
                let head = (try? JSONWriter.string(progress, style: .compact)) ?? "{}"
                write("{\"release\":\(JSONText.quoted(name)),\"totals\":\(head),\"notices\":[")
                var first = true
                try ledger.forEachProofRow(releaseID: release.id) { row in
                    let line = try JSONWriter.string(row, style: .compact)
                    write((first ? "\n" : ",\n") + line)
                    first = false
                }
                write("\n],\"notNotified\":[")
                first = true
                try ledger.forEachNotNotified(releaseID: release.id) { reject in
                    let line = try JSONWriter.string(reject, style: .compact)
                    write((first ? "\n" : ",\n") + line)
                    first = false
                }
                write("\n]}\n")
            }
        } catch {
            throw Self.convert(error, release: name)
        }
        if let duplicates = progress.duplicates, !duplicates.isEmpty {
            let listed = duplicates.prefix(10).map { "\($0.column == "user_id" ? "user" : "Message-ID") \($0.value) (\($0.notices) notices)" }
            throw .refused(path: name, message: "\(duplicates.count) duplicates in the ledger: \(listed.joined(separator: ", "))\(duplicates.count > 10 ? ", …" : "")")
        }
        return progress
    }

    /// The proof's CSV columns: a notice's, then `covered_by` and `reason` for a merged row, `last_error`
    /// for one not delivered, and `reason`, `run` and `export_line` for a row that got no notice.
    static let proofColumns = ["user_id", "address", "message_id", "content_hash", "batch", "state", "planned_at", "written_at",
                               "sent_at", "attempts", "covered_by", "last_error", "reason", "run", "export_line", "shard", "host"]

    private func openLedger(_ reference: String) throws(ProjectError) -> (String, NoticeLedger, NoticeLedger.ReleaseInfo) {
        let (document, record, _) = try resolveRelease(reference)
        let name = "\(document)@\(record.version)"
        let nothingYet = ProjectError.refused(path: name, message: "no notice ledger at \(ledgerLocation.description): nothing was notified yet")
        guard ledgerMayExist else { throw nothingYet }
        do {
            // As it is: a ledger whose duplicates stop its migration can still be read, and show them.
            let ledger = try openLedger(migrate: false)
            guard try ledger.schemaVersion() > 0 else { throw nothingYet }
            guard let release = try ledger.release(named: name) else {
                throw ProjectError.refused(path: name, message: "no notices were planned for \(name)")
            }
            return (name, ledger, release)
        } catch let error as ProjectError {
            throw error
        } catch let error as NoticeError {
            throw Self.convert(error, release: name)
        } catch {
            throw .unreadable(path: ledgerLocation.description, reason: "\(error)")
        }
    }

    /// The facts every notice of a release states: what changed since the version before it.
    func facts(document: String, record: ReleaseRecord, history: ReleaseHistory) throws(ProjectError) -> NoticeFacts {
        let previous = history.releases.last { $0.number < record.number }
        var sections: [NoticeSection] = []
        var editorial = 0
        let title: String
        if let previous {
            let changes = try Comparison(project: project).compare(oldPath: "\(document)@\(previous.version)",
                                                                    newPath: "\(document)@\(record.version)")
            // The changes name the archived texts' structural ids; the links take the ids the archive's
            // maps give those elements, which the pages carry (docs/design.md, "Persistent ids").
            let releases = Releases(project: project)
            let maps = try releases.identityMaps(document, history, try releases.archivedDocuments(document, history))
            let index = { (version: String) in history.releases.firstIndex { $0.version == version }.map { maps[$0] } }
            (sections, editorial) = NoticeSection.summarize(changes, old: index(previous.version), new: index(record.version))
            title = changes.newTitle
        } else {
            title = try project.loadDocument(Releases(project: project).archivedPath(document, record), analysis: []).title
        }
        let base = project.config.site.baseURL.hasSuffix("/") ? String(project.config.site.baseURL.dropLast())
            : project.config.site.baseURL
        let notes = try Releases(project: project).archivedNotes(document, record).map {
            NoticeNotes(text: NotesRenderer.text($0.document), html: NotesRenderer.html($0.document))
        }
        return NoticeFacts(document: document, title: title.isEmpty ? document : title,
                           version: record.version, verdict: record.verdict.rawValue, releaseDate: record.releaseDate,
                           effectiveDate: record.effectiveDate, pageURL: "\(base)/\(document)/\(record.version).html",
                           changesURL: "\(base)/\(document)/\(record.version)-changes.html",
                           siteTitle: project.config.site.title, sections: sections, editorialCount: editorial,
                           notes: notes, currentURL: "\(base)/\(document).html")
    }

    /// `Name <address>` or `address`.
    static func parseMailbox(_ text: String) -> (name: String, address: String)? {
        let trimmed = text.trimmingSpaces
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingSpaces
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            guard EmailAddress.problem(address) == nil, !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return nil }
            return (name, address)
        }
        return EmailAddress.problem(trimmed) == nil ? ("", trimmed) : nil
    }

    static func convert(_ error: NoticeError, release: String) -> ProjectError {
        switch error {
        case .unreadable(let path, let reason): .unreadable(path: path, reason: reason)
        case .unwritable(let path, let reason): .unwritable(path: path, reason: reason)
        case .invalidExport(let path, let line, let message): .invalidConfig(path: path, line: line, message: message)
        case .invalidTemplate(let path, let message): .invalidTemplate(path: path, message: message)
        case .invalidOption(let message): .invalidUsage(message: message)
        case .refused(let message), .delivery(let message): .refused(path: release, message: message)
        case .ledger(let path, let message): .unwritable(path: path, reason: "ledger: \(message)")
        }
    }
}
