import Foundation
import PolicyModel
import Synchronization

/// Everything `policyc notify` needs, resolved by the caller from the project and the command line.
public struct NotifyRequest: Sendable {
    public var document: String
    public var version: String
    public var policySHA256: String
    public var facts: NoticeFacts
    public var templates: NoticeTemplateSources
    public var templatesFolder: String
    public var fromName: String
    public var fromAddress: String
    public var format: BatchFormat
    public var provider: Provider
    public var batchSize: Int
    public var outFolder: URL
    public var ledgerPath: String
    public var usersPath: String
    public var usersFormat: ExportFormat?
    public var columns: RecipientColumns
    public var rule: EligibilityRule
    public var today: CalendarDate
    /// The run's time, in the messages' `Date:` header.
    public var now: Int

    public init(document: String, version: String, policySHA256: String, facts: NoticeFacts,
                templates: NoticeTemplateSources, templatesFolder: String, fromName: String, fromAddress: String,
                format: BatchFormat, provider: Provider, batchSize: Int, outFolder: URL, ledgerPath: String,
                usersPath: String, usersFormat: ExportFormat?, columns: RecipientColumns, rule: EligibilityRule,
                today: CalendarDate, now: Int) {
        self.document = document
        self.version = version
        self.policySHA256 = policySHA256
        self.facts = facts
        self.templates = templates
        self.templatesFolder = templatesFolder
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.format = format
        self.provider = provider
        self.batchSize = batchSize
        self.outFolder = outFolder
        self.ledgerPath = ledgerPath
        self.usersPath = usersPath
        self.usersFormat = usersFormat
        self.columns = columns
        self.rule = rule
        self.today = today
        self.now = now
    }

    public var releaseName: String { "\(document)@\(version)" }
}

/// What a `notify` run did, and where the ledger stands after it.
public struct NotifyReport: Sendable, Codable, Hashable {
    public var release: String
    /// Rows of this run's export, by outcome.
    public var rows = 0
    public var ineligible = 0
    public var rejected = 0
    /// Notified without their name (a name with a line break, or too long to use).
    public var namesDropped = 0
    /// Rows whose mailbox an earlier row (of this export or an earlier one) has: merged into it.
    public var merged = 0
    /// Users the ledger had already planned for this release (an earlier run or export).
    public var alreadyPlanned = 0
    /// Users planned by this run, and the batches written for them.
    public var planned = 0
    public var batchesWritten = 0
    /// Batches an interrupted run had planned, written by this one.
    public var batchesRecovered = 0
    /// The whole release in the ledger after this run.
    public var totalNotices = 0
    public var totalBatches = 0
    public var outFolder = ""
    /// Seconds spent in the ledger (SQLite), and in the whole run: the ledger's share of the time.
    public var ledgerSeconds = 0.0
    public var seconds = 0.0

    public init(release: String) {
        self.release = release
    }
}

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
        do {
            try FileManager.default.createDirectory(at: request.outFolder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: request.outFolder.path, reason: "\(error)")
        }
        let ledger = try timed { () throws(NoticeError) in try NoticeLedger(path: request.ledgerPath) }
        let lock = try LedgerLock(ledgerPath: request.ledgerPath)
        defer { withExtendedLifetime(lock) {} }
        let release = try timed { () throws(NoticeError) in
            try ledger.ensureRelease(name: request.releaseName, document: request.document, version: request.version,
                                     policySHA256: request.policySHA256, effectiveDate: request.facts.effectiveDate.description)
        }
        try timed { () throws(NoticeError) in try ledger.claimFolder(releaseID: release.id, request.outFolder.standardizedFileURL.path) }
        let envelope = MessageEnvelope(fromName: request.fromName, fromAddress: request.fromAddress,
                                       date: MIME.date(secondsSince1970: request.now), release: request.releaseName)
        // Every locale's templates, compiled up front: the reading thread needs them for content hashes.
        var composers: [String: MessageComposer] = [:]
        for (locale, set) in request.templates.sets.sorted(by: { $0.key < $1.key }) {
            let compiled = try CompiledNotice.compile(set, locale: locale, facts: request.facts, templatePath: request.templatesFolder)
            try timed { () throws(NoticeError) in try ledger.recordTemplate(releaseID: release.id, compiled) }
            composers[locale] = MessageComposer(notice: compiled, envelope: envelope,
                                                encoding: request.format == .jsonl ? .jsonString : .raw)
        }

        var report = NotifyReport(release: request.releaseName)
        report.outFolder = request.outFolder.path
        var existing = try timed { () throws(NoticeError) in try ledger.batches(releaseID: release.id) }
        guard existing.allSatisfy({ $0.format == request.batchKind }) else {
            throw .refused("\(request.releaseName) was planned as \(existing[0].format) batches; notify it again with the same --format and --provider")
        }
        // Several batches a ledger transaction: the index pages they touch are written once.
        let groupSize = request.batchSize * max(1, 4096 / request.batchSize)
        let output = BatchOutput(writer: BatchWriter(folder: request.outFolder, format: request.format, provider: request.provider,
                                                     envelope: envelope),
                                 composers: composers, queued: groupSize / request.batchSize + 1)

        // First, batches an interrupted run planned but did not write (the same Users, in the same
        // order), and batches recorded as written that are not on disk whole (a power cut).
        for batch in existing where batch.state == "planned" || output.writer.sizeOnDisk(batch) != batch.bytes {
            let planned = try timed { () throws(NoticeError) in try ledger.planned(batchID: batch.id) }
            try output.submit(batch, planned)
            report.batchesRecovered += 1
        }

        let rejects = try RejectsReport(folder: request.outFolder)
        let reader = try RecipientReader(path: request.usersPath, format: request.usersFormat, columns: request.columns,
                                         rule: request.rule, today: request.today)
        let export = ExportReader(reader: reader, request: request, envelope: envelope, composers: composers,
                                  rejects: rejects, groupSize: groupSize)
        var nextNumber = (existing.map(\.number).max() ?? 0) + 1
        let firstNumberOfRun = nextNumber
        var index = try timed { () throws(NoticeError) in try ledger.index(releaseID: release.id) }

        // This thread plans each group in the ledger while the reading thread reads the next one and
        // the batch thread writes the last.
        do throws(NoticeError) {
            while let group = export.groups.receive() {
                var conflicts: [(NoticeLedger.Planned, NoticeLedger.Conflict)] = []
                let writer = output.writer
                let written = output.takeWritten()
                let planned = try timed { () throws(NoticeError) in
                    try ledger.plan(releaseID: release.id, firstNumber: nextNumber, batchSize: request.batchSize,
                                    format: request.batchKind, fileName: writer.fileName(number:),
                                    candidates: group, written: written, index: &index, conflicts: &conflicts)
                }
                var merged: [(recipient: Recipient, coveredBy: Int64, reason: String)] = []
                for (candidate, conflict) in conflicts {
                    let recipient = candidate.recipient
                    switch conflict {
                    case .alreadyPlanned(let batch, let line, let address, let row)
                            where batch >= firstNumberOfRun || address != recipient.email:
                        // Twice in this export, or at another address since: the first notice stands.
                        report.merged += 1
                        let reason = batch >= firstNumberOfRun ? "the same user id as line \(line)"
                            : "already notified at \(address) (line \(line) of an earlier export)"
                        rejects.add(RecipientIssue(line: recipient.line, id: recipient.id, reason: reason, action: .merged))
                        merged.append((recipient, row, reason))
                    case .alreadyPlanned:
                        report.alreadyPlanned += 1
                    case .sameMailbox(let owner, let row):
                        report.merged += 1
                        let reason = "same mailbox as user \(owner)"
                        rejects.add(RecipientIssue(line: recipient.line, id: recipient.id, reason: reason, action: .merged))
                        merged.append((recipient, row, reason))
                    }
                }
                try timed { () throws(NoticeError) in try ledger.recordMerged(releaseID: release.id, merged) }
                nextNumber += planned.count
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
        report.ineligible = counts.ineligible
        report.rejected = counts.rejected
        report.namesDropped = counts.namesDropped
        try rejects.finish()
        try output.finish()
        let written = output.takeWritten()
        try timed { () throws(NoticeError) in try ledger.markWritten(written) }

        existing = try timed { () throws(NoticeError) in try ledger.batches(releaseID: release.id) }
        report.totalBatches = existing.count
        report.totalNotices = existing.reduce(0) { $0 + $1.messages }
        report.ledgerSeconds = ledgerTime.seconds
        report.seconds = (clock.now - start).seconds
        try writeManifest(request: request, batches: existing, composers: composers, report: report)
        return report
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try FileOutput.replace(request.outFolder.appendingPathComponent("manifest.json"),
                                   with: Array(try encoder.encode(manifest)) + [0x0A])
        } catch let error as NoticeError {
            throw error
        } catch {
            throw .unwritable(path: "manifest.json", reason: "\(error)")
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

extension NotifyRequest {
    /// The ledger's name for a batch's kind: `jsonl`, `eml`, or the provider.
    var batchKind: String { provider == .generic ? format.rawValue : provider.rawValue }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Writes batches on a second thread while the first reads the export and plans: rendering and
/// writing is half the work, and the machine has two cores. Written batches are handed back for
/// the planning thread to record with its next transaction (SQLite has one writer at a time). The
/// first error stops the rest and is thrown by `submit` or `finish`.
final class BatchOutput: Sendable {
    let writer: BatchWriter
    /// The worker's own writer, buffers kept from batch to batch; touched on `queue` only.
    private nonisolated(unsafe) var workerWriter: BatchWriter
    private let queue = DispatchQueue(label: "policyc.batches")
    /// Batches submitted and not yet written: a ledger transaction's worth, so neither thread waits
    /// for the other while it works on the next group, and memory stays flat.
    private let slots: DispatchSemaphore
    private let state = Mutex<(error: NoticeError?, written: [NoticeLedger.Written])>((nil, []))

    private let composers: [String: MessageComposer]

    init(writer: BatchWriter, composers: [String: MessageComposer], queued: Int) {
        self.writer = writer
        self.composers = composers
        workerWriter = writer
        slots = DispatchSemaphore(value: queued)
    }

    func submit(_ batch: NoticeLedger.Batch, _ planned: [NoticeLedger.Planned]) throws(NoticeError) {
        if let error = state.withLock({ $0.error }) { throw error }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard state.withLock({ $0.error == nil }) else { return }
            do throws(NoticeError) {
                let result = try workerWriter.write(number: batch.number, planned: planned) { (locale: String) throws(NoticeError) in
                    guard let composer = self.composers[locale] else { throw NoticeError.invalidOption("no template for '\(locale)'") }
                    return composer
                }
                CrashPoint.reach("notify-renamed", batch.number)
                state.withLock { $0.written.append(NoticeLedger.Written(id: batch.id, sha256: result.sha256, bytes: result.bytes)) }
            } catch {
                state.withLock { $0.error = $0.error ?? error }
            }
        }
    }

    /// The batches written since the last call.
    func takeWritten() -> [NoticeLedger.Written] {
        state.withLock { state in
            defer { state.written.removeAll() }
            return state.written
        }
    }

    /// Waits for every submitted batch.
    func finish() throws(NoticeError) {
        queue.sync {}
        if let error = state.withLock({ $0.error }) { throw error }
    }
}

/// `rejects.csv` beside the batches: every row that was rejected, merged, or notified without its
/// name, with its line in the export, in line order. Rows are few (a bad row is rare), so they are
/// kept until the end and written aside, then renamed into place. Both the reading and the planning
/// thread add to it.
final class RejectsReport: Sendable {
    private let url: URL
    private let issues = Mutex<[RecipientIssue]>([])

    init(folder: URL) throws(NoticeError) {
        url = folder.appendingPathComponent("rejects.csv")
    }

    func add(_ issue: RecipientIssue) {
        issues.withLock { $0.append(issue) }
    }

    func finish() throws(NoticeError) {
        var text = "line,user_id,action,reason\r\n"
        let sorted = issues.withLock { $0 }.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        for (_, issue) in sorted {
            text += "\(issue.line),\(CSVText.field(issue.id ?? "")),\(issue.action.rawValue),\(CSVText.field(issue.reason))\r\n"
        }
        try FileOutput.replace(url, with: Array(text.utf8))
    }
}

/// CSV output (RFC 4180) that is also safe to open in a spreadsheet.
public enum CSVText {
    /// Quotes a field when it needs it; a leading `=`, `+`, `-` or `@` gets a `'` first, so a
    /// spreadsheet does not run it as a formula.
    /// `spreadsheetSafe: false` for data that must match its source exactly (the proof of notice).
    public static func field(_ text: String, spreadsheetSafe: Bool = true) -> String {
        var text = text
        if spreadsheetSafe, let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Reads the export on its own thread: parses and classifies each row, computes each User's
/// Message-ID, keys and content hash, and hands over groups of candidates to plan (a group holds one
/// locale when the provider needs that).
final class ExportReader: Sendable {
    struct Counts: Sendable {
        var rows = 0, ineligible = 0, rejected = 0, namesDropped = 0
    }

    let groups = BoundedChannel<[NoticeLedger.Planned]>(capacity: 1)
    private let result = Mutex<Result<Counts, NoticeError>?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let cancelled = Mutex(false)

    init(reader: RecipientReader, request: NotifyRequest, envelope: MessageEnvelope, composers: [String: MessageComposer],
         rejects: RejectsReport, groupSize: Int) {
        // The reader moves to the new thread and is never used here again.
        let transfer = UncheckedTransfer(reader)
        let thread = Thread { [self] in
            let outcome = Result { () throws(NoticeError) -> Counts in
                try Self.read(transfer.value, request: request, envelope: envelope, composers: composers, rejects: rejects,
                              groupSize: groupSize, into: groups, cancelled: cancelled)
            }
            groups.close()
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private static func read(_ reader: RecipientReader, request: NotifyRequest, envelope: MessageEnvelope,
                             composers: [String: MessageComposer], rejects: RejectsReport, groupSize: Int,
                             into groups: BoundedChannel<[NoticeLedger.Planned]>, cancelled: borrowing Mutex<Bool>) throws(NoticeError) -> Counts {
        var counts = Counts()
        // Provider bodies carry one content each: their batches hold one locale.
        let splitByLocale = request.provider != .generic && request.provider != .postmark
        var pending: [String: [NoticeLedger.Planned]] = [:]
        // Keys are per release, so one index serves every release in the ledger.
        let mailboxSalt = request.releaseName + "\u{0}"
        var templateKeys: [String: String] = [:]
        while let event = try reader.next() {
            counts.rows += 1
            switch event {
            case .ineligible:
                counts.ineligible += 1
            case .rejected(let issue):
                counts.rejected += 1
                rejects.add(issue)
            case .recipient(let recipient):
                if let note = recipient.note {
                    counts.namesDropped += 1
                    rejects.add(RecipientIssue(line: recipient.line, id: recipient.id, reason: note, action: .nameDropped))
                }
                let locale = templateKeys[recipient.locale] ?? {
                    let key = request.templates.key(for: recipient.locale)
                    templateKeys[recipient.locale] = key
                    return key
                }()
                let identity = envelope.identity(userID: recipient.id)
                let planned = NoticeLedger.Planned(
                    recipient: recipient, messageID: identity.messageID,
                    contentHash: composers[locale]!.contentHash(values: MessageComposer.values(for: recipient)), locale: locale,
                    userKey: identity.key, mailboxKey: Hex.key(of: mailboxSalt + recipient.mailbox))
                let key = splitByLocale ? locale : ""
                pending[key, default: []].append(planned)
                if pending[key]!.count >= groupSize, let group = pending.removeValue(forKey: key) {
                    if cancelled.withLock({ $0 }) { return counts }
                    groups.send(group)
                }
            }
        }
        for key in pending.keys.sorted() { groups.send(pending[key]!) }
        return counts
    }

    /// Stops reading (the planning thread failed) and waits for the thread to end.
    func abandon() {
        cancelled.withLock { $0 = true }
        while groups.receive() != nil {}
        done.wait()
    }

    /// Waits for the thread; its counts, or the error that stopped it.
    func finish() throws(NoticeError) -> Counts {
        done.wait()
        return try result.withLock { $0! }.get()
    }
}

/// A value handed to another thread that the sender never touches again.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A queue of at most `capacity` elements between two threads: `send` waits for room, `receive`
/// for an element, and returns nil once the sender has closed it and it is empty.
final class BoundedChannel<Element: Sendable>: Sendable {
    private let items = DispatchSemaphore(value: 0)
    private let spaces: DispatchSemaphore
    private let buffer = Mutex<[Element?]>([])

    init(capacity: Int) {
        spaces = DispatchSemaphore(value: capacity)
    }

    func send(_ element: Element) {
        spaces.wait()
        buffer.withLock { $0.append(element) }
        items.signal()
    }

    func close() {
        buffer.withLock { $0.append(nil) }
        items.signal()
    }

    func receive() -> Element? {
        items.wait()
        guard let element = buffer.withLock({ $0.removeFirst() }) else {
            // Leave the end mark for any later receive.
            buffer.withLock { $0.insert(nil, at: 0) }
            items.signal()
            return nil
        }
        spaces.signal()
        return element
    }
}

/// `POLICYC_CRASH_AT=notify-planned:3` kills the process with SIGKILL when it reaches that point
/// for the third batch (or message): how the tests prove a crash anywhere loses nothing.
enum CrashPoint {
    private static let target: (String, Int)? = {
        guard let value = ProcessInfo.processInfo.environment["POLICYC_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        return (String(parts[0]), count)
    }()

    static func reach(_ point: String, _ ordinal: Int) {
        guard let target, target.0 == point, target.1 == ordinal else { return }
        kill(getpid(), SIGKILL)
    }
}
