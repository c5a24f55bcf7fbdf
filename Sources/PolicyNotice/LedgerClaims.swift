import Foundation

/// Several machines sharing one ledger (PostgreSQL): shards, the planning turn, and the claims of
/// sending workers. SQLite keeps one `notify` or `send` at a time (LedgerLock); the same statements
/// serve it, and a claim there never waits for another worker.
extension NoticeLedger {
    /// Version 4 of the SQLite ledger: shards and claims, and the rule that a notice's state only moves
    /// forward, which PostgreSQL's trigger enforced from its first version.
    static let schemaV4SQLite = """
        ALTER TABLE batch ADD COLUMN shard TEXT;            -- notify --shard K/N; NULL: the whole user base
        ALTER TABLE batch ADD COLUMN host TEXT;             -- the machine that planned it
        ALTER TABLE notice ADD COLUMN claimed_by TEXT;      -- the send worker: host/pid/nonce
        ALTER TABLE notice ADD COLUMN lease_until INTEGER;  -- ms since 1970: claimed until, or settled at
        CREATE INDEX notice_to_send ON notice (release_id, id) WHERE state IS NULL OR state <> 'sent';
        -- NULL (the batch's state) -> sending -> sent | failed | unknown; failed and unknown may be sent
        -- again, and a re-plan makes failed notices their batch's again. Nothing leaves `sent`.
        CREATE TRIGGER notice_moves_forward BEFORE UPDATE OF state ON notice
        -- '' for NULL: a NULL in the condition would let any change through.
        WHEN NOT (COALESCE(OLD.state, '') = COALESCE(NEW.state, '')
               OR (COALESCE(OLD.state, '') = '' AND COALESCE(NEW.state, '') = 'sending')
               OR (COALESCE(OLD.state, '') = 'sending' AND COALESCE(NEW.state, '') IN ('sent', 'failed', 'unknown'))
               OR (COALESCE(OLD.state, '') IN ('failed', 'unknown') AND COALESCE(NEW.state, '') = 'sending')
               OR (COALESCE(OLD.state, '') = 'failed' AND COALESCE(NEW.state, '') = ''))
        BEGIN
            SELECT RAISE(ABORT, 'a notice''s state only moves forward: its batch''s, sending, then sent, failed or unknown');
        END;
        CREATE TRIGGER notice_sent_stays BEFORE UPDATE OF address, message_id, content_hash, release_id, user_id ON notice
        WHEN OLD.state = 'sent' AND (NEW.address IS NOT OLD.address OR NEW.message_id IS NOT OLD.message_id
             OR NEW.content_hash IS NOT OLD.content_hash OR NEW.release_id IS NOT OLD.release_id OR NEW.user_id IS NOT OLD.user_id)
        BEGIN
            SELECT RAISE(ABORT, 'a sent notice''s address, Message-ID and text cannot change');
        END;
        """

    /// Version 4 of the PostgreSQL ledger: the same columns and index (the trigger is version 3's).
    static let schemaV4Postgres = """
        ALTER TABLE batch ADD COLUMN shard TEXT, ADD COLUMN host TEXT;
        ALTER TABLE notice ADD COLUMN claimed_by TEXT, ADD COLUMN lease_until BIGINT;
        CREATE INDEX notice_to_send ON notice (release_id, id) WHERE state IS NULL OR state <> 'sent';
        """

    /// This machine's name, as batches and claims record it.
    static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "localhost" : text
    }()

    /// The key of the transaction lock planning transactions take turns on (PostgreSQL).
    static let planningLockKey = "hashtext('policyc notice ledger planning')"

    /// Makes the caller's transaction wait for any other machine's planning transaction: numbers
    /// (batches, rows, plans, runs) are read and used within one turn. SQLite: one process at a time.
    static func takePlanningTurn(_ db: any LedgerConnection) throws {
        guard db is PostgresLedgerConnection else { return }
        try db.execute(sql: "SELECT pg_advisory_xact_lock(\(planningLockKey))")
    }

    /// Now, in milliseconds since 1970, by the database's clock: every machine's leases are compared
    /// on one clock.
    static func nowMilliseconds(_ db: any LedgerConnection) -> String {
        db is PostgresLedgerConnection ? "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
            : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
    }

    // MARK: Claims

    /// A sending worker: `host/pid/nonce`, recorded in each notice it claims.
    struct Worker: Sendable {
        var id: String
        /// When the worker started, by the database's clock: a notice that failed (or became `unknown`)
        /// after this is not tried again by this worker, nor by one that started before it.
        var startedAt: Int64
        /// How long a claim holds (ms): the command's timeout with its retries, and a margin.
        var lease: Int64
        var shard: NoticeShard?
        var includingUnknown: Bool
    }

    func startWorker(lease: Duration, shard: NoticeShard?, includingUnknown: Bool) throws(NoticeError) -> Worker {
        let now = try run { db in try db.value(Int64.self, sql: "SELECT \(Self.nowMilliseconds(db))") } ?? 0
        let nonce = String(UInt32.random(in: .min ... .max), radix: 36)
        return Worker(id: "\(Self.host)/\(getpid())/\(nonce)", startedAt: now,
                      lease: Int64((lease.seconds * 1000).rounded(.up)), shard: shard, includingUnknown: includingUnknown)
    }

    /// Ends the claims of this machine's workers whose process is gone (a `send` killed, then run
    /// again): their notices can be claimed at once rather than when the leases run out. A process id
    /// taken again by another process keeps its claims until they expire, which is only slower.
    func releaseDeadClaims(releaseID: Int64) throws(NoticeError) {
        try run { db in
            guard db is PostgresLedgerConnection else { return }
            let holders = try db.rows(sql: """
                SELECT DISTINCT claimed_by FROM notice
                WHERE release_id = ? AND (state IS NULL OR state <> 'sent') AND state = 'sending' AND claimed_by LIKE ?
                """, arguments: [releaseID, Self.host + "/%"]).map { $0[0] as String }
            for holder in holders {
                let parts = holder.split(separator: "/")
                guard parts.count == 3, parts[0] == Self.host, let pid = Int32(parts[1]), pid != getpid(), kill(pid, 0) != 0,
                      errno == ESRCH else { continue }
                try db.execute(sql: "UPDATE notice SET lease_until = NULL WHERE claimed_by = ? AND state = 'sending'", arguments: [holder])
            }
        }
    }

    /// A notice a worker claimed: it is `sending`, and no other worker takes it while the lease holds.
    struct Claim: Sendable {
        var pending: Pending
        var batchID: Int64
        /// What it was before the claim.
        var previous: State
    }

    /// The release's next notice to send in the worker's shard, claimed; nil when none is left to
    /// claim. A notice is claimable when its batch is written and it is not sent: unsent and unclaimed,
    /// `sending` under a lease that has expired (its worker died: the at-least-once window), or
    /// `failed` (and `unknown` when asked) before this worker started. PostgreSQL: the row is locked
    /// (`FOR UPDATE SKIP LOCKED`) from the choice to the claim, and a row another worker is claiming is
    /// passed over, not waited for. SQLite: `send` runs alone, so a `sending` notice is its dead
    /// predecessor's whatever its lease says.
    ///
    /// `after`: only notices after this row. A worker claims in row order, so it passes the rows it (and
    /// the others) sent once, not at every claim: whatever index the planner picks, a claim costs the
    /// same at the last notice as at the first. When nothing is left after it, it starts again from 0.
    func claimNext(_ worker: Worker, releaseID: Int64, after: Int64 = 0) throws(NoticeError) -> Claim? {
        try run { db in
            let postgres = db is PostgresLedgerConnection
            let now = Self.nowMilliseconds(db)
            let retried = worker.includingUnknown ? "'failed', 'unknown'" : "'failed'"
            let leaseFree = postgres ? "(n.lease_until IS NULL OR n.lease_until < \(now))" : "1 = 1"
            var claim: Claim?
            try db.transaction {
                guard let row = try db.row(sql: """
                    SELECT n.id, n.id - b.first_notice AS seq, n.batch_id, n.message_id, n.state, n.user_id, n.address, n.attempts
                    FROM notice n JOIN batch b ON b.id = n.batch_id
                    WHERE n.release_id = ? AND n.id > ? AND (n.state IS NULL OR n.state <> 'sent') AND b.state = 'written'
                      AND (((n.state IS NULL OR n.state = 'sending') AND \(leaseFree))
                           OR (n.state IN (\(retried)) AND COALESCE(n.lease_until, 0) < ?))\(Self.shardCondition(worker.shard, postgres))
                    ORDER BY n.id LIMIT 1\(postgres ? " FOR UPDATE OF n SKIP LOCKED" : "")
                    """, arguments: Self.arguments([.integer(releaseID), .integer(after), .integer(worker.startedAt)], worker.shard)) else { return }
                let id: Int64 = row["id"]
                try db.execute(sql: """
                    UPDATE notice SET state = 'sending', attempts = attempts + 1, claimed_by = ?, lease_until = \(now) + ?
                    WHERE id = ?
                    """, arguments: [worker.id, worker.lease, id])
                let previous = (row["state"] as String?).flatMap(State.init(rawValue:)) ?? .written
                claim = Claim(pending: Pending(id: id, messageID: row["message_id"], seq: row["seq"], state: previous,
                                               userID: row["user_id"], address: row["address"], attempts: row["attempts"]),
                              batchID: row["batch_id"], previous: previous)
            }
            return claim
        }
    }

    /// When the first live lease of another worker in the worker's shard ends (ms, the database's
    /// clock), and now; nil when no other worker holds a notice that is still to be sent. A worker with
    /// nothing to claim waits for these: the notice is sent by its holder, or claimed again when its
    /// holder died.
    func othersLeases(_ worker: Worker, releaseID: Int64) throws(NoticeError) -> (until: Int64, now: Int64)? {
        try run { db in
            guard db is PostgresLedgerConnection else { return nil }
            let now = Self.nowMilliseconds(db)
            guard let row = try db.row(sql: """
                SELECT MIN(n.lease_until) AS first_end, \(now) AS now FROM notice n JOIN batch b ON b.id = n.batch_id
                WHERE n.release_id = ? AND (n.state IS NULL OR n.state <> 'sent') AND n.state = 'sending'
                  AND b.state = 'written' AND n.lease_until >= \(now)\(Self.shardCondition(worker.shard, true))
                """, arguments: Self.arguments([.integer(releaseID)], worker.shard)),
                let until: Int64? = row["first_end"], let until else { return nil }
            return (until, row["now"])
        }
    }

    /// The shard's batches only (its text the last argument; `arguments`), or every batch.
    private static func shardCondition(_ shard: NoticeShard?, _ postgres: Bool) -> String {
        shard == nil ? "" : postgres ? " AND b.shard IS NOT DISTINCT FROM ?" : " AND b.shard IS ?"
    }

    private static func arguments(_ values: [LedgerValue], _ shard: NoticeShard?) -> LedgerArguments {
        LedgerArguments(values + (shard.map { [.text($0.description)] } ?? []))
    }
}
