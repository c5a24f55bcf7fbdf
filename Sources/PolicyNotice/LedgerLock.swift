#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `notify` or `send` at a time per ledger, released however the process ends. SQLite:
/// an advisory `flock` on `notices/ledger.sqlite.lock`, which the kernel drops with the process.
/// PostgreSQL: a session advisory lock in the ledger's database, which the server drops with the
/// connection, so machines that share the ledger take turns.
final class LedgerLock {
    private let descriptor: Int32?
    private let ledger: NoticeLedger

    init(ledger: NoticeLedger) throws(NoticeError) {
        self.ledger = ledger
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
            let taken = try ledger.run { db in
                try db.value(String.self, sql: "SELECT pg_try_advisory_lock(\(NoticeLedger.postgresLockKey))::text")
            }
            guard taken == "true" else { throw busy }
        }
    }

    deinit {
        if let descriptor {
            close(descriptor)
        } else {
            _ = try? ledger.run { db in try db.execute(sql: "SELECT pg_advisory_unlock(\(NoticeLedger.postgresLockKey))") }
        }
    }
}
