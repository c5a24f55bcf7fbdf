import Foundation
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// The PostgreSQL ledger's own rules, on a real server: rows written the way a bug, a second machine
/// or a hand edit would, refused by the database itself; its schema versions; URLs without passwords.
struct PostgresLedgerTests {
    let notifier: NotifierTests

    init() throws {
        notifier = try NotifierTests().on(.postgres)
    }

    func planned() throws -> NoticeLedger {
        try notifier.writeUsers("users.csv", ids: 1...3)
        _ = try Notifier.run(notifier.request(users: "users.csv"))
        return try NoticeLedger(path: notifier.ledger)
    }

    /// Inserts a copy of notice `id` with `changes` (column: SQL expression over the row).
    static func copyNotice(_ db: any LedgerConnection, _ changes: [String: String], id: Int = 1) throws {
        let columns = try db.rows(sql: """
            SELECT column_name FROM information_schema.columns WHERE table_name = 'notice' AND column_name <> 'id' ORDER BY ordinal_position
            """).map { $0[0] as String }
        try db.execute(sql: """
            INSERT INTO notice (\(columns.joined(separator: ", ")))
            SELECT \(columns.map { changes[$0] ?? $0 }.joined(separator: ", ")) FROM notice WHERE id = \(id)
            """)
    }

    /// The SQLSTATE of the statement's refusal; nil when it was taken.
    static func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            // The ledger's errors end with PostgreSQL's code: `… (SQLSTATE 23505)`.
            let text = "\(error)"
            guard let code = text.range(of: "(SQLSTATE ") else { return text }
            return String(text[code.upperBound...].prefix(5))
        }
    }

    @Test func theDatabaseRefusesASecondNoticeForAUserOrAMessageID() throws {
        let ledger = try planned()
        try ledger.run { db in
            #expect(Self.refusal { try Self.copyNotice(db, ["message_id": "message_id || 'x'"]) } == "23505", "the same user again")
            #expect(Self.refusal { try Self.copyNotice(db, ["user_id": "'someone else'"]) } == "23505", "the same Message-ID again")
            #expect(Self.refusal { try Self.copyNotice(db, ["user_id": "'x'", "message_id": "'<x>'", "release_id": "release_id + 1"]) }
                    == "23503", "a notice of a release the ledger does not have")
            // A new User with a Message-ID of their own is taken: the inserts above were refused for what
            // they repeat, not for their form.
            try Self.copyNotice(db, ["user_id": "'new'", "message_id": "'<new@example>'"])
        }
        #expect(try notifier.ledgerRows("SELECT COUNT(*) AS n FROM notice")[0]["n"] == 4)
    }

    @Test func statesOnlyMoveForward() throws {
        let ledger = try planned()
        func set(_ state: String, id: Int = 1) -> String? {
            Self.refusal { try ledger.run { db in try db.execute(sql: "UPDATE notice SET state = \(state) WHERE id = \(id)") } }
        }
        #expect(set("'sent'") == "23514", "written cannot become sent without being handed to the MTA")
        #expect(set("'sending'") == nil)
        #expect(set("NULL") == "23514", "a notice handed to the MTA is not written again")
        #expect(set("'sent'") == nil)
        #expect(set("'failed'") == "23514" && set("'sending'") == "23514" && set("NULL") == "23514", "nothing leaves sent")
        #expect(Self.refusal { try ledger.run { db in try db.execute(sql: "UPDATE notice SET address = 'other@example.com' WHERE id = 1") } }
                == "23514", "a sent notice's address is the one it was sent to")
        #expect(set("'bounced'", id: 2) == "23514", "no state the ledger does not know")
        #expect(set("'sending'", id: 2) == nil && set("'failed'", id: 2) == nil && set("NULL", id: 2) == nil,
                "a failed notice is the batch's again after a re-plan")
    }

    @Test func policycCreatesTheSchemaOnceAndRecordsItsVersion() throws {
        let url = try PostgresServer.freshDatabase()
        #expect(try NoticeLedger(path: url, migrate: false).schemaVersion() == 0, "an empty database holds no ledger")
        // Two machines starting at once: the migration lock makes one of them create the tables.
        let results = try (0..<2).map { _ in try NoticeLedger(path: url, migrate: false) }
        DispatchQueue.concurrentPerform(iterations: 2) { index in _ = try? results[index].migratePostgres() }
        let ledger = try NoticeLedger(path: url)
        #expect(try ledger.schemaVersion() == NoticeLedger.postgresMigrations.last!.version)
        #expect(try ledger.run { db in try db.rows(sql: "SELECT version FROM ledger_schema").count } == NoticeLedger.postgresMigrations.count)
    }

    @Test func errorsNeverShowThePassword() throws {
        #expect(LedgerLocation.redacted("postgresql://ops:s3cr%40t@db.example:5432/ledger?sslmode=require")
                == "postgresql://ops:***@db.example:5432/ledger?sslmode=require")
        #expect(LedgerLocation.redacted("postgres://db.example/ledger?user=ops&password=s3cret&sslmode=require")
                == "postgres://db.example/ledger?user=ops&password=***&sslmode=require")
        #expect(LedgerLocation.redacted("postgresql://ops@db.example/ledger") == "postgresql://ops@db.example/ledger")
        // A server nobody listens on: the error names the ledger, without its password.
        #expect {
            _ = try NoticeLedger(path: "postgresql://ops:hunter2@127.0.0.1:1/ledger?connect_timeout=2")
        } throws: { error in
            "\(error)".contains("postgresql://ops:***@127.0.0.1:1/ledger") && !"\(error)".contains("hunter2")
        }
    }
}
