import Crypto
import Foundation
import PolicyModel

/// `policyc send`: hands each written message to a sendmail-compatible command, one process per
/// message, recording each result in the ledger.
///
/// Per message: the message is staged whole on disk; the ledger marks it `sending`; the command runs
/// with the staged file as its standard input; the ledger marks it `sent` (exit 0), or retries and then
/// marks it `failed` (a non-zero exit: not delivered), or marks it `unknown` (stopped at the timeout, or
/// ended by a signal: the MTA may have delivered it, so it is not sent again unless asked). A crash
/// between the MTA accepting and the `sent` mark leaves the message `sending`, and the next run sends
/// it again: the one at-least-once window, one message per crash. The copy carries the same
/// `Message-ID`, by which a provider, an MTA or a mail client drops the duplicate.
public struct DeliveryOptions: Sendable {
    /// Run by `/bin/sh -c`, message on standard input: `sendmail -t -i` reads the recipients from the
    /// headers and does not stop at a line holding a single dot.
    public var command: String
    /// Messages per second at most; nil for no limit.
    public var rate: Double?
    /// Further attempts after a failure, waiting `retryDelay`, then twice that, and so on.
    public var retries: Int
    public var retryDelay: Duration
    /// Stop after this many messages (a trickle, or a test).
    public var limit: Int?
    /// A command still running after this long is killed with all it started, and its message is
    /// `unknown`.
    public var timeout: Duration
    /// Send `unknown` messages again: the operator has checked that the MTA did not deliver them, or
    /// accepts a second copy.
    public var resendUnknown: Bool
    /// `--shard K/N`: send only the batches `notify --shard K/N` planned; nil: every batch.
    public var shard: NoticeShard?

    public init(command: String = "sendmail -t -i", rate: Double? = nil, retries: Int = 3,
                retryDelay: Duration = .seconds(2), limit: Int? = nil, timeout: Duration = .seconds(60),
                resendUnknown: Bool = false, shard: NoticeShard? = nil) {
        self.command = command
        self.rate = rate
        self.retries = retries
        self.retryDelay = retryDelay
        self.limit = limit
        self.timeout = timeout
        self.resendUnknown = resendUnknown
        self.shard = shard
    }
}

public struct DeliveryReport: Sendable, Codable, Hashable {
    public var release: String
    public var sent = 0
    public var failed = 0
    /// Messages whose command was stopped at the timeout or ended by a signal in this run.
    public var unknown = 0
    /// Messages found `sending` (a run died around them), or `unknown` with `resendUnknown`, and
    /// sent again.
    public var resent = 0
    /// Of the release's notices, how many are now sent, how many `unknown`, and how many remain
    /// (the unknown ones among them).
    public var totalSent = 0
    public var totalUnknown = 0
    public var remaining = 0
    /// The command cannot run at all (exit 127 or 126): the run stopped at its first message, with this.
    public var stopped: String?
    /// This run's failed and unknown messages, with what the command said (the first 100).
    public var failures: [DeliveryFailure] = []

    public init(release: String) {
        self.release = release
    }
}

public enum Delivery {
    /// `outFolder`: where the batches are, when not where notify wrote them (the ledger knows that).
    /// `ledgerPath`: the SQLite file, or a PostgreSQL URL (LedgerLocation).
    public static func send(release name: String, ledgerPath: String, outFolder: URL?, projectRoot: URL? = nil,
                            options: DeliveryOptions) throws(NoticeError) -> DeliveryReport {
        let ledger = try NoticeLedger(path: ledgerPath, projectRoot: projectRoot)
        let lock = try LedgerLock(ledger: ledger, use: .shared(notifying: nil))
        defer { withExtendedLifetime(lock) {} }
        guard let release = try ledger.release(named: name) else {
            throw .refused("\(name): no notices planned in \(ledger.path); run policyc notify first")
        }
        // Recorded relative to the project: a project copied or restored elsewhere finds its batches.
        guard let outFolder = outFolder ?? release.folder.map(ledger.resolvedPath) else {
            throw .refused("\(name): the ledger does not say where its batches are; pass --out")
        }
        if outFolder.path.hasPrefix("/"), !FileManager.default.fileExists(atPath: outFolder.path), release.folder?.hasPrefix("/") == true {
            throw .refused("\(name): the ledger says its batches are in \(outFolder.path), which is not there (recorded by an older policyc, before the project moved?); pass --out with their folder")
        }
        var batches: [Int64: NoticeLedger.Batch] = [:]
        for batch in try ledger.batches(releaseID: release.id) {
            guard batch.format == BatchFormat.jsonl.rawValue || batch.format == BatchFormat.eml.rawValue else {
                throw .refused("\(name) was written as \(batch.format) request bodies: the provider sends those, not policyc send")
            }
            batches[batch.id] = batch
        }
        // A claim outlives every attempt the worker may make on its message, and the ledger's writes.
        let attempts = Double(options.retries + 1)
        let delays = (0..<options.retries).reduce(0.0) { $0 + options.retryDelay.seconds * Double(1 << min($1, 10)) }
        let worker = try ledger.startWorker(lease: .seconds(options.timeout.seconds * attempts + delays + 10), shard: options.shard,
                                            includingUnknown: options.resendUnknown)
        try ledger.releaseDeadClaims(releaseID: release.id)
        let command = try MailCommand(command: options.command, timeout: options.timeout,
                                      folder: stagingFolder(ledger: ledger, outFolder: outFolder))
        defer {
            command.close()
            // The shared `.send` of PostgreSQL's workers, once the last has left it.
            if case .postgres = ledger.location { _ = rmdir(command.folder.deletingLastPathComponent().path) }
        }
        var report = DeliveryReport(release: name)
        var handled = 0
        var lastStart: ContinuousClock.Instant?
        var messages: (batchID: Int64, raw: [[UInt8]?]) = (0, [])
        var claimedLast: Int64 = 0
        deliver: while options.limit.map({ handled < $0 }) ?? true {
            var next = try ledger.claimNext(worker, releaseID: release.id, after: claimedLast)
            // Nothing after the last: once more from the start (a notice whose lease ran out).
            if next == nil && claimedLast > 0 { next = try ledger.claimNext(worker, releaseID: release.id) }
            guard let claim = next else {
                // Nothing to claim, but another worker holds notices: wait until it sent them, or its
                // lease ran out (it died) and they can be claimed.
                guard let leases = try ledger.othersLeases(worker, releaseID: release.id) else { break }
                Thread.sleep(forTimeInterval: min(0.5, max(0.05, Double(leases.until - leases.now) / 1000)))
                continue
            }
            let item = claim.pending
            claimedLast = item.id
            // A notify of another shard may have written batches since this run started.
            if batches[claim.batchID]?.state != "written" {
                for batch in try ledger.batches(releaseID: release.id) { batches[batch.id] = batch }
            }
            guard let batch = batches[claim.batchID] else { throw .delivery("\(item.messageID): its batch is not in the ledger") }
            if messages.batchID != batch.id { messages = (batch.id, try readBatch(batch, folder: outFolder)) }
            guard item.seq < messages.raw.count, let raw = messages.raw[item.seq] else {
                throw .delivery("\(batch.file): message \(item.seq + 1) (\(item.messageID)) is missing from the batch")
            }
            if claim.previous == .sending || claim.previous == .unknown { report.resent += 1 }
            // The CLI allows 0.001 to 1 000 000; a library caller's 0 means no limit, not a division by zero.
            if let rate = options.rate, rate > 0, let lastStart {
                let next = lastStart.advanced(by: .seconds(1 / rate))
                if next > .now { Thread.sleep(forTimeInterval: (next - .now).seconds) }
            }
            lastStart = .now
            handled += 1
            // LF line ends: what a local sendmail expects.
            let staged = try command.stage(localLineEnds(raw), name: String(item.id))
            defer { command.discard(staged) }
            CrashPoint.reach("send-sending", handled)
            var attempt = 0
            var attempts = [command.run(staged)]
            // Only a plain non-zero exit is retried: a missing command (127, 126) stays missing.
            while case .refused = attempts.last!.outcome, attempt < options.retries {
                Thread.sleep(forTimeInterval: options.retryDelay.seconds * Double(1 << min(attempt, 10)))
                attempt += 1
                attempts.append(command.run(staged))
            }
            let records = attempts.map(\.record)
            func failed(_ error: String, _ state: NoticeLedger.State) {
                if report.failures.count < 100 {
                    report.failures.append(DeliveryFailure(userID: item.userID, address: item.address, state: state.rawValue,
                                                           attempts: item.attempts + attempts.count, lastError: error))
                }
            }
            switch attempts.last!.outcome {
            case .accepted:
                CrashPoint.reach("send-delivered", handled)
                try ledger.markSent(item.id, retries: attempt, attempts: records)
                report.sent += 1
            case .refused(let error):
                try ledger.markFailed(item.id, retries: attempt, error: error, attempts: records)
                report.failed += 1
                failed(error, .failed)
            case .broken(let error):
                try ledger.markFailed(item.id, retries: attempt, error: error, attempts: records)
                report.failed += 1
                failed(error, .failed)
                // Every other message would fail the same way: say so now, not after a million tries.
                report.stopped = error
                break deliver
            case .unknown(let error):
                try ledger.markUnknown(item.id, retries: attempt, error: error, attempts: records)
                report.unknown += 1
                failed(error, .unknown)
            }
        }
        let counts = try ledger.counts(releaseID: release.id)
        report.totalSent = counts[.sent] ?? 0
        report.totalUnknown = counts[.unknown] ?? 0
        report.remaining = counts.filter { $0.key != .sent }.values.reduce(0, +)
        return report
    }

    /// Where a run stages its messages, in the project's notices folder, cleaned by the next run after
    /// a kill. SQLite: `.send` beside the ledger (one `send` at a time). PostgreSQL: several `send`s may
    /// share the folder, so each has its own, `.send/HOST-PID`, beside the batches' folder; a folder of
    /// this machine whose process is gone is a killed run's, and removed.
    static func stagingFolder(ledger: NoticeLedger, outFolder: URL) -> URL {
        if case .sqlite(let path) = ledger.location {
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(".send")
        }
        let parent = outFolder.deletingLastPathComponent().appendingPathComponent(".send")
        let prefix = NoticeLedger.host + "-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            if let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
            }
        }
        return parent.appendingPathComponent(prefix + String(getpid()))
    }

    /// The batch's messages by position, as written (CRLF), after checking the batch against the
    /// SHA-256 the ledger recorded for it.
    static func readBatch(_ batch: NoticeLedger.Batch, folder: URL) throws(NoticeError) -> [[UInt8]?] {
        let url = folder.appendingPathComponent(batch.file)
        if batch.format == BatchFormat.jsonl.rawValue {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw .unreadable(path: url.path, reason: "the batch file is missing")
            }
            try verify(Data(SHA256.hash(data: data)).hexString, batch, url)
            var messages: [[UInt8]?] = []
            let bytes = [UInt8](data)
            bytes.withUnsafeBufferPointer { buffer in
                for line in buffer.split(separator: 0x0A) {
                    let raw = JSONLine.string("raw", in: UnsafeBufferPointer(rebasing: line))
                    messages.append(raw.map { Array($0.utf8) })
                }
            }
            return messages
        }
        var hasher = SHA256()
        var messages: [[UInt8]?] = []
        for seq in 0..<batch.messages {
            let file = BatchWriter.emlName(seq: seq)
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(file).path) else {
                throw .unreadable(path: url.appendingPathComponent(file).path, reason: "the message file is missing")
            }
            hasher.update(data: Array(file.utf8) + [0])
            hasher.update(data: data)
            messages.append([UInt8](data))
        }
        try verify(Data(hasher.finalize()).hexString, batch, url)
        return messages
    }

    private static func verify(_ sha: String, _ batch: NoticeLedger.Batch, _ url: URL) throws(NoticeError) {
        guard sha == batch.sha256 else {
            throw .refused("\(url.path): the batch changed since it was written (SHA-256 \(sha.prefix(12))…, ledger \(batch.sha256?.prefix(12) ?? "none")…); nothing of it was sent")
        }
    }

    /// CRLF to LF. Only messages about to be sent are converted, and over a buffer, not an iterator:
    /// a debug build spent 40 ms a 100 KB message in the iterator, two thirds of a killed run.
    static func localLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { out, count in
                count = 0
                for index in 0..<source.count where !(source[index] == 0x0D && index + 1 < source.count && source[index + 1] == 0x0A) {
                    out[count] = source[index]
                    count += 1
                }
            }
        }
    }
}
