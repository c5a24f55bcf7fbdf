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
        let release = try timed { () throws(NoticeError) in
            try ledger.ensureRelease(name: request.releaseName, document: request.document, version: request.version,
                                     policySHA256: request.policySHA256, effectiveDate: request.facts.effectiveDate.description)
        }
        let envelope = MessageEnvelope(fromName: request.fromName, fromAddress: request.fromAddress,
                                       date: MIME.date(secondsSince1970: request.now), release: request.releaseName)
        var composers: [String: MessageComposer] = [:]
        func composer(_ locale: String) throws(NoticeError) -> MessageComposer {
            if let existing = composers[locale] { return existing }
            let set = request.templates.sets[locale] ?? request.templates.sets[""]!
            let compiled = try CompiledNotice.compile(set, locale: locale, facts: request.facts, templatePath: request.templatesFolder)
            try timed { () throws(NoticeError) in try ledger.recordTemplate(releaseID: release.id, compiled) }
            let made = MessageComposer(notice: compiled, envelope: envelope,
                                       encoding: request.format == .jsonl ? .jsonString : .raw)
            composers[locale] = made
            return made
        }

        var report = NotifyReport(release: request.releaseName)
        report.outFolder = request.outFolder.path
        var existing = try timed { () throws(NoticeError) in try ledger.batches(releaseID: release.id) }
        guard existing.allSatisfy({ $0.format == request.batchKind }) else {
            throw .refused("\(request.releaseName) was planned as \(existing[0].format) batches; notify it again with the same --format and --provider")
        }
        // Several batches a ledger transaction: the index pages they touch are written once.
        let groupSize = request.batchSize * max(1, 8192 / request.batchSize)
        let output = BatchOutput(writer: BatchWriter(folder: request.outFolder, format: request.format, provider: request.provider,
                                                     envelope: envelope),
                                 queued: 2 * groupSize / request.batchSize + 1)

        // First, batches an interrupted run planned but did not write: the same Users, in the same order.
        for batch in existing where batch.state == "planned" {
            let planned = try timed { () throws(NoticeError) in try ledger.planned(batchID: batch.id) }
            for item in planned { _ = try composer(item.locale) }
            try output.submit(batch, planned, composers: composers)
            report.batchesRecovered += 1
        }

        let rejects = try RejectsReport(folder: request.outFolder)
        let reader = try RecipientReader(path: request.usersPath, format: request.usersFormat, columns: request.columns,
                                         rule: request.rule, today: request.today)
        var nextNumber = (existing.map(\.number).max() ?? 0) + 1
        let firstNumberOfRun = nextNumber
        // Provider bodies carry one content each: their batches hold one locale.
        let splitByLocale = request.provider != .generic && request.provider != .postmark
        var pending: [String: [NoticeLedger.Planned]] = [:]
        // Keys are per release, so one index serves every release in the ledger.
        let mailboxSalt = request.releaseName + "\u{0}"
        var templateKeys: [String: String] = [:]

        func flush(_ key: String) throws(NoticeError) {
            guard let candidates = pending.removeValue(forKey: key), !candidates.isEmpty else { return }
            var conflicts: [(NoticeLedger.Planned, NoticeLedger.Conflict)] = []
            let writer = output.writer
            let written = output.takeWritten()
            let planned = try timed { () throws(NoticeError) in
                try ledger.plan(releaseID: release.id, firstNumber: nextNumber, batchSize: request.batchSize,
                                format: request.batchKind, fileName: writer.fileName(number:),
                                candidates: candidates, written: written, conflicts: &conflicts)
            }
            for (candidate, conflict) in conflicts {
                switch conflict {
                case .alreadyPlanned(let batch, let line) where batch >= firstNumberOfRun:
                    // Twice in this export: the first row's notice stands.
                    report.merged += 1
                    try rejects.add(RecipientIssue(line: candidate.recipient.line, id: candidate.recipient.id,
                                                   reason: "the same user id as line \(line)", action: .merged))
                case .alreadyPlanned:
                    report.alreadyPlanned += 1
                case .sameMailbox(let owner):
                    report.merged += 1
                    try rejects.add(RecipientIssue(line: candidate.recipient.line, id: candidate.recipient.id,
                                                   reason: "same mailbox as user \(owner)", action: .merged))
                }
            }
            nextNumber += planned.count
            for (batch, accepted) in planned {
                CrashPoint.reach("notify-planned", batch.number)
                try output.submit(batch, accepted, composers: composers)
                report.planned += accepted.count
                report.batchesWritten += 1
            }
        }

        while let event = try reader.next() {
            report.rows += 1
            switch event {
            case .ineligible:
                report.ineligible += 1
            case .rejected(let issue):
                report.rejected += 1
                try rejects.add(issue)
            case .recipient(let recipient):
                if let note = recipient.note {
                    report.namesDropped += 1
                    try rejects.add(RecipientIssue(line: recipient.line, id: recipient.id, reason: note, action: .nameDropped))
                }
                let locale = templateKeys[recipient.locale] ?? {
                    let key = request.templates.key(for: recipient.locale)
                    templateKeys[recipient.locale] = key
                    return key
                }()
                let identity = envelope.identity(userID: recipient.id)
                let planned = NoticeLedger.Planned(
                    recipient: recipient, messageID: identity.messageID,
                    contentHash: try composer(locale).contentHash(values: MessageComposer.values(for: recipient)), locale: locale,
                    userKey: identity.key, mailboxKey: Hex.key(of: mailboxSalt + recipient.mailbox))
                let key = splitByLocale ? locale : ""
                pending[key, default: []].append(planned)
                if pending[key]!.count >= groupSize { try flush(key) }
            }
        }
        for key in pending.keys.sorted() { try flush(key) }
        try rejects.finish()
        try output.finish()
        let written = output.takeWritten()
        try timed { () throws(NoticeError) in try ledger.markWritten(written) }

        existing = try timed { () throws(NoticeError) in try ledger.batches(releaseID: release.id) }
        report.totalBatches = existing.count
        report.totalNotices = existing.reduce(0) { $0 + $1.messages }
        try writeManifest(request: request, batches: existing, composers: composers, ledger: ledger, releaseID: release.id,
                          report: report)
        report.ledgerSeconds = ledgerTime.seconds
        report.seconds = (clock.now - start).seconds
        return report
    }

    private static func writeManifest(request: NotifyRequest, batches: [NoticeLedger.Batch], composers: [String: MessageComposer],
                                      ledger: NoticeLedger, releaseID: Int64, report: NotifyReport) throws(NoticeError) {
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
            var lastRun: NotifyReport
            var totals: [String: Int]
            var batches: [NoticeLedger.Batch]
        }
        var digests: [String: String] = [:]
        for (locale, composer) in composers { digests[locale.isEmpty ? "default" : locale] = composer.notice.digest }
        let manifest = Manifest(release: request.releaseName, document: request.document, version: request.version,
                                policySHA256: request.policySHA256, effectiveDate: request.facts.effectiveDate.description,
                                format: request.format.rawValue, provider: request.provider.rawValue,
                                templates: request.templates.fileDigests, templateDigests: digests, lastRun: report,
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
    /// Batches submitted and not yet written: two ledger transactions' worth, so neither thread waits
    /// for the other while it works on the next group.
    private let slots: DispatchSemaphore
    private let state = Mutex<(error: NoticeError?, written: [(id: Int64, sha256: String)])>((nil, []))

    init(writer: BatchWriter, queued: Int) {
        self.writer = writer
        workerWriter = writer
        slots = DispatchSemaphore(value: queued)
    }

    func submit(_ batch: NoticeLedger.Batch, _ planned: [NoticeLedger.Planned],
                composers: [String: MessageComposer]) throws(NoticeError) {
        if let error = state.withLock({ $0.error }) { throw error }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard state.withLock({ $0.error == nil }) else { return }
            do throws(NoticeError) {
                let sha = try workerWriter.write(number: batch.number, planned: planned) { (locale: String) throws(NoticeError) in
                    guard let composer = composers[locale] else { throw NoticeError.invalidOption("no template for '\(locale)'") }
                    return composer
                }
                CrashPoint.reach("notify-renamed", batch.number)
                state.withLock { $0.written.append((batch.id, sha)) }
            } catch {
                state.withLock { $0.error = $0.error ?? error }
            }
        }
    }

    /// The batches written since the last call.
    func takeWritten() -> [(id: Int64, sha256: String)] {
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
/// name, with its line in the export. Written aside as the export is read, renamed at the end.
final class RejectsReport {
    private let url: URL
    private let temporary: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = Array("line,user_id,action,reason\r\n".utf8)

    init(folder: URL) throws(NoticeError) {
        url = folder.appendingPathComponent("rejects.csv")
        temporary = folder.appendingPathComponent(".rejects.csv.tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw .unwritable(path: temporary.path, reason: "cannot create the rejects report")
        }
        self.handle = handle
    }

    func add(_ issue: RecipientIssue) throws(NoticeError) {
        buffer.append(contentsOf: "\(issue.line),\(CSVText.field(issue.id ?? "")),\(issue.action.rawValue),\(CSVText.field(issue.reason))\r\n".utf8)
        if buffer.count > 1 << 16 { try drain() }
    }

    func finish() throws(NoticeError) {
        try drain()
        try? handle.close()
        try FileOutput.rename(temporary, to: url)
    }

    private func drain() throws(NoticeError) {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .unwritable(path: temporary.path, reason: "\(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// CSV output (RFC 4180) that is also safe to open in a spreadsheet.
public enum CSVText {
    /// Quotes a field when it needs it; a leading `=`, `+`, `-` or `@` gets a `'` first, so a
    /// spreadsheet does not run it as a formula.
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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
