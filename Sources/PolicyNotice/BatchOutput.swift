import Foundation
import PolicyModel
import Synchronization

/// Writes batches on a second thread while the first reads the export and plans: rendering and
/// writing is half the work, and the machine has two cores. Written batches are handed back for
/// the planning thread to record with its next transaction (SQLite has one writer at a time). The
/// first error stops the rest and is thrown by `submit` or `finish`.
final class BatchOutput: Sendable {
    let writer: BatchWriter
    /// The worker's own writer, buffers kept from batch to batch; used on `queue` only, so its lock is
    /// never contended: it is there for the compiler, which cannot see that.
    private let workerWriter: Mutex<BatchWriter>
    private let queue = DispatchQueue(label: "policyc.batches")
    /// Batches submitted and not yet written: a ledger transaction's worth, so neither thread waits
    /// for the other while it works on the next group, and memory stays flat.
    private let slots: DispatchSemaphore
    private let state = Mutex<(error: NoticeError?, written: [NoticeLedger.Written])>((nil, []))

    private let composers: [String: MessageComposer]

    init(writer: BatchWriter, composers: [String: MessageComposer], queued: Int) {
        self.writer = writer
        self.composers = composers
        workerWriter = Mutex(writer)
        slots = DispatchSemaphore(value: queued)
    }

    func submit(_ batch: NoticeLedger.Batch, _ planned: [NoticeLedger.Planned]) throws(NoticeError) {
        if let error = state.withLock({ $0.error }) { throw error }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard state.withLock({ $0.error == nil }) else { return }
            do throws(NoticeError) {
                let result = try workerWriter.withLock { (writer: inout BatchWriter) throws(NoticeError) in
                    try writer.write(number: batch.number, planned: planned) { (locale: String) throws(NoticeError) in
                        guard let composer = self.composers[locale] else { throw NoticeError.invalidOption("no template for '\(locale)'") }
                        return composer
                    }
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

    /// Skips the batches not yet begun and waits for the one being written.
    func abandon() {
        state.withLock { $0.error = $0.error ?? .refused("stopped") }
        queue.sync {}
    }

    /// Waits for every submitted batch.
    func finish() throws(NoticeError) {
        queue.sync {}
        if let error = state.withLock({ $0.error }) { throw error }
    }
}
