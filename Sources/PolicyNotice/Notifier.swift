import Foundation
import PolicyModel

/// `policyc notify`: streams the export, plans each new eligible User into a batch in the ledger,
/// then writes the batch. Order of effects, per batch: the ledger commits the batch and its Users
/// (`planned`); the batch file is written aside and renamed into place; the ledger marks it
/// `written`. A run killed anywhere leaves some batches `planned`, which the next run writes from
/// the ledger (same Users, same order) before it reads the export: every eligible User ends in
/// exactly one batch.
public enum Notifier {
    public static func run(_ request: NotifyRequest) throws(NoticeError) -> NotifyReport {
        let clock = ContinuousClock()
        let start = clock.now
        var ledgerTime = Duration.zero
        func timed<T>(_ body: () throws(NoticeError) -> T) throws(NoticeError) -> T {
            let begin = clock.now
            defer { ledgerTime += clock.now - begin }
            return try body()
        }

        guard request.batchSize >= 1, request.batchSize <= request.provider.maximumBatch else {
            throw .invalidOption("--batch-size must be between 1 and \(request.provider.maximumBatch) for \(request.provider.rawValue)")
        }
        // The export first: an empty file, or a header no row can be read by, stops the run before it
        // makes a ledger or a folder.
        var reader: RecipientReader?
        if request.readsExport {
            try requireContent(request.usersPath)
            reader = try RecipientReader(path: request.usersPath, format: request.usersFormat, columns: request.columns,
                                         rule: request.rule, today: request.today, dedupe: request.dedupe)
        }
        do {
            try FileManager.default.createDirectory(at: request.outFolder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: request.outFolder.path, reason: "\(error)")
        }
        let ledger = try timed { () throws(NoticeError) in try NoticeLedger(path: request.ledgerPath, projectRoot: request.projectRoot) }
        let lock = try LedgerLock(ledger: ledger, use: request.replan ? .exclusive : LedgerLock.notifying(request.releaseName, shard: request.shard))
        defer { withExtendedLifetime(lock) {} }
        let release = try timed { () throws(NoticeError) in
            try ledger.ensureRelease(name: request.releaseName, document: request.document, version: request.version,
                                     policySHA256: request.policySHA256, effectiveDate: request.facts.effectiveDate.description)
        }
        try timed { () throws(NoticeError) in try ledger.claimFolder(releaseID: release.id, request.outFolder) }
        let envelope = MessageEnvelope(fromName: request.fromName, fromAddress: request.fromAddress,
                                       date: MIME.date(secondsSince1970: request.now), release: request.releaseName)
        // Every locale's templates, compiled up front: the reading thread needs them for content hashes.
        var composers: [String: MessageComposer] = [:]
        var compiled: [CompiledNotice] = []
        for (locale, set) in request.templates.sets.sorted(by: { $0.key < $1.key }) {
            let notice = try CompiledNotice.compile(set, locale: locale, facts: request.facts, templatePath: request.templatesFolder)
            compiled.append(notice)
            composers[locale] = MessageComposer(notice: notice, envelope: envelope,
                                                encoding: request.format == .jsonl ? .jsonString : .raw)
        }

        var report = NotifyReport(release: request.releaseName)
        report.outFolder = request.outFolder.path
        // Today's config and templates against the plan the release's notices were made with: the
        // same, a first plan, or (with --replan) a new plan whose notices are all written again.
        let basis = PlanBasis(config: request.config, templateFiles: request.templates.fileDigests, notices: compiled)
        let rehash = Self.rehash(request, composers)
        switch try timed({ () throws(NoticeError) in
            try ledger.preparePlan(releaseID: release.id, releaseName: request.releaseName, basis: basis, replan: request.replan,
                                   rehash: rehash)
        }) {
        case .replanned(_, let notices):
            report.replanned = notices
        case .unchanged where request.replan:
            report.warnings.append("nothing changed since the plan in force: there was nothing to re-plan")
        case .unchanged, .recorded:
            break
        }
        report.plan = try timed { () throws(NoticeError) in try ledger.plans(releaseID: release.id).last?.number ?? 1 }
        var existing = try timed { () throws(NoticeError) in try ledger.batches(releaseID: release.id) }
        guard existing.allSatisfy({ $0.format == request.batchKind }) else {
            throw .refused("\(request.releaseName) was planned as \(existing[0].format) batches; notify it again with the same --format and --provider")
        }
        // Several batches a ledger transaction: fewer commits, each a sequential run of rows.
        let groupSize = request.batchSize * max(1, 4096 / request.batchSize)
        let output = BatchOutput(writer: BatchWriter(folder: request.outFolder, format: request.format, provider: request.provider,
                                                     envelope: envelope),
                                 composers: composers, queued: groupSize / request.batchSize + 1)

        // On any error, the batch thread stops before its next batch: nothing is written after we return.
        var runID: Int64?
        do throws(NoticeError) {
            // First, batches an interrupted run planned but did not write (the same Users, in the same
            // order), batches a re-plan made planned again, and batches recorded as written that are not
            // on disk whole (a power cut).
            // Only this shard's: another machine's shard writes its own (it may be doing so now). A re-plan
            // runs alone, and writes every batch of the release.
            for batch in existing where (request.replan || batch.shard == request.shard?.description)
                && (batch.state == "planned" || output.writer.sizeOnDisk(batch) != batch.bytes) {
                let planned = try timed { () throws(NoticeError) in try ledger.planned(batchID: batch.id) }
                try output.submit(batch, planned)
                if report.replanned == nil { report.batchesRecovered += 1 }
            }

            if let reader {
                let run = try timed { () throws(NoticeError) in
                    try ledger.startRun(releaseID: release.id, export: ledger.recordedPath(URL(fileURLWithPath: request.usersPath)))
                }
                runID = run.id
                report.run = run.number
                let recorded = try timed { () throws(NoticeError) in try ledger.runs(releaseID: release.id) }
                RejectsReport.removeUnrecorded(in: request.outFolder, recorded: Set(recorded.compactMap(\.rejectsFile)))
                // Numbered by the ledger: other machines' shards number theirs in the same sequence.
                var numbersOfRun: Set<Int> = []
                var index = try timed { () throws(NoticeError) in try ledger.index(releaseID: release.id) }
                let export = ExportReader(reader: reader, request: request, envelope: envelope, composers: composers,
                                          groupSize: groupSize)

                // This thread plans each group in the ledger while the reading thread reads the next one and
                // the batch thread writes the last.
                do throws(NoticeError) {
                    while let group = export.groups.receive() {
                        var conflicts: [(NoticeLedger.Planned, NoticeLedger.Conflict)] = []
                        let writer = output.writer
                        let written = output.takeWritten()
                        let planned = try timed { () throws(NoticeError) in
                            try ledger.plan(releaseID: release.id, batchSize: request.batchSize,
                                            format: request.batchKind, fileName: writer.fileName(number:),
                                            distinctAddresses: request.provider == .sendgrid || request.provider == .mailgun,
                                            dedupe: request.dedupe, shard: request.shard, candidates: group.candidates, issues: group.issues,
                                            runID: run.id, written: written, index: &index, conflicts: &conflicts)
                        }
                        var merged: [(recipient: Recipient, coveredBy: Int64, reason: String)] = []
                        for (candidate, conflict) in conflicts {
                            let recipient = candidate.recipient
                            switch conflict {
                            case .alreadyPlanned(let batch, let line, let address, let row)
                                    where numbersOfRun.contains(batch) || address != recipient.email:
                                // Twice in this export, or at another address since: the first notice stands.
                                report.merged += 1
                                let reason = numbersOfRun.contains(batch) ? "the same user id as line \(line)"
                                    : "already notified at \(address) (line \(line) of an earlier export)"
                                merged.append((recipient, row, reason))
                            case .alreadyPlanned:
                                report.alreadyPlanned += 1
                            case .sameMailbox(let owner, let row):
                                report.merged += 1
                                merged.append((recipient, row, "same mailbox as user \(owner)"))
                            }
                        }
                        try timed { () throws(NoticeError) in try ledger.recordMerged(releaseID: release.id, runID: run.id, merged) }
                        numbersOfRun.formUnion(planned.map(\.0.number))
                        for (batch, accepted) in planned {
                            CrashPoint.reach("notify-planned", batch.number)
                            try output.submit(batch, accepted)
                            report.planned += accepted.count
                            report.batchesWritten += 1
                        }
                    }
                } catch {
                    export.abandon()
                    throw error
                }
                let counts = try export.finish()
                report.rows = counts.rows
                report.otherShards = counts.otherShards
                report.ineligible = counts.ineligible
                report.rejected = counts.rejected
                report.namesDropped = counts.namesDropped
                let rejectsFile = RejectsReport.fileName(run: run.number)
                try timed { () throws(NoticeError) in
                    try RejectsReport.write(ledger: ledger, runID: run.id, to: request.outFolder.appendingPathComponent(rejectsFile))
                }
                report.rejectsFile = rejectsFile
                if counts.rows == 0 {
                    report.warnings.append("\(request.usersPath): the export has no rows (a header alone, or blank lines): nobody was planned from it")
                }
            }
            try output.finish()
        } catch {
            output.abandon()
            throw error
        }
        let written = output.takeWritten()
        try timed { () throws(NoticeError) in try ledger.markWritten(written) }
        if let runID, let rejectsFile = report.rejectsFile {
            try timed { () throws(NoticeError) in try ledger.finishRun(runID, report: report, rejectsFile: rejectsFile) }
        }

        existing = try timed { () throws(NoticeError) in try ledger.batches(releaseID: release.id) }
        report.totalBatches = existing.count
        report.totalNotices = existing.reduce(0) { $0 + $1.messages }
        report.ledgerSeconds = ledgerTime.seconds
        report.seconds = (clock.now - start).seconds
        // A shard's manifest lists its own batches, the ones this machine hands to its senders.
        try writeManifest(request: request, batches: existing.filter { request.shard == nil || $0.shard == request.shard?.description },
                          composers: composers, report: report)
        return report
    }

    /// A 0-byte export is a mistake (a failed dump, a wrong path), not an export of nobody: refused before
    /// a ledger or a folder is made. A header with no rows is a warning of the run instead.
    static func requireContent(_ path: String) throws(NoticeError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if info.st_mode & S_IFMT == S_IFREG && info.st_size == 0 {
            throw .invalidExport(path: path, line: 1,
                                 message: "the export is empty (0 bytes, not even a header row); nothing was planned or written")
        }
    }

    /// A notice's template set and content hash under today's templates, for a re-plan. Generic and
    /// Postmark batches hold whole messages, so a notice takes the set its User's locale picks today;
    /// the other providers' batches hold one locale each, so a notice keeps its set.
    static func rehash(_ request: NotifyRequest, _ composers: [String: MessageComposer])
    -> @Sendable (String, String, String, String?) throws(NoticeError) -> (locale: String, contentHash: String) {
        let wholeMessages = request.provider == .generic || request.provider == .postmark
        let templates = request.templates
        return { name, address, planned, requested throws(NoticeError) in
            let key = wholeMessages ? templates.key(for: requested ?? planned) : planned
            guard let composer = composers[key] else {
                throw .refused("notices planned with the '\(planned)' templates cannot be re-planned: there are none for '\(planned)' now, and \(request.provider.rawValue) batches hold one locale each; restore them")
            }
            let recipient = Recipient(line: 0, id: "", email: address, name: name, locale: key)
            return (key, composer.contentHash(values: MessageComposer.values(for: recipient)))
        }
    }

    private static func writeManifest(request: NotifyRequest, batches: [NoticeLedger.Batch], composers: [String: MessageComposer],
                                      report: NotifyReport) throws(NoticeError) {
        struct Manifest: Encodable {
            var release: String
            var document: String
            var version: String
            var policySHA256: String
            var effectiveDate: String
            var format: String
            var provider: String
            var templates: [String: String]
            var templateDigests: [String: String]
            /// What every notice of the release says, as the templates saw it.
            var facts: FactsRecord
            var lastRun: NotifyReport
            var totals: [String: Int]
            var batches: [NoticeLedger.Batch]
        }
        var digests: [String: String] = [:]
        for (locale, composer) in composers { digests[locale.isEmpty ? "default" : locale] = composer.notice.digest }
        let manifest = Manifest(release: request.releaseName, document: request.document, version: request.version,
                                policySHA256: request.policySHA256, effectiveDate: request.facts.effectiveDate.description,
                                format: request.format.rawValue, provider: request.provider.rawValue,
                                templates: request.templates.fileDigests, templateDigests: digests,
                                facts: FactsRecord(request.facts, release: request.releaseName, fromName: request.fromName,
                                                   fromAddress: request.fromAddress),
                                lastRun: report,
                                totals: ["notices": report.totalNotices, "batches": report.totalBatches],
                                batches: batches)
        do {
            try FileOutput.replace(request.outFolder.appendingPathComponent(request.manifestName),
                                   with: try JSONWriter.bytes(manifest))
        } catch let error as NoticeError {
            throw error
        } catch {
            throw .unwritable(path: request.manifestName, reason: "\(error)")
        }
    }
}

/// The facts of a release as the manifest records them.
struct FactsRecord: Encodable {
    struct Sender: Encodable { var name: String; var address: String }
    struct Section: Encodable {
        struct Item: Encodable { var text: String }
        var heading: String
        var changes: [Item]
    }
    var release: String
    var from: Sender
    var document, title, version, verdict, releaseDate, effectiveDate, pageURL, changesURL, siteTitle: String
    var sections: [Section]
    var editorialCount: Int

    init(_ facts: NoticeFacts, release: String, fromName: String, fromAddress: String) {
        self.release = release
        from = Sender(name: fromName, address: fromAddress)
        document = facts.document
        title = facts.title
        version = facts.version
        verdict = facts.verdict
        releaseDate = facts.releaseDate.description
        effectiveDate = facts.effectiveDate.description
        pageURL = facts.pageURL
        changesURL = facts.changesURL
        siteTitle = facts.siteTitle
        sections = facts.sections.map { Section(heading: $0.heading, changes: $0.changes.map { Section.Item(text: $0) }) }
        editorialCount = facts.editorialCount
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
