import Foundation
import Synchronization
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// Several machines on one ledger: `--shard K/N` splits the Users by mailbox, shards planned at the
/// same moment number their batches and rows without collision, and sending workers never claim the
/// same notice (PostgreSQL, a real server); SQLite enforces the same forward-only states.
struct ShardTests {
    @Test func aMailboxHasOneShardWhateverItsCaseOrId() throws {
        // Pinned: the hash is documented, and machines running different policyc versions must agree.
        #expect(NoticeShard.number(mailbox: "jane.doe@example.com", count: 4) == NoticeShard.number(mailbox: "jane.doe@example.com", count: 4))
        #expect((1...7).map { NoticeShard.number(mailbox: "user\($0)@example.com", count: 4) } == Self.pinnedShards)
        let upper = Recipient(line: 1, id: "a", email: "Jane.Doe@Example.COM", name: "", locale: "")
        let lower = Recipient(line: 2, id: "b", email: "jane.doe@example.com", name: "", locale: "")
        for count in [2, 3, 16, 10_000] {
            #expect(NoticeShard.number(mailbox: upper.mailbox, count: count) == NoticeShard.number(mailbox: lower.mailbox, count: count))
        }
        // Every shard of four gets some of 400 mailboxes, and each mailbox exactly one.
        let shards = try (1...4).map { try NoticeShard(index: $0, count: 4) }
        var sizes = [0, 0, 0, 0]
        for n in 0..<400 {
            let owners = shards.filter { $0.contains(mailbox: "user\(n)@example.com") }
            #expect(owners.count == 1)
            if let owner = owners.first { sizes[owner.index - 1] += 1 }
        }
        #expect(sizes.allSatisfy { $0 > 60 }, "\(sizes)")
    }

    /// What the documented hash gives (notices.md): SHA-256("policyc shard\0" + mailbox), first 8 bytes
    /// big-endian, modulo N, plus 1. Computed independently with Python's hashlib.
    static let pinnedShards = [4, 4, 4, 4, 1, 4, 3]

    @Test(arguments: ["0/4", "5/4", "1/0", "a/b", "1/4/2", "", "/4", "-1/4", "1/99999", "1 /4", "１/4", "1/10001"])
    func aShardThatIsNotKOfNIsRefused(_ text: String) {
        #expect(throws: NoticeError.self) { try NoticeShard(text) }
    }

    @Test func shardsPlannedAtOnceShareNothingButTheLedger() throws {
        let notifier = try NotifierTests().on(.postgres)
        try notifier.writeUsers("users.csv", ids: 1...3000)
        let reports = Mutex<[Int: NotifyReport]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            do {
                var request = try notifier.request(users: "users.csv", batchSize: 100)
                request.shard = try NoticeShard(index: index + 1, count: 3)
                let report = try Notifier.run(request)
                reports.withLock { $0[index + 1] = report }
            } catch {
                failures.withLock { $0.append("shard \(index + 1): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let planned = reports.withLock { $0.values.map(\.planned).reduce(0, +) }
        #expect(planned == 3000, "every User planned once, by one shard")
        #expect(reports.withLock { $0.values.allSatisfy { $0.planned > 0 && $0.planned + $0.otherShards == 3000 } })
        let notices = try notifier.ledgerRows("""
            SELECT n.user_id, n.address, b.shard, b.number, n.id - b.first_notice AS seq, b.messages
            FROM notice n JOIN batch b ON b.id = n.batch_id
            """)
        #expect(notices.count == 3000 && Set(notices.map { $0["user_id"] as String }).count == 3000)
        for row in notices {
            let shard: String = row["shard"]
            let address: String = row["address"]
            #expect(shard == "\(NoticeShard.number(mailbox: address, count: 3))/3", "\(address) planned by shard \(shard)")
            let seq: Int = row["seq"], messages: Int = row["messages"]
            #expect((0..<messages).contains(seq), "a notice's rows are its batch's, in order")
        }
        let numbers = try notifier.ledgerRows("SELECT number FROM batch").map { $0["number"] as Int }
        #expect(Set(numbers).count == numbers.count && numbers.sorted() == Array(1...numbers.count), "one sequence of batch numbers")
        // Each shard's files are where the ledger says, one per batch, and its own manifest lists them.
        let files = try FileManager.default.contentsOfDirectory(atPath: notifier.folder.appendingPathComponent("out").path)
        #expect(files.filter { $0.hasPrefix("batch-") }.count == numbers.count)
        #expect(Set(files.filter { $0.hasPrefix("manifest") }) == ["manifest-1-of-3.json", "manifest-2-of-3.json", "manifest-3-of-3.json"])
        // A second run of a shard plans nobody again.
        var again = try notifier.request(users: "users.csv", batchSize: 100)
        again.shard = try NoticeShard(index: 2, count: 3)
        let second = try Notifier.run(again)
        #expect(second.planned == 0 && second.alreadyPlanned == reports.withLock { $0[2]?.planned })
    }

    @Test func workersNeverClaimTheSameNoticeAndADeadOnesClaimsExpire() throws {
        let notifier = try NotifierTests().on(.postgres)
        try notifier.writeUsers("users.csv", ids: 1...400)
        _ = try Notifier.run(notifier.request(users: "users.csv", batchSize: 50))
        let release = try #require(try NoticeLedger(path: notifier.ledger).release(named: "privacy-policy@v2"))
        // A worker that dies holding a claim: its lease (300 ms) keeps others off until it ends.
        let dead = try NoticeLedger(path: notifier.ledger)
        let deadWorker = try dead.startWorker(lease: .milliseconds(300), shard: nil, includingUnknown: false)
        let abandoned = try #require(try dead.claimNext(deadWorker, releaseID: release.id))
        let claimed = Mutex<[Int64]>([])
        let resent = Mutex<[Int64]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let ledger = try NoticeLedger(path: notifier.ledger)
                let worker = try ledger.startWorker(lease: .seconds(30), shard: nil, includingUnknown: false)
                while true {
                    guard let claim = try ledger.claimNext(worker, releaseID: release.id) else {
                        guard try ledger.othersLeases(worker, releaseID: release.id) != nil else { break }
                        Thread.sleep(forTimeInterval: 0.05)
                        continue
                    }
                    claimed.withLock { $0.append(claim.pending.id) }
                    if claim.previous == .sending { resent.withLock { $0.append(claim.pending.id) } }
                    try ledger.markSent(claim.pending.id, retries: 0)
                }
            } catch {
                Issue.record("\(error)")
            }
        }
        let ids = claimed.withLock { $0 }
        #expect(ids.count == 400 && Set(ids).count == 400, "each notice claimed once: \(ids.count) claims of \(Set(ids).count)")
        #expect(resent.withLock { $0 } == [abandoned.pending.id], "the dead worker's notice, claimed again once its lease ran out")
        let states = try notifier.ledgerRows("SELECT COUNT(*) AS n FROM notice WHERE state = 'sent' AND claimed_by IS NOT NULL")
        #expect(states[0]["n"] == 400)
    }

    @Test func theSQLiteLedgerToo_StatesOnlyMoveForward() throws {
        let notifier = try NotifierTests()
        try notifier.writeUsers("users.csv", ids: 1...3)
        _ = try Notifier.run(notifier.request(users: "users.csv"))
        func set(_ state: String, id: Int = 1) -> Bool {
            (try? notifier.ledgerExecute("UPDATE notice SET state = \(state) WHERE id = \(id)")) != nil
        }
        #expect(!set("'sent'"), "written cannot become sent without being handed to the MTA")
        #expect(set("'sending'") && !set("NULL") && set("'sent'"))
        #expect(!set("'failed'") && !set("'sending'") && !set("NULL"), "nothing leaves sent")
        #expect((try? notifier.ledgerExecute("UPDATE notice SET address = 'other@example.com' WHERE id = 1")) == nil,
                "a sent notice's address is the one it was sent to")
        #expect(set("'sending'", id: 2) && set("'failed'", id: 2) && set("NULL", id: 2), "a failed notice is its batch's again after a re-plan")
    }
}
