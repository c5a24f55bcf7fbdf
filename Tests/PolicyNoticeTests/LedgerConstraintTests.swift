import Foundation
import GRDB
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// The ledger's own refusal of a second notice for a User, or for a Message-ID, of a release: real
/// SQLite, rows written the way a bug, a second process or a hand edit would.
struct LedgerConstraintTests {
    let folder: URL

    init() throws {
        folder = try Fixtures.temporaryDirectory()
    }

    init(folder: URL) {
        self.folder = folder
    }

    /// Inserts a copy of notice 1 with `changes` (column: SQL expression over the row), with whatever
    /// columns the ledger's schema has.
    static func copyNotice(_ db: Database, _ changes: [String: String]) throws {
        let columns = try db.columns(in: "notice").map(\.name).filter { $0 != "id" }
        try db.execute(sql: """
            INSERT INTO notice (\(columns.joined(separator: ", ")))
            SELECT \(columns.map { changes[$0] ?? $0 }.joined(separator: ", ")) FROM notice WHERE id = 1
            """)
    }

    @Test func theLedgerRefusesASecondNoticeForAUserOrAMessageIDOfARelease() throws {
        let notifier = NotifierTests(folder: folder)
        try notifier.writeUsers("users.csv", ids: 1...3)
        _ = try Notifier.run(notifier.request(users: "users.csv"))
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("ledger.sqlite").path)
        try queue.write { db in
            #expect(throws: DatabaseError.self, "the same user again") { try Self.copyNotice(db, [:]) }
            #expect(throws: DatabaseError.self, "another user with the same Message-ID") {
                try Self.copyNotice(db, ["user_id": "'someone else'"])
            }
            #expect(throws: DatabaseError.self, "a Message-ID that is not its key's: the key index would not cover it") {
                try Self.copyNotice(db, ["user_id": "'someone else'", "user_key": "user_key + 1"])
            }
            // A new User, with a key and a Message-ID that agree, is taken: the inserts above were refused
            // for what they repeat, not for their form.
            try Self.copyNotice(db, ["user_id": "'new'", "user_key": "user_key + 1",
                                     "message_id": "'<' || printf('%016x', user_key + 1) || substr(message_id, 18)"])
        }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM notice") } == 4)
    }

    /// A ledger as written before v2: the v1 schema, and three notices of one release, the last of them
    /// `third`'s.
    func writeV1Ledger(_ name: String, third: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        let queue = try DatabaseQueue(path: path)
        let envelope = MessageEnvelope(fromName: "", fromAddress: "legal@quillmate.example", date: "", release: "privacy-policy@v2")
        try queue.write { db in
            try db.execute(sql: NoticeLedger.schemaV1)
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                INSERT INTO release VALUES (1, 'privacy-policy@v2', 'privacy-policy', 'v2', 'ab', '2026-12-20', '2026-11-21T00:00:00Z', NULL);
                INSERT INTO batch VALUES (1, 1, 1, 'jsonl', 'batch-000001.jsonl', 3, NULL, NULL, 'planned', '2026-11-21T00:00:00Z', NULL, 1, 3);
                """)
            for (row, user) in ["1", "2", third].enumerated() {
                let identity = envelope.identity(userID: user)
                try db.execute(sql: """
                    INSERT INTO notice (id, user_id, user_key, address, mailbox_key, name, locale, export_line, message_id, batch_id, content_hash)
                    VALUES (?, ?, ?, ?, 0, '', '', ?, ?, 1, 'hash')
                    """, arguments: [row + 1, user, identity.key, "user\(user)@example.com", row + 2, identity.messageID])
            }
        }
        return path
    }

    @Test func aV1LedgerIsMigratedAndOneHoldingANoticeTwiceIsReadAndShown() throws {
        let clean = try writeV1Ledger("clean.sqlite", third: "3")
        let ledger = try NoticeLedger(path: clean)
        #expect(try ledger.duplicates(releaseID: 1).isEmpty)
        let rows = try DatabaseQueue(path: clean).read {
            try String.fetchAll($0, sql: "SELECT id || ' ' || release_id || ' ' || user_id FROM notice ORDER BY id")
        }
        #expect(rows == ["1 1 1", "2 1 2", "3 1 3"], "every notice kept, with its batch's release")
        var proofRows = 0
        try ledger.forEachProofRow(releaseID: 1) { _ in proofRows += 1 }
        #expect(proofRows == 3)

        // User 2 twice: the migration cannot take the constraint, so it stops, and says where to look.
        let twice = try writeV1Ledger("twice.sqlite", third: "2")
        do {
            _ = try NoticeLedger(path: twice)
            Issue.record("a ledger holding user 2 twice was migrated")
        } catch {
            #expect("\(error)".contains("UNIQUE") && "\(error)".contains("notices proof"), "\(error)")
        }
        let asItIs = try NoticeLedger(path: twice, migrate: false)
        #expect(try asItIs.duplicates(releaseID: 1).map { [$0.column, $0.notices == 2 ? "twice" : "?"] }
                == [["user_id", "twice"], ["message_id", "twice"]])
    }
}
