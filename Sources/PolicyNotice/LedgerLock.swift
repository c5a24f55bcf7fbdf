#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who may use the ledger beside whom, released however the process ends. SQLite: one `notify` or
/// `send` at a time, an advisory `flock` on `notices/ledger.sqlite.lock`, which the kernel drops with
/// the process. PostgreSQL: session advisory locks in the ledger's database, which the server drops
/// with the connection: `send`s and `notify`s of different shards run side by side (shared), two
/// `notify`s of one shard of one release take turns, and `notify --replan`, which rewrites every
/// notice of the release, runs alone (exclusive).
final class LedgerLock {
    enum Use {
        /// `notify` (nil: `send`): beside others, but alone on its release's shard (`--shard`, or the
        /// whole user base).
        case shared(notifying: String?)
        case exclusive
    }

    private let descriptor: Int32?
    private let ledger: NoticeLedger
    private let use: Use

    init(ledger: NoticeLedger, use: Use = .exclusive) throws(NoticeError) {
        self.ledger = ledger
        self.use = use
        let busy = NoticeError.refused("another policyc notify or send is using \(ledger.path); try again when it has finished")
        switch ledger.location {
        case .sqlite(let ledgerPath):
            let path = ledgerPath + ".lock"
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                throw busy
            }
            self.descriptor = descriptor
        case .postgres:
            descriptor = nil
            let key = NoticeLedger.postgresLockKey
            let taken = try ledger.run { db in
                switch use {
                case .exclusive:
                    return try db.value(String.self, sql: "SELECT pg_try_advisory_lock(\(key))::text") == "true"
                case .shared(let notifying):
                    guard try db.value(String.self, sql: "SELECT pg_try_advisory_lock_shared(\(key))::text") == "true" else { return false }
                    guard let notifying else { return true }
                    if try db.value(String.self, sql: "SELECT pg_try_advisory_lock(hashtext(?))::text", arguments: [notifying]) == "true" {
                        return true
                    }
                    try db.execute(sql: "SELECT pg_advisory_unlock_shared(\(key))")
                    throw NoticeError.refused("another policyc notify of \(notifying.dropFirst("policyc notify ".count)) is using \(ledger.path); try again when it has finished")
                }
            }
            guard taken else { throw busy }
        }
    }

    /// The lock a `notify` of `release` for `shard` (nil: the whole user base) takes.
    static func notifying(_ release: String, shard: NoticeShard?) -> Use {
        .shared(notifying: "policyc notify \(release)" + (shard.map { " shard \($0)" } ?? ""))
    }

    deinit {
        guard descriptor == nil else {
            close(descriptor!)
            return
        }
        let key = NoticeLedger.postgresLockKey
        _ = try? ledger.run { db in
            switch use {
            case .exclusive:
                try db.execute(sql: "SELECT pg_advisory_unlock(\(key))")
            case .shared(let notifying):
                if let notifying { try db.execute(sql: "SELECT pg_advisory_unlock(hashtext(?))", arguments: [notifying]) }
                try db.execute(sql: "SELECT pg_advisory_unlock_shared(\(key))")
            }
        }
    }
}
