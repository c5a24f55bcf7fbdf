import Foundation
import Synchronization

/// Reads the export on its own thread: parses and classifies each row, computes each User's
/// Message-ID, keys and content hash, and hands over groups of candidates to plan (a group holds one
/// locale when the provider needs that).
final class ExportReader: Sendable {
    struct Counts: Sendable {
        var rows = 0, ineligible = 0, rejected = 0, namesDropped = 0, otherShards = 0
    }

    /// Users to plan, and the rows read since the last group that get no notice as they were (rejected,
    /// ineligible, name dropped), which the ledger records with the group, in the same transaction.
    struct Group: Sendable {
        var candidates: [NoticeLedger.Planned]
        var issues: [RecipientIssue]
    }

    let groups = BoundedChannel<Group>(capacity: 1)
    private let result = Mutex<Result<Counts, NoticeError>?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let cancelled = Mutex(false)

    init(reader: sending RecipientReader, request: NotifyRequest, envelope: MessageEnvelope,
         composers: [String: MessageComposer], groupSize: Int) {
        // The reader moves to the new thread, through a mutex that the compiler knows owns it (`sending`):
        // the caller cannot touch it again.
        let handoff = Mutex<RecipientReader?>(reader)
        let thread = Thread { [self] in
            let outcome = Result { () throws(NoticeError) -> Counts in
                guard let reader = handoff.withLock({ $0.take() }) else { preconditionFailure("the reader is taken once") }
                return try Self.read(reader, request: request, envelope: envelope, composers: composers,
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
                             composers: [String: MessageComposer], groupSize: Int,
                             into groups: BoundedChannel<Group>, cancelled: borrowing Mutex<Bool>) throws(NoticeError) -> Counts {
        var counts = Counts()
        // Handed over with the next group, or alone when they are a group's worth: an export of
        // ineligible rows only must not pile them up in memory.
        var issues: [RecipientIssue] = []
        // Provider bodies carry one content each: their batches hold one locale.
        let splitByLocale = request.provider != .generic && request.provider != .postmark
        var pending: [String: [NoticeLedger.Planned]] = [:]
        // Keys are per release, so one index serves every release in the ledger.
        let mailboxSalt = request.releaseName + "\u{0}"
        var templateKeys: [String: String] = [:]
        while let event = try reader.next() {
            counts.rows += 1
            switch event {
            case .ineligible(let issue):
                counts.ineligible += 1
                issues.append(issue)
            case .rejected(let issue):
                counts.rejected += 1
                issues.append(issue)
            case .recipient(let recipient):
                if let shard = request.shard, !shard.contains(mailbox: recipient.mailbox) {
                    counts.otherShards += 1
                    continue
                }
                if let note = recipient.note {
                    counts.namesDropped += 1
                    issues.append(RecipientIssue(line: recipient.line, id: recipient.id, reason: note, action: .nameDropped))
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
                    groups.send(Group(candidates: group, issues: issues))
                    issues = []
                }
            }
            if issues.count >= groupSize {
                if cancelled.withLock({ $0 }) { return counts }
                groups.send(Group(candidates: [], issues: issues))
                issues = []
            }
        }
        for key in pending.keys.sorted() {
            groups.send(Group(candidates: pending[key]!, issues: issues))
            issues = []
        }
        if !issues.isEmpty { groups.send(Group(candidates: [], issues: issues)) }
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
