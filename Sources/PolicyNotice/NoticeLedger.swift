import Foundation
import GRDB
import PolicyModel

/// The notice ledger, an SQLite file or a PostgreSQL database (LedgerLocation): every (release, User) with its message id, batch, state
/// (planned, written, sending, sent, failed, unknown), times and content hash. Until delivery starts, a
/// notice's state and times are its batch's (`notice.state` is NULL): marking a batch written is one
/// row, not a thousand. It is what makes a re-run
/// plan nobody twice, and what proves later who was told what, and when.
///
/// SQLite: WAL with `synchronous=NORMAL`: a killed process loses no committed transaction; a power cut
/// may lose the last ones, which a re-run then plans or sends again (never skips). PostgreSQL: every
/// commit is durable on the server; the operations and their SQL are the same (LedgerConnection).
public final class NoticeLedger: Sendable {
    /// What errors show: the SQLite file's path, or the PostgreSQL URL without its password.
    public let path: String
    public let location: LedgerLocation
    /// The project the ledger's paths are relative to: a project copied or restored elsewhere still
    /// finds its batches. nil: paths are taken as they are (a library caller without a project).
    public let projectRoot: String?
    let store: Store

    enum Store: Sendable {
        case sqlite(DatabaseQueue)
        case postgres(PostgresLedgerConnection)
    }

    public enum State: String, Sendable, CaseIterable, Codable {
        /// In a batch whose file is not written yet.
        case planned
        /// In a batch file a sender can pick up.
        case written
        /// Handed to the sendmail command, result not yet recorded: the at-least-once window.
        case sending
        case sent
        /// The command exited non-zero: the MTA did not take the message; a later run tries again.
        case failed
        /// The command was stopped at the timeout or ended by a signal: the MTA may have delivered
        /// the message. Not sent again unless the operator asks (`send --resend-unknown`).
        case unknown
    }

    /// `migrate: false` reads a ledger as its schema is (status and proof): a ledger that cannot be
    /// migrated, because it holds a notice twice, can still be read, and its duplicates shown.
    public convenience init(path: String, migrate: Bool = true, projectRoot: URL? = nil) throws(NoticeError) {
        try self.init(location: LedgerLocation(path), migrate: migrate, projectRoot: projectRoot)
    }

    public init(location: LedgerLocation, migrate: Bool = true, projectRoot: URL? = nil) throws(NoticeError) {
        self.location = location
        self.path = location.description
        self.projectRoot = projectRoot.map { $0.standardizedFileURL.path }
        switch location {
        case .postgres(let url):
            let connection = try PostgresLedgerConnection(url: url)
            store = .postgres(connection)
            if migrate { try migratePostgres() }
        case .sqlite(let path):
            let queue = try Self.openSQLite(path: path)
            store = .sqlite(queue)
            guard migrate else { return }
            do {
                try Self.migrator(projectRoot: self.projectRoot).migrate(queue)
            } catch {
                throw .ledger(path: path, message: "cannot bring the ledger up to date (\(error)); if it names a UNIQUE constraint, the ledger holds a notice twice: `policyc notices proof` lists them")
            }
        }
    }

    /// Brings a PostgreSQL ledger up to date (`policyc notices migrate`; notify and send do it too).
    /// Returns its schema version.
    @discardableResult
    public func migratePostgres() throws(NoticeError) -> Int {
        guard case .postgres(let connection) = store else { return 0 }
        do {
            return try connection.locked { try Self.migratePostgres(connection) }
        } catch let error as NoticeError {
            throw error
        } catch {
            throw .ledger(path: path, message: "cannot bring the ledger up to date (\(error))")
        }
    }

    /// The schema version the ledger is at: 4 for SQLite's v4 and PostgreSQL's 4; 0 for a database
    /// that holds no ledger yet.
    public func schemaVersion() throws(NoticeError) -> Int {
        try run { db in
            if db is PostgresLedgerConnection {
                guard try db.tableExists("ledger_schema") else { return 0 }
                return try db.value(Int.self, sql: "SELECT MAX(version) FROM ledger_schema") ?? 0
            }
            guard try db.tableExists("grdb_migrations") else { return try db.tableExists("release") ? 1 : 0 }
            return try db.value(Int.self, sql: "SELECT MAX(CAST(substr(identifier, 2) AS INTEGER)) FROM grdb_migrations") ?? 0
        }
    }

    private static func openSQLite(path: String) throws(NoticeError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // 16 KB pages (set before the first table, so before WAL): fewer, larger writes. Notices are
            // appended in rowid order, so a small page cache does.
            try db.execute(sql: """
                PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 4096
                """)
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .ledger(path: path, message: "\(error)")
        }
    }

    /// A notice's columns after its id, as v1 made them and v2 keeps them (v2 adds its release).
    private static let noticeColumns = """
        user_id TEXT NOT NULL,
        user_key INTEGER NOT NULL,          -- 64 bits of SHA-256(release, user id)
        address TEXT NOT NULL,
        mailbox_key INTEGER NOT NULL,       -- 64 bits of SHA-256(release, mailbox)
        name TEXT NOT NULL,
        locale TEXT NOT NULL,
        export_line INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES batch(id),
        content_hash TEXT NOT NULL,
        state TEXT,                         -- NULL: the batch's state
        sent_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
        """

    /// The first schema, as ledgers written before v2 have it.
    static let schemaV1 = """
        CREATE TABLE release (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,          -- privacy-policy@v3
            document TEXT NOT NULL,
            version TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            effective_date TEXT NOT NULL,
            created_at TEXT NOT NULL,
            folder TEXT                         -- where its batch files are
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
            bytes INTEGER,
            state TEXT NOT NULL,
            planned_at TEXT NOT NULL,
            written_at TEXT,
            first_notice INTEGER,               -- its notices are rows first_notice...last_notice
            last_notice INTEGER,
            UNIQUE (release_id, number)
        );
        CREATE TABLE notice (                   -- its release is its batch's
            id INTEGER PRIMARY KEY,
            \(noticeColumns)
        );
        -- No index on the keys: notify keeps them in memory (NoticeIndex) while it holds the
        -- ledger lock. (v2 adds the two unique indexes that make the database refuse a
        -- duplicate; notify still uses the memory index to find and report conflicts.)
        -- No index on batch_id: a batch's notices are inserted together, a range of rowids.
        -- Rows of an export covered by another User's notice: the same mailbox, or the same
        -- user id twice. The proof of notice lists them with the notice that covers them.
        CREATE TABLE merged (
            id INTEGER PRIMARY KEY,
            release_id INTEGER NOT NULL REFERENCES release(id),
            user_id TEXT NOT NULL,
            address TEXT NOT NULL,
            export_line INTEGER NOT NULL,
            covered_by INTEGER NOT NULL REFERENCES notice(id),
            reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX merged_user ON merged (release_id, user_id, address);
        CREATE VIEW notice_state AS
            SELECT n.*, b.release_id, b.number AS batch, n.id - b.first_notice AS seq,
                   COALESCE(n.state, b.state) AS effective_state, b.planned_at, b.written_at
            FROM notice n JOIN batch b ON b.id = n.batch_id;
"""

    static func migrator(projectRoot: String?) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: schemaV1) }
        // One notice per User, and per Message-ID, of a release, refused by the database itself: a bug,
        // a second process without the lock, or a hand edit cannot add a second one. The notice gets its
        // release (it was only its batch's). (release_id, user_id) is cheap when the export comes in id
        // order, as exports do: +1.3 s at a million Users. For the Message-ID, the unique index is on
        // its first 64 bits, which are user_key (the CHECK ties the two, so the constraint is real): an
        // integer index, several times cheaper than one on the 60-byte text, yet most of the 13 s the
        // constraints add to a million-User run (27 s). A stricter rule than needed: two Users of one
        // release whose Message-IDs share 64 bits (odds 1 in 37 million at a million Users) stop notify,
        // loudly; none is lost.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                DROP VIEW notice_state;
                CREATE TABLE notice_v2 (
                    id INTEGER PRIMARY KEY,
                    release_id INTEGER NOT NULL REFERENCES release(id),
                    \(noticeColumns),
                    CHECK (substr(message_id, 2, 16) = printf('%016x', user_key))
                );
                INSERT INTO notice_v2
                    SELECT n.id, b.release_id, n.user_id, n.user_key, n.address, n.mailbox_key, n.name, n.locale,
                           n.export_line, n.message_id, n.batch_id, n.content_hash, n.state, n.sent_at, n.attempts,
                           n.last_error
                    FROM notice n LEFT JOIN batch b ON b.id = n.batch_id ORDER BY n.id;
                DROP TABLE notice;
                ALTER TABLE notice_v2 RENAME TO notice;
                CREATE UNIQUE INDEX notice_user ON notice (release_id, user_id);
                CREATE UNIQUE INDEX notice_message ON notice (release_id, user_key);
                CREATE VIEW notice_state AS
                    SELECT n.*, b.number AS batch, n.id - b.first_notice AS seq,
                           COALESCE(n.state, b.state) AS effective_state, b.planned_at, b.written_at
                    FROM notice n JOIN batch b ON b.id = n.batch_id;
                """)
        }
        // Plans, runs and their rejects, delivery attempts, and folders relative to the project.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: schemaV3)
            if let projectRoot { try relativizeFolders(SQLiteLedgerConnection(db), projectRoot: projectRoot) }
        }
        // Shards and claims (several machines, in PostgreSQL), and states that only move forward.
        migrator.registerMigration("v4") { db in try db.execute(sql: schemaV4SQLite) }
        return migrator
    }

    func run<T>(_ body: (any LedgerConnection) throws -> T) throws(NoticeError) -> T {
        do {
            switch store {
            case .sqlite(let queue): return try queue.inDatabase { db in try body(SQLiteLedgerConnection(db)) }
            case .postgres(let connection): return try connection.locked { try body(connection) }
            }
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
        /// The folder of its batch files, relative to the project when inside it, once notify has run.
        public var folder: String?
    }

    public func release(named name: String) throws(NoticeError) -> ReleaseInfo? {
        try run { db in
            try db.row(sql: "SELECT * FROM release WHERE name = ?", arguments: [name]).map(Self.releaseInfo)
        }
    }

    public func releases() throws(NoticeError) -> [ReleaseInfo] {
        try run { db in try db.rows(sql: "SELECT * FROM release ORDER BY id").map(Self.releaseInfo) }
    }

    private static func releaseInfo(_ row: LedgerRow) -> ReleaseInfo {
        ReleaseInfo(id: row["id"], name: row["name"], document: row["document"], version: row["version"],
                    policySHA256: row["policy_sha256"], effectiveDate: row["effective_date"], folder: row["folder"])
    }

    func ensureRelease(name: String, document: String, version: String, policySHA256: String,
                       effectiveDate: String) throws(NoticeError) -> ReleaseInfo {
        if let existing = try release(named: name) {
            guard existing.policySHA256 == policySHA256 else {
                throw .refused("\(name): the ledger has notices for a different text of this version (SHA-256 \(existing.policySHA256.prefix(12))…, now \(policySHA256.prefix(12))…)")
            }
            return existing
        }
        // Another machine's shard may insert it at the same moment: the first one stands, and is checked.
        try run { db in
            try db.execute(sql: """
                INSERT INTO release (name, document, version, policy_sha256, effective_date, created_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [name, document, version, policySHA256, effectiveDate, Timestamp.now()])
        }
        return try ensureRelease(name: name, document: document, version: version, policySHA256: policySHA256,
                                 effectiveDate: effectiveDate)
    }

    /// Ties the release's batches to one folder: a second run must write beside the first, or the
    /// manifest would list batches that are not there.
    func claimFolder(releaseID: Int64, _ url: URL) throws(NoticeError) {
        let folder = recordedPath(url)
        try run { db in
            let current = try db.value(String.self, sql: "SELECT folder FROM release WHERE id = ?", arguments: [releaseID])
            let batches = try db.value(Int.self, sql: "SELECT COUNT(*) FROM batch WHERE release_id = ?", arguments: [releaseID]) ?? 0
            // A folder recorded absolute by an older policyc is the same folder as its relative form.
            if let current, current != folder, resolvedPath(current).path != url.standardizedFileURL.path, batches > 0 {
                throw NoticeError.refused("this release's batches are in \(current); notify it again with --out \(current), or without --out if that is the default")
            }
            try db.execute(sql: "UPDATE release SET folder = ? WHERE id = ?", arguments: [folder, releaseID])
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
        public var bytes: Int?
        public var state: String
        /// The `--shard` it was planned for (`2/4`); nil: planned for the whole user base.
        public var shard: String? = nil
    }

    /// A batch whose file is in place.
    struct Written: Sendable {
        var id: Int64
        var sha256: String
        var bytes: Int
    }

    public func batches(releaseID: Int64) throws(NoticeError) -> [Batch] {
        try run { db in
            try db.rows(sql: "SELECT * FROM batch WHERE release_id = ? ORDER BY number", arguments: [releaseID]).map {
                // A ledger read as it is (status, proof) may predate shards (schema 3).
                Batch(id: $0["id"], number: $0["number"], format: $0["format"], file: $0["file"], messages: $0["messages"],
                      sha256: $0["sha256"], bytes: $0["bytes"], state: $0["state"],
                      shard: $0.names.contains("shard") ? $0["shard"] : nil)
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
        /// 64-bit keys of the (release, User) pair and of the mailbox.
        public var userKey: Int64
        public var mailboxKey: Int64
    }

    public enum Conflict: Sendable, Hashable {
        /// This User is in the ledger for this release already, planned from `line` into `batch`, at
        /// `address`; `row` is that notice.
        case alreadyPlanned(batch: Int, line: Int, address: String, row: Int64)
        /// Another User with the same mailbox is: their notice (`row`) covers this row.
        case sameMailbox(userID: String, row: Int64)
    }

    /// Records rows covered by another User's notice (see the `merged` table); a row recorded
    /// before (a re-run of the same export) is not recorded twice.
    func recordMerged(releaseID: Int64, runID: Int64? = nil,
                      _ rows: [(recipient: Recipient, coveredBy: Int64, reason: String)]) throws(NoticeError) {
        guard !rows.isEmpty else { return }
        try run { db in
            try db.transaction {
                if let runID {
                    try Self.recordIssues(rows.map { RecipientIssue(line: $0.recipient.line, id: $0.recipient.id, reason: $0.reason,
                                                                   action: .merged) }, runID: runID, db)
                }
                let insert = """
                    INSERT INTO merged (release_id, user_id, address, export_line, covered_by, reason, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """
                let now = Timestamp.now()
                for row in rows {
                    try db.execute(sql: insert, arguments: [releaseID, row.recipient.id, row.recipient.email, row.recipient.line,
                                                   row.coveredBy, row.reason, now])
                }
            }
        }
    }

    /// The rows of a release, in its in-memory index: where a re-run starts from. `seenThrough`: the
    /// highest notice row (of any release) the index has taken into account; rows above it are read in
    /// by the next `plan` (another machine's shard planned meanwhile).
    typealias ReleaseIndex = (users: NoticeIndex, mailboxes: NoticeIndex, seenThrough: Int64)

    func index(releaseID: Int64) throws(NoticeError) -> ReleaseIndex {
        try run { db in
            let count = try db.value(Int.self, sql: "SELECT COALESCE(SUM(messages), 0) FROM batch WHERE release_id = ?",
                                         arguments: [releaseID]) ?? 0
            // Read first: a row committed after it is above it, and read in by the next plan.
            let seenThrough = try db.value(Int64.self, sql: "SELECT COALESCE(MAX(id), 0) FROM notice") ?? 0
            var users = NoticeIndex(capacity: max(count, 1 << 12))
            var mailboxes = NoticeIndex(capacity: max(count, 1 << 12))
            try db.forEachRow(sql: """
                SELECT n.id, n.user_key, n.mailbox_key FROM batch b
                JOIN notice n ON n.id BETWEEN b.first_notice AND b.last_notice AND n.batch_id = b.id
                WHERE b.release_id = ? AND n.id <= ? ORDER BY n.id
                """, arguments: [releaseID, seenThrough]) { row in
                users.insert(row[1], row: row[0])
                mailboxes.insert(row[2], row: row[0])
            }
            return (users, mailboxes, seenThrough)
        }
    }

    /// In one transaction: new batches of at most `batchSize` Users each, numbered after the release's
    /// last, every User `planned`. A User already in the ledger, or whose mailbox is, is left out and
    /// returned with the reason. Several batches a transaction: fewer commits. `written`: batches
    /// whose files are in place since the last call, recorded in the same transaction.
    /// `distinctAddresses`: no two addresses in one batch that differ only in case (SendGrid refuses a
    /// request that names an address twice, and Mailgun keys its variables by address). `shard`: the
    /// `--shard` the batches are planned for, recorded with them.
    ///
    /// Several machines may plan one release at once (`notify --shard`, PostgreSQL): their planning
    /// transactions take turns on a transaction lock, so each numbers its batches after every batch
    /// committed before it, gives its notices the rows after every row committed before it (a batch's
    /// notices are consecutive rows: a notice's place in its batch file is its row less the batch's
    /// first), and first reads into `index` the rows the others added.
    func plan(releaseID: Int64, batchSize: Int, format: String, fileName: (Int) -> String,
              distinctAddresses: Bool = false, dedupe: MailboxRule = .mailbox, shard: NoticeShard? = nil, candidates: [Planned],
              issues: [RecipientIssue] = [], runID: Int64? = nil, written: [Written],
              index: inout ReleaseIndex,
              conflicts: inout [(Planned, Conflict)]) throws(NoticeError) -> [(Batch, [Planned])] {
        var found: [(Planned, Conflict)] = []
        let result: [(Batch, [Planned])] = try run { db in
            var batches: [(Batch, [Planned])] = []
            try db.transaction {
                try Self.takePlanningTurn(db)
                try Self.markWritten(written, db)
                if let runID { try Self.recordIssues(issues, runID: runID, db) }
                try db.forEachRow(sql: "SELECT id, user_key, mailbox_key FROM notice WHERE id > ? AND release_id = ? ORDER BY id",
                                  arguments: [index.seenThrough, releaseID]) { row in
                    index.users.insert(row[1], row: row[0])
                    index.mailboxes.insert(row[2], row: row[0])
                }
                let firstNumber = (try db.value(Int.self, sql: "SELECT MAX(number) FROM batch WHERE release_id = ?",
                                                arguments: [releaseID]) ?? 0) + 1
                let firstID = (try db.value(Int64.self, sql: "SELECT MAX(id) FROM notice") ?? 0) + 1
                index.seenThrough = firstID - 1
                var nextID = firstID
                let now = Timestamp.now()
                let newBatch = """
                    INSERT INTO batch (release_id, number, format, file, messages, state, planned_at, shard, host)
                    VALUES (?, ?, ?, ?, 0, 'planned', ?, ?, ?)
                    """
                let byRow = """
                    SELECT n.user_id, n.address, n.export_line, b.number FROM notice n JOIN batch b ON b.id = n.batch_id
                    WHERE n.id = ?
                    """
                // Notices go in by many rows a statement: one round trip per row to a database server
                // would cost more than everything else notify does.
                var pending = NoticeRows(rowsAStatement: db is PostgresLedgerConnection ? 256 : 1)
                var owners: [Int64: LedgerRow] = [:]
                func owner(_ row: Int64) throws -> LedgerRow {
                    if let known = owners[row] { return known }
                    if row >= pending.firstID { try pending.flush(db) }
                    let fetched = try db.row(sql: byRow, arguments: [row])!
                    owners[row] = fetched
                    return fetched
                }
                var batchID: Int64 = 0
                var accepted: [Planned] = []
                var firstRow: Int64 = 0
                var lastRow: Int64 = 0
                var addresses: Set<String> = []
                func close() throws {
                    addresses.removeAll(keepingCapacity: true)
                    guard !accepted.isEmpty else { return }
                    try db.execute(sql: "UPDATE batch SET messages = ?, first_notice = ?, last_notice = ? WHERE id = ?",
                                   arguments: [accepted.count, firstRow, lastRow, batchID])
                    let number = firstNumber + batches.count
                    batches.append((Batch(id: batchID, number: number, format: format, file: fileName(number),
                                          messages: accepted.count, sha256: nil, bytes: nil, state: "planned",
                                          shard: shard?.description), accepted))
                    accepted = []
                    batchID = 0
                }
                for candidate in candidates {
                    let recipient = candidate.recipient
                    owners.removeAll(keepingCapacity: true)
                    // A key match is checked against the stored row: equal keys of different texts are no match.
                    if let row = try index.users.first(candidate.userKey, where: { try owner($0)["user_id"] == recipient.id }) {
                        let existing = try owner(row)
                        found.append((candidate, .alreadyPlanned(batch: existing["number"], line: existing["export_line"],
                                                                 address: existing["address"], row: row)))
                        continue
                    }
                    if let row = try index.mailboxes.first(candidate.mailboxKey, where: {
                        EmailAddress.mailboxKey(try owner($0)["address"], dedupe) == recipient.mailbox
                    }) {
                        found.append((candidate, .sameMailbox(userID: try owner(row)["user_id"], row: row)))
                        continue
                    }
                    if distinctAddresses {
                        let address = recipient.email.lowercased()
                        if addresses.contains(address) { try close() }
                        addresses.insert(address)
                    }
                    if batchID == 0 {
                        let number = firstNumber + batches.count
                        batchID = try db.insert(sql: newBatch, arguments: [releaseID, number, format, fileName(number), now,
                                                                          shard?.description, Self.host])
                    }
                    let row = nextID
                    nextID += 1
                    try pending.append(db, id: row, [
                        releaseID, recipient.id, candidate.userKey, recipient.email, candidate.mailboxKey, recipient.name,
                        candidate.locale, recipient.line, candidate.messageID, batchID, candidate.contentHash, recipient.locale,
                    ])
                    lastRow = row
                    index.users.insert(candidate.userKey, row: row)
                    index.mailboxes.insert(candidate.mailboxKey, row: row)
                    if accepted.isEmpty { firstRow = row }
                    accepted.append(candidate)
                    if accepted.count == batchSize { try close() }
                }
                try close()
                try pending.flush(db)
                if nextID > firstID {
                    index.seenThrough = nextID - 1
                    // Rows were numbered here, not by the table's identity: it must not hand out theirs.
                    if db is PostgresLedgerConnection {
                        try db.execute(sql: "SELECT setval(pg_get_serial_sequence('notice', 'id'), ?)", arguments: [nextID - 1])
                    }
                }
            }
            return batches
        }
        conflicts.append(contentsOf: found)
        return result
    }

    /// Notices waiting to be inserted, as one multi-row statement.
    private struct NoticeRows {
        static let columns = """
            INSERT INTO notice (id, release_id, user_id, user_key, address, mailbox_key, name, locale, export_line,
                                message_id, batch_id, content_hash, requested_locale) VALUES
            """
        /// 13 parameters a row: well under libpq's 65 535. SQLite takes one row a statement: it has no
        /// round trip to save, and its statement cache would keep a large statement of every length.
        let rowsAStatement: Int
        var values: [LedgerValue] = []
        var count = 0
        /// The first row waiting; `Int64.max` when none is.
        var firstID = Int64.max

        mutating func append(_ db: any LedgerConnection, id: Int64, _ row: LedgerArguments) throws {
            if count == 0 { firstID = id }
            values.append(.integer(id))
            values.append(contentsOf: row.values)
            count += 1
            if count == rowsAStatement { try flush(db) }
        }

        mutating func flush(_ db: any LedgerConnection) throws {
            guard count > 0 else { return }
            let row = "(" + Array(repeating: "?", count: 13).joined(separator: ", ") + ")"
            try db.execute(sql: Self.columns + Array(repeating: row, count: count).joined(separator: ", "),
                           arguments: LedgerArguments(values))
            values.removeAll(keepingCapacity: true)
            count = 0
            firstID = .max
        }
    }

    /// The batches' files are in place: they (and so their Users) become `written`.
    func markWritten(_ batches: [Written]) throws(NoticeError) {
        guard !batches.isEmpty else { return }
        try run { db in
            try db.transaction {
                try Self.markWritten(batches, db)
            }
        }
    }

    private static func markWritten(_ batches: [Written], _ db: any LedgerConnection) throws {
        let update = "UPDATE batch SET state = 'written', sha256 = ?, bytes = ?, written_at = ? WHERE id = ?"
        let now = Timestamp.now()
        for batch in batches { try db.execute(sql: update, arguments: [batch.sha256, batch.bytes, now, batch.id]) }
    }

    /// The Users of a batch, in order, as they were planned.
    func planned(batchID: Int64) throws(NoticeError) -> [Planned] {
        try run { db in
            try db.rows(sql: """
                SELECT n.* FROM batch b JOIN notice n ON n.id BETWEEN b.first_notice AND b.last_notice AND n.batch_id = b.id
                WHERE b.id = ? ORDER BY n.id
                """, arguments: [batchID]).map { row in
                Planned(recipient: Recipient(line: row["export_line"], id: row["user_id"], email: row["address"], name: row["name"],
                                             locale: row["locale"]),
                        messageID: row["message_id"], contentHash: row["content_hash"], locale: row["locale"],
                        userKey: row["user_key"], mailboxKey: row["mailbox_key"])
            }
        }
    }

    // MARK: Delivery

    /// A notice `send` still has to deliver.
    public struct Pending: Sendable, Hashable {
        /// The ledger row.
        public var id: Int64
        public var messageID: String
        /// Its place in the batch file.
        public var seq: Int
        public var state: State
        public var userID: String
        public var address: String
        /// Runs of the command recorded before this one.
        public var attempts: Int
    }

    /// `retries`: further runs of the command after the first, counted in `attempts`. `attempts`: every
    /// run of the command for this message in this call, recorded in the same transaction.
    func markSent(_ id: Int64, retries: Int, attempts: [AttemptRecord] = []) throws(NoticeError) {
        try run { db in
            try db.transaction {
                try Self.recordAttempts(attempts, noticeID: id, db)
                try db.execute(sql: "UPDATE notice SET state = 'sent', sent_at = ?, last_error = NULL, attempts = attempts + ?, lease_until = NULL WHERE id = ?",
                               arguments: [Timestamp.now(), retries, id])
            }
        }
    }

    func markFailed(_ id: Int64, retries: Int, error: String, attempts: [AttemptRecord] = []) throws(NoticeError) {
        try markUnsent(id, .failed, retries: retries, error: error, attempts: attempts)
    }

    func markUnknown(_ id: Int64, retries: Int, error: String, attempts: [AttemptRecord] = []) throws(NoticeError) {
        try markUnsent(id, .unknown, retries: retries, error: error, attempts: attempts)
    }

    private func markUnsent(_ id: Int64, _ state: State, retries: Int, error: String, attempts: [AttemptRecord]) throws(NoticeError) {
        try run { db in
            try db.transaction {
                try Self.recordAttempts(attempts, noticeID: id, db)
                // Settled now: not tried again by a worker that started before this moment (LedgerClaims).
                try db.execute(sql: "UPDATE notice SET state = ?, last_error = ?, attempts = attempts + ?, lease_until = \(Self.nowMilliseconds(db)) WHERE id = ?",
                               arguments: [state.rawValue, String(error.prefix(1000)), retries, id])
            }
        }
    }

    // MARK: Reports

    /// Notices by state.
    public func counts(releaseID: Int64) throws(NoticeError) -> [State: Int] {
        try run { db in
            var counts: [State: Int] = [:]
            for row in try db.rows(sql: """
                SELECT COALESCE(n.state, b.state) AS state, COUNT(*) AS n
                FROM batch b JOIN notice n ON n.id BETWEEN b.first_notice AND b.last_notice AND n.batch_id = b.id
                WHERE b.release_id = ? GROUP BY 1
                """,
                                        arguments: [releaseID]) {
                if let state = State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Rows covered by another User's notice.
    public func mergedCount(releaseID: Int64) throws(NoticeError) -> Int {
        try run { db in try db.value(Int.self, sql: "SELECT COUNT(*) FROM merged WHERE release_id = ?", arguments: [releaseID]) ?? 0 }
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
        /// For a `merged` row: the user whose notice covers it (the other fields are that notice's).
        public var coveredBy: String?
        /// What the send command said last, for a notice not delivered (failed, unknown).
        public var lastError: String?
        /// Why a `merged` row got no notice of its own.
        public var reason: String?
        /// The `--shard` its batch was planned for (nil: the whole user base), and the machine that
        /// handed it to the MTA (nil: none has claimed it yet).
        public var shard: String?
        public var host: String?
    }

    /// A user id or Message-ID held by more than one notice of a release.
    public struct Duplicate: Sendable, Hashable, Codable {
        /// `user_id` or `message_id`.
        public var column: String
        public var value: String
        public var notices: Int
    }

    /// Every user id and Message-ID that more than one notice of the release holds. None in a ledger
    /// the v2 constraints hold; a ledger that could not take them (`migrate: false`) may show some.
    /// Notices are found by their batch, whatever rowid range they are in.
    public func duplicates(releaseID: Int64) throws(NoticeError) -> [Duplicate] {
        try run { db in
            try db.rows(sql: """
                WITH release_notice AS (SELECT user_id, message_id FROM notice
                                        WHERE batch_id IN (SELECT id FROM batch WHERE release_id = ?))
                SELECT 'user_id', user_id, COUNT(*) FROM release_notice GROUP BY user_id HAVING COUNT(*) > 1
                UNION ALL
                SELECT 'message_id', message_id, COUNT(*) FROM release_notice GROUP BY message_id HAVING COUNT(*) > 1
                """, arguments: [releaseID]).map { Duplicate(column: $0[0], value: $0[1], notices: $0[2]) }
        }
    }

    /// Every notice of a release, in batch order, one at a time. Queries go through the release's
    /// batches and their rowid ranges: a ledger of many releases is not scanned whole.
    public func forEachProofRow(releaseID: Int64, _ body: (ProofRow) throws -> Void) throws(NoticeError) {
        // A ledger read as it is may predate shards and claims (schema 3).
        let sharded = try schemaVersion() >= 4
        try run { db in
            try db.forEachRow(sql: """
                SELECT n.user_id, n.address, n.message_id, n.content_hash, b.number, COALESCE(n.state, b.state), b.planned_at,
                       b.written_at, n.sent_at, n.attempts, n.last_error, \(sharded ? "b.shard, n.claimed_by" : "NULL, NULL")
                FROM batch b JOIN notice n ON n.id BETWEEN b.first_notice AND b.last_notice AND n.batch_id = b.id
                WHERE b.release_id = ? ORDER BY n.id
                """, arguments: [releaseID]) { row in
                try body(ProofRow(userID: row[0], address: row[1], messageID: row[2], contentHash: row[3], batch: row[4],
                                  state: row[5], plannedAt: row[6], writtenAt: row[7], sentAt: row[8], attempts: row[9],
                                  lastError: row[10], shard: row[11],
                                  host: (row[12] as String?).map { String($0.prefix { $0 != "/" }) }))
            }
            try db.forEachRow(sql: """
                SELECT m.user_id, m.address, n.message_id, n.content_hash, n.batch, n.planned_at, n.written_at, n.sent_at,
                       n.user_id AS covered_by, m.reason
                FROM merged m JOIN notice_state n ON n.id = m.covered_by
                WHERE m.release_id = ? ORDER BY m.export_line
                """, arguments: [releaseID]) { row in
                try body(ProofRow(userID: row[0], address: row[1], messageID: row[2], contentHash: row[3], batch: row[4],
                                  state: "merged", plannedAt: row[5], writtenAt: row[6], sentAt: row[7], attempts: 0,
                                  coveredBy: row[8], reason: row[9]))
            }
        }
    }
}

/// UTC timestamps as the ledger keeps them: `2026-11-29T10:15:00Z`.
enum Timestamp {
    static func now() -> String { format(secondsSince1970: Int(Date().timeIntervalSince1970)) }

    static func format(secondsSince1970 seconds: Int) -> String {
        let time = UTCTime(secondsSince1970: seconds)
        return "\(time.day)T\(time.clock)Z"
    }
}
