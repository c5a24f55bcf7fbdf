import CPostgres
import Foundation

/// What PostgreSQL said when a statement failed: its message and SQLSTATE (`23505`: a unique
/// constraint, `23514`: a check, `57P01`: the server shut down).
struct PostgresError: Error, CustomStringConvertible {
    var message: String
    var sqlState: String?

    var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}

/// One libpq connection to the ledger's database. libpq connections are not shared between threads:
/// every use goes through `locked`, which the ledger's `run` takes.
final class PostgresLedgerConnection: LedgerConnection, @unchecked Sendable {
    private let connection: OpaquePointer
    private let lock = NSLock()
    /// Statements as PostgreSQL spells their parameters, by their text as the ledger writes them.
    private var translated: [String: String] = [:]

    /// `url`: a libpq connection URI. Errors never show its password (LedgerLocation.redacted).
    init(url: String) throws(NoticeError) {
        let shown = LedgerLocation.redacted(url)
        guard let connection = PQconnectdb(url) else { throw .ledger(path: shown, message: "cannot connect: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw .ledger(path: shown, message: "cannot connect: \(message)")
        }
        self.connection = connection
        do {
            // NOTICEs (a table that exists already) would go to standard error; UTC timestamps everywhere.
            try execute(sql: "SET client_min_messages = warning")
            try execute(sql: "SET TIME ZONE 'UTC'")
        } catch {
            PQfinish(connection)
            throw .ledger(path: shown, message: "\(error)")
        }
    }

    deinit { PQfinish(connection) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    func execute(sql: String, arguments: LedgerArguments) throws {
        let result = try exec(sql, arguments)
        PQclear(result)
    }

    /// Several statements at once, without parameters: a migration.
    func executeScript(_ sql: String) throws {
        guard let result = PQexec(connection, sql) else { throw lastError() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw Self.error(result, connection) }
    }

    func insert(sql: String, arguments: LedgerArguments) throws -> Int64 {
        let result = try exec(sql + " RETURNING id", arguments)
        defer { PQclear(result) }
        guard PQntuples(result) == 1, let id = Int64(String(cString: PQgetvalue(result, 0, 0))) else {
            throw PostgresError(message: "the insert returned no id", sqlState: nil)
        }
        return id
    }

    /// One row at a time (libpq's single-row mode): a million notices are never held at once.
    func forEachRow(sql: String, arguments: LedgerArguments, _ body: (LedgerRow) throws -> Void) throws {
        let sent = withParameters(arguments) { count, values in
            PQsendQueryParams(connection, translate(sql), count, nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw lastError() }
        PQsetSingleRowMode(connection)
        var failure: (any Error)?
        var names: [String]?
        // Every result is read, even after a failure: the connection is ready for the next statement.
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_SINGLE_TUPLE {
                guard failure == nil else { continue }
                let columns = PQnfields(result)
                if names == nil { names = (0..<columns).map { String(cString: PQfname(result, $0)) } }
                let values = (0..<columns).map { column -> LedgerValue in
                    PQgetisnull(result, 0, column) == 1 ? .null : .text(String(cString: PQgetvalue(result, 0, column)))
                }
                do { try body(LedgerRow(names: names!, values: values)) } catch { failure = error }
            } else if status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK {
                failure = failure ?? Self.error(result, connection)
            }
        }
        if let failure { throw failure }
    }

    func transaction(_ body: () throws -> Void) throws {
        try execute(sql: "BEGIN")
        do {
            try body()
            try execute(sql: "COMMIT")
        } catch {
            // A lost connection cannot roll back: the server does, when it sees the connection gone.
            try? execute(sql: "ROLLBACK")
            throw error
        }
    }

    func tableExists(_ name: String) throws -> Bool {
        try value(Int.self, sql: "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?",
                  arguments: [name]) == 1
    }

    // MARK: libpq

    private func exec(_ sql: String, _ arguments: LedgerArguments) throws -> OpaquePointer {
        let result = withParameters(arguments) { count, values in
            PQexecParams(connection, translate(sql), count, nil, values, nil, nil, 0)
        }
        guard let result else { throw lastError() }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let error = Self.error(result, connection)
            PQclear(result)
            throw error
        }
        return result
    }

    /// The arguments as C strings (text format) for the length of `body`.
    private func withParameters<T>(_ arguments: LedgerArguments,
                                   _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
        let strings: [UnsafeMutablePointer<CChar>?] = arguments.values.map { value in
            switch value {
            case .null: nil
            case .integer(let number): strdup(String(number))
            case .text(let text): strdup(text)
            }
        }
        defer { strings.forEach { free($0) } }
        let pointers = strings.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body(Int32(pointers.count), $0.baseAddress) }
    }

    private func lastError() -> PostgresError {
        PostgresError(message: Self.trimmed(String(cString: PQerrorMessage(connection))), sqlState: nil)
    }

    private static func error(_ result: OpaquePointer, _ connection: OpaquePointer) -> PostgresError {
        var message = trimmed(String(cString: PQresultErrorMessage(result)))
        if message.isEmpty { message = trimmed(String(cString: PQerrorMessage(connection))) }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        return PostgresError(message: message.hasPrefix("ERROR:  ") ? String(message.dropFirst(8)) : message, sqlState: state)
    }

    private static func trimmed(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }

    /// `?` and `?N` as `$N`, outside quoted text.
    private func translate(_ sql: String) -> String {
        if let known = translated[sql] { return known }
        var out = ""
        var next = 0
        var quoted = false
        var characters = sql.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { quoted.toggle() }
            guard character == "?", !quoted else {
                out.append(character)
                continue
            }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = characters.next()
            }
            if digits.isEmpty {
                next += 1
                digits = String(next)
            }
            out += "$" + digits
        }
        translated[sql] = out
        return out
    }
}

extension NoticeLedger {
    /// The ledger's tables in PostgreSQL, version by version, as `ledger_schema` records them. Version 3
    /// is SQLite's v3 (the first the PostgreSQL ledger has), with the rules the database enforces: one
    /// notice per (release, User), one per Message-ID, a notice's release and batch must exist, and its
    /// state only moves forward (the trigger).
    static let postgresMigrations: [(version: Int, sql: String)] = [(3, """
        CREATE TABLE release (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            document TEXT NOT NULL,
            version TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            effective_date TEXT NOT NULL,
            created_at TEXT NOT NULL,
            folder TEXT
        );
        CREATE TABLE template (
            release_id BIGINT NOT NULL REFERENCES release(id),
            locale TEXT NOT NULL,
            digest TEXT NOT NULL,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            html TEXT NOT NULL,
            PRIMARY KEY (release_id, locale)
        );
        CREATE TABLE batch (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            release_id BIGINT NOT NULL REFERENCES release(id),
            number INTEGER NOT NULL,
            format TEXT NOT NULL,
            file TEXT NOT NULL,
            messages INTEGER NOT NULL,
            sha256 TEXT,
            bytes BIGINT,
            state TEXT NOT NULL CHECK (state IN ('planned', 'written')),
            planned_at TEXT NOT NULL,
            written_at TEXT,
            first_notice BIGINT,
            last_notice BIGINT,
            UNIQUE (release_id, number)
        );
        CREATE TABLE notice (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            release_id BIGINT NOT NULL REFERENCES release(id),
            user_id TEXT NOT NULL,
            user_key BIGINT NOT NULL,
            address TEXT NOT NULL,
            mailbox_key BIGINT NOT NULL,
            name TEXT NOT NULL,
            locale TEXT NOT NULL,
            export_line INTEGER NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            batch_id BIGINT NOT NULL REFERENCES batch(id),
            content_hash TEXT NOT NULL,
            state TEXT CHECK (state IN ('sending', 'sent', 'failed', 'unknown')),
            sent_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            requested_locale TEXT,
            UNIQUE (release_id, user_id)
        );
        CREATE INDEX notice_batch ON notice (batch_id);
        -- NULL (the batch's: planned, written) -> sending -> sent | failed | unknown; failed and unknown
        -- may be sent again, and a re-plan makes failed notices its batch's again. Nothing leaves `sent`,
        -- and a sent notice's text, address and Message-ID are what it was sent with.
        CREATE FUNCTION notice_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            was TEXT := COALESCE(OLD.state, 'its batch''s state');
            becomes TEXT := COALESCE(NEW.state, 'its batch''s state');
        BEGIN
            -- Compared without NULLs: NULL in a condition would let any change through.
            IF was <> becomes AND NOT (
                   (was = 'its batch''s state' AND becomes = 'sending')
                OR (was = 'sending' AND becomes IN ('sent', 'failed', 'unknown'))
                OR (was IN ('failed', 'unknown') AND becomes = 'sending')
                OR (was = 'failed' AND becomes = 'its batch''s state')) THEN
                RAISE EXCEPTION 'notice % (%) cannot go from % to %', OLD.user_id, OLD.message_id, was, becomes
                    USING ERRCODE = 'check_violation';
            END IF;
            IF OLD.state = 'sent' AND (NEW.address, NEW.message_id, NEW.content_hash, NEW.release_id, NEW.user_id)
                    IS DISTINCT FROM (OLD.address, OLD.message_id, OLD.content_hash, OLD.release_id, OLD.user_id) THEN
                RAISE EXCEPTION 'notice % (%) was sent: what it said and to whom cannot change', OLD.user_id, OLD.message_id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER notice_moves_forward BEFORE UPDATE ON notice FOR EACH ROW EXECUTE FUNCTION notice_moves_forward();
        CREATE TABLE merged (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            release_id BIGINT NOT NULL REFERENCES release(id),
            user_id TEXT NOT NULL,
            address TEXT NOT NULL,
            export_line INTEGER NOT NULL,
            covered_by BIGINT NOT NULL REFERENCES notice(id),
            reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX merged_user ON merged (release_id, user_id, address);
        CREATE VIEW notice_state AS
            SELECT n.*, b.number AS batch, n.id - b.first_notice AS seq,
                   COALESCE(n.state, b.state) AS effective_state, b.planned_at, b.written_at
            FROM notice n JOIN batch b ON b.id = n.batch_id;
        CREATE TABLE plan (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            release_id BIGINT NOT NULL REFERENCES release(id),
            number INTEGER NOT NULL,
            planned_at TEXT NOT NULL,
            superseded_at TEXT,
            config_digest TEXT NOT NULL,
            config TEXT NOT NULL,
            templates_digest TEXT NOT NULL,
            template_files TEXT NOT NULL,
            notice_digest TEXT NOT NULL,
            UNIQUE (release_id, number)
        );
        CREATE TABLE plan_template (
            plan_id BIGINT NOT NULL REFERENCES plan(id),
            locale TEXT NOT NULL,
            digest TEXT NOT NULL,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            html TEXT NOT NULL,
            PRIMARY KEY (plan_id, locale)
        );
        CREATE TABLE run (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            release_id BIGINT NOT NULL REFERENCES release(id),
            number INTEGER NOT NULL,
            plan_id BIGINT REFERENCES plan(id),
            export TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            export_rows INTEGER,
            planned INTEGER,
            ineligible INTEGER,
            rejected INTEGER,
            merged INTEGER,
            names_dropped INTEGER,
            rejects_file TEXT,
            UNIQUE (release_id, number)
        );
        CREATE TABLE reject (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            run_id BIGINT NOT NULL REFERENCES run(id),
            export_line INTEGER NOT NULL,
            user_id TEXT,
            action TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX reject_run ON reject (run_id, export_line);
        CREATE TABLE attempt (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            notice_id BIGINT NOT NULL REFERENCES notice(id),
            started_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            status TEXT NOT NULL,
            stderr TEXT
        );
        CREATE INDEX attempt_notice ON attempt (notice_id);
        """), (4, schemaV4Postgres)]

    /// The key of the session advisory lock of notify and send (LedgerLock).
    static let postgresLockKey = "hashtext('policyc notice ledger')"
    /// One migration at a time (transaction lock): a key of its own, so that the runs' shared lock is
    /// never refused for another machine's look at the schema.
    static let schemaLockKey = "hashtext('policyc notice ledger schema')"

    /// Brings the PostgreSQL ledger up to the newest version, in one transaction, under the advisory
    /// lock: two machines starting at once migrate it once. Returns the version it is at.
    @discardableResult
    static func migratePostgres(_ db: PostgresLedgerConnection) throws -> Int {
        let newest = postgresMigrations.last!.version
        // Up to date, the usual case: no lock, which would wait for every other machine's run to end.
        if try db.tableExists("ledger_schema"), let current = try db.value(Int.self, sql: "SELECT MAX(version) FROM ledger_schema"),
           current == newest {
            return current
        }
        var version = 0
        try db.transaction {
            try db.execute(sql: "SELECT pg_advisory_xact_lock(\(schemaLockKey))")
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            version = try db.value(Int.self, sql: "SELECT MAX(version) FROM ledger_schema") ?? 0
            guard version <= newest else {
                throw NoticeError.refused("the ledger's schema is version \(version), newer than this policyc knows (\(newest)): use a newer policyc")
            }
            for migration in postgresMigrations where migration.version > version {
                try db.executeScript(migration.sql)
                try db.execute(sql: "INSERT INTO ledger_schema (version, applied_at) VALUES (?, ?)",
                               arguments: [migration.version, Timestamp.now()])
                version = migration.version
            }
        }
        return version
    }
}
