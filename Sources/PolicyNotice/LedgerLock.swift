#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `notices/ledger.sqlite.lock`: one `notify` or `send` at a time per ledger. An advisory `flock`,
/// so the kernel releases it when the process ends, however it ends.
final class LedgerLock {
    private let descriptor: Int32

    init(ledgerPath: String) throws(NoticeError) {
        let path = ledgerPath + ".lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .refused("another policyc notify or send is using \(ledgerPath); try again when it has finished")
        }
    }

    deinit { close(descriptor) }
}
