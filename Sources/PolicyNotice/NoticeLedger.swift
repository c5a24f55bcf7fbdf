import Foundation
import GRDB
import PolicyModel

/// The notice ledger, an SQLite file: every (release, User) with its message id, batch, state
/// (planned, written, sending, sent, failed), times and content hash. It is what makes a re-run
/// plan nobody twice, and what proves later who was told what, and when.
///
/// WAL with `synchronous=NORMAL`: a killed process loses no committed transaction; a power cut may
/// lose the last ones, which a re-run then plans or sends again (never skips).
public final class NoticeLedger {
    public let path: String
    let queue: DatabaseQueue

    public enum State: String, Sendable, CaseIterable, Codable {
        /// In a batch whose file is not written yet.
        case planned
        /// In a batch file a sender can pick up.
        case written
        /// Handed to the sendmail command, result not yet recorded: the at-least-once window.
        case sending
        case sent
        case failed
    }

    public init(path: String) throws(NoticeError) {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000")
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw .ledger(path: path, message: "\(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE release (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,          -- privacy-policy@v3
                    document TEXT NOT NULL,
                    version TEXT NOT NULL,
                    policy_sha256 TEXT NOT NULL,
                    effective_date TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE template (
                    release_id INTEGER NOT NULL REFERENCES release(id),
                    locale TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    text TEXT NOT NULL,
                    html TEXT NOT NULL,
                    PRIMARY KEY (release_id, locale)
                );
                CREATE TABLE batch (
                    id INTEGER PRIMARY KEY,
                    release_id INTEGER NOT NULL REFERENCES release(id),
                    number INTEGER NOT NULL,
                    format TEXT NOT NULL,
                    file TEXT NOT NULL,
                    messages INTEGER NOT NULL,
                    sha256 TEXT,
                    state TEXT NOT NULL,
                    planned_at TEXT NOT NULL,
                    written_at TEXT,
                    UNIQUE (release_id, number)
                );
                CREATE TABLE notice (
                    id INTEGER PRIMARY KEY,
                    release_id INTEGER NOT NULL REFERENCES release(id),
                    user_id TEXT NOT NULL,
                    address TEXT NOT NULL,
                    mailbox TEXT NOT NULL,
                    name TEXT NOT NULL,
                    locale TEXT NOT NULL,
                    export_line INTEGER NOT NULL,
                    message_id TEXT NOT NULL,
                    batch_id INTEGER NOT NULL REFERENCES batch(id),
                    seq INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    state TEXT NOT NULL,
                    planned_at TEXT NOT NULL,
                    written_at TEXT,
                    sent_at TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                );
                CREATE UNIQUE INDEX notice_user ON notice (release_id, user_id);
                CREATE UNIQUE INDEX notice_mailbox ON notice (release_id, mailbox);
                CREATE INDEX notice_batch ON notice (batch_id, seq);
                """)
        }
        return migrator
    }

    func run<T>(_ body: (Database) throws -> T) throws(NoticeError) -> T {
        do {
            return try queue.inDatabase(body)
        } catch let error as NoticeError {
            throw error
        } catch {
            throw .ledger(path: path, message: "\(error)")
        }
    }

    // MARK: Releases and templates

    public struct ReleaseInfo: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var document: String
        public var version: String
        public var policySHA256: String
        public var effectiveDate: String
    }

    public func release(named name: String) throws(NoticeError) -> ReleaseInfo? {
        try run { db in
            try Row.fetchOne(db, sql: "SELECT * FROM release WHERE name = ?", arguments: [name]).map(Self.releaseInfo)
        }
    }

    public func releases() throws(NoticeError) -> [ReleaseInfo] {
        try run { db in try Row.fetchAll(db, sql: "SELECT * FROM release ORDER BY id").map(Self.releaseInfo) }
    }

    private static func releaseInfo(_ row: Row) -> ReleaseInfo {
        ReleaseInfo(id: row["id"], name: row["name"], document: row["document"], version: row["version"],
                    policySHA256: row["policy_sha256"], effectiveDate: row["effective_date"])
    }

    func ensureRelease(name: String, document: String, version: String, policySHA256: String,
                       effectiveDate: String) throws(NoticeError) -> ReleaseInfo {
        if let existing = try release(named: name) {
            guard existing.policySHA256 == policySHA256 else {
                throw .refused("\(name): the ledger has notices for a different text of this version (SHA-256 \(existing.policySHA256.prefix(12))…, now \(policySHA256.prefix(12))…)")
            }
            return existing
        }
        try run { db in
            try db.execute(sql: """
                INSERT INTO release (name, document, version, policy_sha256, effective_date, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [name, document, version, policySHA256, effectiveDate, Timestamp.now()])
        }
        return try release(named: name)!
    }

    /// Records a locale's compiled templates; refuses when the release already used other ones, so
    /// every User of a release is told the same thing.
    func recordTemplate(releaseID: Int64, _ notice: CompiledNotice) throws(NoticeError) {
        try run { db in
            if let digest = try String.fetchOne(db, sql: "SELECT digest FROM template WHERE release_id = ? AND locale = ?",
                                                arguments: [releaseID, notice.locale]) {
                guard digest == notice.digest else {
                    throw NoticeError.refused("the email templates\(notice.locale.isEmpty ? "" : " for '\(notice.locale)'") changed after notices of this release were planned; restore them, or notify under a new release")
                }
                return
            }
            try db.execute(sql: "INSERT INTO template (release_id, locale, digest, subject, text, html) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [releaseID, notice.locale, notice.digest, CompiledNotice.describe(notice.subject),
                                       CompiledNotice.describe(notice.text), CompiledNotice.describe(notice.html)])
        }
    }

    // MARK: Batches

    public struct Batch: Sendable, Hashable, Codable {
        public var id: Int64
        public var number: Int
        public var format: String
        public var file: String
        public var messages: Int
        public var sha256: String?
        public var state: String
    }

    public func batches(releaseID: Int64) throws(NoticeError) -> [Batch] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT * FROM batch WHERE release_id = ? ORDER BY number", arguments: [releaseID]).map {
                Batch(id: $0["id"], number: $0["number"], format: $0["format"], file: $0["file"], messages: $0["messages"],
                      sha256: $0["sha256"], state: $0["state"])
            }
        }
    }

    /// A User planned into a batch.
    public struct Planned: Sendable, Hashable {
        public var recipient: Recipient
        public var messageID: String
        public var contentHash: String
        /// The template set the message is rendered from.
        public var locale: String
    }

    public enum Conflict: Sendable, Hashable {
        /// This User is in the ledger for this release already (an earlier run or export).
        case alreadyPlanned
        /// Another User with the same mailbox is: their notice covers this row.
        case sameMailbox(userID: String)
    }

    /// In one transaction: a new batch and its Users, each `planned`. A User already in the ledger, or
    /// whose mailbox is, is left out and returned with the reason. Returns the batch (nil if empty).
    func plan(releaseID: Int64, number: Int, format: String, file: String, candidates: [Planned],
              conflicts: inout [(Planned, Conflict)]) throws(NoticeError) -> (Batch, [Planned])? {
        var found: [(Planned, Conflict)] = []
        let result: (Batch, [Planned])? = try run { db in
            var accepted: [Planned] = []
            var batch: Batch?
            try db.inTransaction {
                let now = Timestamp.now()
                try db.execute(sql: """
                    INSERT INTO batch (release_id, number, format, file, messages, state, planned_at)
                    VALUES (?, ?, ?, ?, 0, 'planned', ?)
                    """, arguments: [releaseID, number, format, file, now])
                let batchID = db.lastInsertedRowID
                let insert = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO notice (release_id, user_id, address, mailbox, name, locale, export_line, message_id,
                                                  batch_id, seq, content_hash, state, planned_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?)
                    """)
                let owner = try db.cachedStatement(sql: "SELECT user_id FROM notice WHERE release_id = ? AND (user_id = ? OR mailbox = ?)")
                for candidate in candidates {
                    let recipient = candidate.recipient
                    insert.setUncheckedArguments([releaseID, recipient.id, recipient.email, recipient.mailboxKey, recipient.name,
                                                  candidate.locale, recipient.line, candidate.messageID, batchID, accepted.count,
                                                  candidate.contentHash, now])
                    try insert.execute()
                    if db.changesCount == 1 {
                        accepted.append(candidate)
                    } else {
                        let owners = try String.fetchAll(owner, arguments: [releaseID, recipient.id, recipient.mailboxKey])
                        found.append((candidate, owners.contains(recipient.id) ? .alreadyPlanned
                                      : .sameMailbox(userID: owners.first ?? "?")))
                    }
                }
                if accepted.isEmpty { return .rollback }
                try db.execute(sql: "UPDATE batch SET messages = ? WHERE id = ?", arguments: [accepted.count, batchID])
                batch = Batch(id: batchID, number: number, format: format, file: file, messages: accepted.count,
                              sha256: nil, state: "planned")
                return .commit
            }
            return batch.map { ($0, accepted) }
        }
        conflicts.append(contentsOf: found)
        return result
    }

    /// The batch's file is in place: it and its Users become `written`.
    func markWritten(batchID: Int64, sha256: String) throws(NoticeError) {
        try run { db in
            try db.inTransaction {
                let now = Timestamp.now()
                try db.execute(sql: "UPDATE batch SET state = 'written', sha256 = ?, written_at = ? WHERE id = ?",
                               arguments: [sha256, now, batchID])
                try db.execute(sql: "UPDATE notice SET state = 'written', written_at = ? WHERE batch_id = ? AND state = 'planned'",
                               arguments: [now, batchID])
                return .commit
            }
        }
    }

    /// The Users of a batch, in order, as they were planned.
    func planned(batchID: Int64) throws(NoticeError) -> [Planned] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notice WHERE batch_id = ? ORDER BY seq", arguments: [batchID]).map { row in
                Planned(recipient: Recipient(line: row["export_line"], id: row["user_id"], email: row["address"], name: row["name"],
                                             locale: row["locale"]),
                        messageID: row["message_id"], contentHash: row["content_hash"], locale: row["locale"])
            }
        }
    }

    // MARK: Delivery

    public struct Pending: Sendable, Hashable {
        public var userID: String
        public var address: String
        public var messageID: String
        public var seq: Int
        public var state: State
        public var attempts: Int
    }

    /// The Users of a batch not yet recorded as sent.
    func unsent(batchID: Int64) throws(NoticeError) -> [Pending] {
        try run { db in
            try Row.fetchAll(db, sql: """
                SELECT user_id, address, message_id, seq, state, attempts FROM notice
                WHERE batch_id = ? AND state IN ('written', 'sending', 'failed') ORDER BY seq
                """, arguments: [batchID]).map { row in
                Pending(userID: row["user_id"], address: row["address"], messageID: row["message_id"], seq: row["seq"],
                        state: State(rawValue: row["state"]) ?? .written, attempts: row["attempts"])
            }
        }
    }

    func markSending(releaseID: Int64, userID: String) throws(NoticeError) {
        try run { db in
            try db.execute(sql: "UPDATE notice SET state = 'sending', attempts = attempts + 1 WHERE release_id = ? AND user_id = ?",
                           arguments: [releaseID, userID])
        }
    }

    func markSent(releaseID: Int64, userID: String) throws(NoticeError) {
        try run { db in
            try db.execute(sql: "UPDATE notice SET state = 'sent', sent_at = ?, last_error = NULL WHERE release_id = ? AND user_id = ?",
                           arguments: [Timestamp.now(), releaseID, userID])
        }
    }

    func markFailed(releaseID: Int64, userID: String, error: String) throws(NoticeError) {
        try run { db in
            try db.execute(sql: "UPDATE notice SET state = 'failed', last_error = ? WHERE release_id = ? AND user_id = ?",
                           arguments: [String(error.prefix(500)), releaseID, userID])
        }
    }

    // MARK: Reports

    /// Notices by state.
    public func counts(releaseID: Int64) throws(NoticeError) -> [State: Int] {
        try run { db in
            var counts: [State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM notice WHERE release_id = ? GROUP BY state",
                                        arguments: [releaseID]) {
                if let state = State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// One line of the proof of notice.
    public struct ProofRow: Sendable, Hashable, Codable {
        public var userID: String
        public var address: String
        public var messageID: String
        public var contentHash: String
        public var batch: Int
        public var state: String
        public var plannedAt: String
        public var writtenAt: String?
        public var sentAt: String?
        public var attempts: Int
    }

    /// Every notice of a release, in batch order, one at a time.
    public func forEachProofRow(releaseID: Int64, _ body: (ProofRow) throws -> Void) throws(NoticeError) {
        try run { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT n.user_id, n.address, n.message_id, n.content_hash, b.number, n.state, n.planned_at, n.written_at,
                       n.sent_at, n.attempts
                FROM notice n JOIN batch b ON b.id = n.batch_id
                WHERE n.release_id = ? ORDER BY b.number, n.seq
                """, arguments: [releaseID])
            while let row = try rows.next() {
                try body(ProofRow(userID: row[0], address: row[1], messageID: row[2], contentHash: row[3], batch: row[4],
                                  state: row[5], plannedAt: row[6], writtenAt: row[7], sentAt: row[8], attempts: row[9]))
            }
        }
    }
}

/// UTC timestamps as the ledger keeps them: `2026-11-29T10:15:00Z`.
enum Timestamp {
    static func now() -> String { format(secondsSince1970: Int(Date().timeIntervalSince1970)) }

    static func format(secondsSince1970 seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CalendarDate(daysSinceEpoch: days))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }
}
