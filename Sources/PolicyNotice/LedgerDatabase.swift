import Foundation
import GRDB

/// Where the notice ledger is: an SQLite file (the default, `notices/ledger.sqlite`) or a PostgreSQL
/// database that outlives any one machine (`postgresql://user@host:5432/db?sslmode=require`).
public enum LedgerLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// A PostgreSQL URL (`postgresql://` or `postgres://`), `sqlite:PATH`, or a plain path (SQLite).
    /// A relative path is taken as it is: the caller resolves it against the project first.
    public init(_ text: String) {
        if Self.isPostgresURL(text) {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// What errors and reports show: the path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// The URL with any password (`user:secret@`, `?password=secret`) replaced by `***`: the URL is
    /// printed in errors, which land in CI logs.
    public static func redacted(_ url: String) -> String {
        var text = url
        if let scheme = text.range(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = text[scheme.upperBound..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let query = text.firstIndex(of: "?") {
            let pairs = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
                pair.lowercased().hasPrefix("password=") ? "password=***" : String(pair)
            }
            text = String(text[...query]) + pairs.joined(separator: "&")
        }
        return text
    }
}

/// A value bound to, or read from, a ledger statement. PostgreSQL's text results arrive as `text`
/// and are parsed where a number is asked for.
enum LedgerValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
}

protocol LedgerBindable {
    var ledgerValue: LedgerValue { get }
}

extension Int: LedgerBindable { var ledgerValue: LedgerValue { .integer(Int64(self)) } }
extension Int64: LedgerBindable { var ledgerValue: LedgerValue { .integer(self) } }
extension String: LedgerBindable { var ledgerValue: LedgerValue { .text(self) } }
extension Substring: LedgerBindable { var ledgerValue: LedgerValue { .text(String(self)) } }

/// A statement's arguments, as `[a, b, nil]`.
struct LedgerArguments: ExpressibleByArrayLiteral {
    var values: [LedgerValue]

    init(arrayLiteral elements: (any LedgerBindable)?...) {
        values = elements.map { $0?.ledgerValue ?? .null }
    }

    init(_ values: [LedgerValue]) {
        self.values = values
    }
}

protocol LedgerDecodable {
    /// nil: the value cannot be read as this type (a NULL for a non-optional, text for a number).
    static func decode(_ value: LedgerValue) -> Self?
}

extension Int64: LedgerDecodable {
    static func decode(_ value: LedgerValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .text(let text): Int64(text)
        case .null: nil
        }
    }
}

extension Int: LedgerDecodable {
    static func decode(_ value: LedgerValue) -> Int? { Int64.decode(value).map(Int.init) }
}

extension String: LedgerDecodable {
    static func decode(_ value: LedgerValue) -> String? {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .null: nil
        }
    }
}

extension Optional: LedgerDecodable where Wrapped: LedgerDecodable {
    static func decode(_ value: LedgerValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.decode(value).map { .some($0) }
    }
}

/// One result row, its columns by name or position. Reading a column as a type it does not hold is
/// a bug in the query, and stops the program (as GRDB's rows do).
struct LedgerRow {
    let names: [String]
    let values: [LedgerValue]

    subscript<T: LedgerDecodable>(_ index: Int) -> T {
        guard let value = T.decode(values[index]) else { fatalError("ledger column \(index) (\(names[index])) is \(values[index]), not \(T.self)") }
        return value
    }

    subscript<T: LedgerDecodable>(_ name: String) -> T {
        guard let index = names.firstIndex(of: name) else { fatalError("no ledger column \(name) in \(names)") }
        return self[index]
    }
}

/// The ledger's database, as its operations use it: the same statements against SQLite and
/// PostgreSQL. Statements are written with `?` or `?N` parameters, which the PostgreSQL side writes as
/// `$N`; the SQL is the subset both understand (`ON CONFLICT DO NOTHING`, `COALESCE`, `substr`).
protocol LedgerConnection: AnyObject {
    func execute(sql: String, arguments: LedgerArguments) throws
    /// Runs an INSERT into a table whose key is `id`, and returns the new row's id.
    func insert(sql: String, arguments: LedgerArguments) throws -> Int64
    /// The rows one at a time, without holding them all.
    func forEachRow(sql: String, arguments: LedgerArguments, _ body: (LedgerRow) throws -> Void) throws
    /// `body` in one transaction, committed when it returns, rolled back when it throws.
    func transaction(_ body: () throws -> Void) throws
    func tableExists(_ name: String) throws -> Bool
}

extension LedgerConnection {
    func execute(sql: String) throws { try execute(sql: sql, arguments: []) }

    func rows(sql: String, arguments: LedgerArguments = []) throws -> [LedgerRow] {
        var rows: [LedgerRow] = []
        try forEachRow(sql: sql, arguments: arguments) { rows.append($0) }
        return rows
    }

    func row(sql: String, arguments: LedgerArguments = []) throws -> LedgerRow? {
        try rows(sql: sql, arguments: arguments).first
    }

    /// The first column of the first row; nil when there is no row or it is NULL.
    func value<T: LedgerDecodable>(_ type: T.Type, sql: String, arguments: LedgerArguments = []) throws -> T? {
        guard let row = try row(sql: sql, arguments: arguments), case let value = row.values[0] else { return nil }
        if case .null = value { return nil }
        return T.decode(value)
    }
}

/// The SQLite ledger through GRDB: statements are cached by their text, as the ledger always did.
final class SQLiteLedgerConnection: LedgerConnection {
    let db: Database

    init(_ db: Database) {
        self.db = db
    }

    func execute(sql: String, arguments: LedgerArguments) throws {
        let statement = try db.cachedStatement(sql: sql)
        statement.setUncheckedArguments(Self.arguments(arguments))
        try statement.execute()
    }

    func insert(sql: String, arguments: LedgerArguments) throws -> Int64 {
        try execute(sql: sql, arguments: arguments)
        return db.lastInsertedRowID
    }

    func forEachRow(sql: String, arguments: LedgerArguments, _ body: (LedgerRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let names = statement.columnNames
        let rows = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try rows.next() {
            try body(LedgerRow(names: names, values: row.databaseValues.map { value in
                switch value.storage {
                case .null: .null
                case .int64(let number): .integer(number)
                case .string(let text): .text(text)
                case .double(let number): .text(String(number))
                case .blob(let data): .text(String(decoding: data, as: UTF8.self))
                }
            }))
        }
    }

    func transaction(_ body: () throws -> Void) throws {
        try db.inTransaction {
            try body()
            return .commit
        }
    }

    func tableExists(_ name: String) throws -> Bool { try db.tableExists(name) }

    private static func arguments(_ arguments: LedgerArguments) -> StatementArguments {
        StatementArguments(arguments.values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .integer(let number): number
            case .text(let text): text
            }
        })
    }
}
