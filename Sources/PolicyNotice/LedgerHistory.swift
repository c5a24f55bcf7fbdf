import Crypto
import Foundation
import GRDB
import PolicyModel

/// What a plan of a release's notices was made from: the settings of `policyc.yml` the notices carry
/// (sender, site title, base URL), the template files, and each locale's compiled templates (which
/// also hold the summary of the changes). The ledger keeps each plan's digests, so a later run can
/// say what changed since.
public struct PlanBasis: Sendable, Hashable {
    public var config: [String: String]
    public var templateFiles: [String: String]
    public var notices: [CompiledNotice]

    public init(config: [String: String], templateFiles: [String: String], notices: [CompiledNotice]) {
        self.config = config
        self.templateFiles = templateFiles
        self.notices = notices
    }

    var configDigest: String { Self.digest(config) }
    var templatesDigest: String { Self.digest(templateFiles) }
    var noticeDigest: String { Self.digest(Dictionary(notices.map { ($0.locale, $0.digest) }, uniquingKeysWith: { $1 })) }

    /// SHA-256 of the pairs in key order, each key and value ended by a NUL.
    static func digest(_ pairs: [String: String]) -> String {
        var hasher = SHA256()
        for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Array(key.utf8) + [0] + Array(value.utf8) + [0])
        }
        return Data(hasher.finalize()).hexString
    }
}

/// One plan of a release's notices, as the ledger keeps it: the first, and one more per `--replan`.
public struct PlanRecord: Sendable, Codable, Hashable {
    public var number: Int
    public var plannedAt: String
    /// When a re-plan replaced it; nil for the plan in force.
    public var supersededAt: String?
    /// Empty for a plan made before the ledger recorded them (schema v3).
    public var configDigest: String
    public var templatesDigest: String
    public var noticeDigest: String
    public var config: [String: String]
    public var templateFiles: [String: String]
}

/// A `notify` run: which export, when, and what came of its rows.
public struct RunRecord: Sendable, Codable, Hashable {
    public var number: Int
    public var plan: Int?
    /// The export, relative to the project when inside it.
    public var export: String
    public var startedAt: String
    /// nil: the run was interrupted (its rows are read again by the next).
    public var finishedAt: String?
    public var rows: Int?
    public var planned: Int?
    public var ineligible: Int?
    public var rejected: Int?
    public var merged: Int?
    public var namesDropped: Int?
    /// Its rejects file beside the batches, never overwritten by a later run.
    public var rejectsFile: String?
}

/// A row of an export that was not notified as it was, in the run that read it.
public struct RejectRecord: Sendable, Codable, Hashable {
    public var run: Int
    public var line: Int
    public var userID: String?
    /// `rejected`, `ineligible`, `merged` or `name-dropped`.
    public var action: String
    public var reason: String
}

/// A notice `send` could not deliver, with what its command said last.
public struct DeliveryFailure: Sendable, Codable, Hashable {
    public var userID: String
    public var address: String
    public var state: String
    public var attempts: Int
    public var lastError: String
}

/// One run of the send command for a notice.
struct AttemptRecord: Sendable {
    var startedAt: String
    /// `sent`, `failed` or `unknown`.
    var outcome: NoticeLedger.State
    /// `exit 0`, `exit 127`, `signal 9`, `timeout`.
    var status: String
    /// The command's standard error, bounded and with control characters made visible; nil when empty.
    var stderr: String?
}

/// What `preparePlan` did.
enum PlanOutcome: Sendable, Equatable {
    /// The release's first plan, or a plan under which nothing was planned yet, made from today's.
    case recorded
    /// Today's config and templates are the plan's.
    case unchanged
    /// `--replan`: plan `number` replaced the one before; its unsent notices are to be written again.
    case replanned(number: Int, notices: Int)
}

extension NoticeLedger {
    static let schemaV3 = """
        ALTER TABLE notice ADD COLUMN requested_locale TEXT;   -- the export's locale (NULL: planned before v3)
        -- Each plan of a release: the first, then one per `notify --replan`. The templates of a replaced
        -- plan move to plan_template; `template` holds the plan in force.
        CREATE TABLE plan (
            id INTEGER PRIMARY KEY,
            release_id INTEGER NOT NULL REFERENCES release(id),
            number INTEGER NOT NULL,
            planned_at TEXT NOT NULL,
            superseded_at TEXT,
            config_digest TEXT NOT NULL,        -- '': planned before the ledger recorded digests
            config TEXT NOT NULL,               -- JSON: the settings the notices carry
            templates_digest TEXT NOT NULL,
            template_files TEXT NOT NULL,       -- JSON: template file -> SHA-256
            notice_digest TEXT NOT NULL,        -- of every locale's compiled templates
            UNIQUE (release_id, number)
        );
        CREATE TABLE plan_template (
            plan_id INTEGER NOT NULL REFERENCES plan(id),
            locale TEXT NOT NULL,
            digest TEXT NOT NULL,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            html TEXT NOT NULL,
            PRIMARY KEY (plan_id, locale)
        );
        -- Each notify run, and every row of its export that was not notified as it was.
        CREATE TABLE run (
            id INTEGER PRIMARY KEY,
            release_id INTEGER NOT NULL REFERENCES release(id),
            number INTEGER NOT NULL,
            plan_id INTEGER REFERENCES plan(id),
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
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id),
            export_line INTEGER NOT NULL,
            user_id TEXT,
            action TEXT NOT NULL,               -- rejected | ineligible | merged | name-dropped
            reason TEXT NOT NULL
        );
        CREATE INDEX reject_run ON reject (run_id, export_line);
        -- Every run of the send command: how it ended and what it said.
        CREATE TABLE attempt (
            id INTEGER PRIMARY KEY,
            notice_id INTEGER NOT NULL REFERENCES notice(id),
            started_at TEXT NOT NULL,
            outcome TEXT NOT NULL,              -- sent | failed | unknown
            status TEXT NOT NULL,               -- exit 0, exit 127, signal 9, timeout
            stderr TEXT
        );
        CREATE INDEX attempt_notice ON attempt (notice_id);
        INSERT INTO plan (release_id, number, planned_at, config_digest, config, templates_digest, template_files, notice_digest)
            SELECT id, 1, created_at, '', '{}', '', '{}', '' FROM release;
        """

    /// Folders recorded absolute, inside the project, become relative to it.
    static func relativizeFolders(_ db: any LedgerConnection, projectRoot: String) throws {
        let prefix = projectRoot == "/" ? "/" : projectRoot + "/"
        try db.execute(sql: """
            UPDATE release SET folder = substr(folder, length(?1) + 1)
            WHERE substr(folder, 1, length(?1)) = ?1 AND length(folder) > length(?1)
            """, arguments: [prefix])
    }

    // MARK: Paths

    /// A path as the ledger records it: relative to the project when inside it, else absolute.
    public func recordedPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        guard let projectRoot else { return path }
        let prefix = projectRoot == "/" ? "/" : projectRoot + "/"
        return path.hasPrefix(prefix) && path.count > prefix.count ? String(path.dropFirst(prefix.count)) : path
    }

    /// A recorded path as a file URL: a relative one is in the project.
    public func resolvedPath(_ recorded: String) -> URL {
        if recorded.hasPrefix("/") { return URL(fileURLWithPath: recorded) }
        return URL(fileURLWithPath: projectRoot ?? FileManager.default.currentDirectoryPath).appendingPathComponent(recorded)
    }

    // MARK: Plans

    public func plans(releaseID: Int64) throws(NoticeError) -> [PlanRecord] {
        try run { db in
            // A ledger read as it is (proof, status) may predate plans.
            guard try db.tableExists("plan") else { return [] }
            return try db.rows(sql: "SELECT * FROM plan WHERE release_id = ? ORDER BY number", arguments: [releaseID]).map(Self.planRecord)
        }
    }

    private static func planRecord(_ row: LedgerRow) -> PlanRecord {
        func map(_ json: String) -> [String: String] {
            (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        }
        return PlanRecord(number: row["number"], plannedAt: row["planned_at"], supersededAt: row["superseded_at"],
                          configDigest: row["config_digest"], templatesDigest: row["templates_digest"],
                          noticeDigest: row["notice_digest"], config: map(row["config"]), templateFiles: map(row["template_files"]))
    }

    /// What differs between a plan and today's basis, in words; empty when nothing does.
    static func changes(from plan: PlanRecord, recordedTemplates: [String: String], to basis: PlanBasis) -> [String] {
        var changed: [String] = []
        if plan.configDigest.isEmpty {
            // Planned before digests were recorded: only the compiled templates can be compared.
            let today = Dictionary(basis.notices.map { ($0.locale, $0.digest) }, uniquingKeysWith: { $1 })
            if today != recordedTemplates { changed.append("the email templates or the settings they show (compiled digests differ)") }
            return changed
        }
        if plan.configDigest != basis.configDigest {
            let keys = Set(plan.config.keys).union(basis.config.keys).sorted().filter { plan.config[$0] != basis.config[$0] }
            let shown = keys.map { key in
                "\(key) (\(Self.quoted(plan.config[key])) → \(Self.quoted(basis.config[key])))"
            }
            changed.append("policyc.yml: " + shown.joined(separator: ", ") + " [config digest \(plan.configDigest.prefix(12))… → \(basis.configDigest.prefix(12))…]")
        }
        if plan.templatesDigest != basis.templatesDigest {
            // By file name: a project's templates/email/X replaces the built-in X, so the two are one slot.
            func byName(_ files: [String: String]) -> [String: (path: String, digest: String)] {
                Dictionary(files.map { path, digest in
                    (String(path.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? Substring(path)), (path, digest))
                }, uniquingKeysWith: { $1 })
            }
            let old = byName(plan.templateFiles), new = byName(basis.templateFiles)
            let files = Set(old.keys).union(new.keys).sorted().compactMap { name -> String? in
                switch (old[name], new[name]) {
                case (nil, let now?): "\(now.path) (added)"
                case (let was?, nil): "\(was.path) (removed)"
                case (let was?, let now?) where was.path != now.path && was.digest != now.digest:
                    now.path.hasPrefix("built-in:") ? "\(was.path) (removed: the built-in one serves)"
                        : "\(now.path) (added, in place of the built-in one)"
                case (let was?, let now?) where was.digest != now.digest: "\(now.path) (edited)"
                default: nil
                }
            }
            // The same bytes moved between the built-in set and the project's are no change.
            if !files.isEmpty {
                changed.append("the templates: " + files.joined(separator: ", ")
                               + " [templates digest \(plan.templatesDigest.prefix(12))… → \(basis.templatesDigest.prefix(12))…]")
            }
        }
        if changed.isEmpty && plan.noticeDigest != basis.noticeDigest {
            changed.append("the summary of the changes this policyc writes from the diff (same config and templates; a newer policyc?)")
        }
        return changed
    }

    private static func quoted(_ value: String?) -> String {
        guard let value else { return "unset" }
        return value.isEmpty ? "''" : "'\(VisibleText.of(value, limit: 80))'"
    }

    /// Checks today's basis against the release's plan in force, in one transaction, and records it:
    /// a release's first plan, or a plan under which nothing was planned yet, takes today's. When
    /// notices were planned under another basis, refuses, naming what changed and pointing to
    /// `--replan`; with `replan`, and no notice handed to the MTA yet (sent, unknown, or sending),
    /// makes a new plan: the old one is kept with its templates, every notice of the release gets the
    /// locale and content hash `rehash` gives it, and every batch is `planned` again, to be written anew.
    func preparePlan(releaseID: Int64, releaseName: String, basis: PlanBasis, replan: Bool,
                     rehash: (_ name: String, _ address: String, _ planned: String, _ requested: String?) throws(NoticeError) -> (locale: String, contentHash: String))
    throws(NoticeError) -> PlanOutcome {
        try run { db in
            var outcome = PlanOutcome.recorded
            try db.transaction {
                // Two machines' shards starting at once record the first plan once.
                try Self.takePlanningTurn(db)
                let now = Timestamp.now()
                let current = try db.row(sql: """
                    SELECT * FROM plan WHERE release_id = ? AND superseded_at IS NULL ORDER BY number DESC LIMIT 1
                    """, arguments: [releaseID])
                let notices = try db.value(Int.self, sql: "SELECT COUNT(*) FROM notice WHERE release_id = ?", arguments: [releaseID]) ?? 0
                guard let current else {
                    try Self.insertPlan(db, releaseID: releaseID, number: 1, basis: basis, now: now)
                    try Self.replaceTemplates(db, releaseID: releaseID, basis.notices)
                    return
                }
                let plan = Self.planRecord(current)
                let recorded = Dictionary(try db.rows(sql: "SELECT locale, digest FROM template WHERE release_id = ?",
                                                           arguments: [releaseID]).map { ($0["locale"] as String, $0["digest"] as String) },
                                          uniquingKeysWith: { $1 })
                let changed = Self.changes(from: plan, recordedTemplates: recorded, to: basis)
                let planID: Int64 = current["id"]
                if changed.isEmpty || notices == 0 {
                    // Nothing planned under it yet (a run that failed early), or the same basis (a plan from
                    // before v3 adopts today's digests): it becomes today's.
                    try db.execute(sql: """
                        UPDATE plan SET config_digest = ?, config = ?, templates_digest = ?, template_files = ?, notice_digest = ?
                        WHERE id = ?
                        """, arguments: [basis.configDigest, Self.json(basis.config), basis.templatesDigest,
                                         Self.json(basis.templateFiles), basis.noticeDigest, planID])
                    try Self.replaceTemplates(db, releaseID: releaseID, basis.notices)
                    if replan && notices > 0 { outcome = .unchanged } else { outcome = changed.isEmpty ? .unchanged : .recorded }
                    return
                }
                let handedByState = try db.rows(sql: """
                    SELECT state, COUNT(*) AS n FROM notice WHERE release_id = ? AND state IN ('sent', 'unknown', 'sending') GROUP BY state
                    """, arguments: [releaseID]).map { ($0["state"] as String, $0["n"] as Int) }
                let handed = handedByState.reduce(0) { $0 + $1.1 }
                let handedWords = "\(handed) of its \(notices) notices were already handed to the MTA ("
                    + handedByState.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + ")"
                let what = changed.joined(separator: "; ")
                let since = "since plan \(plan.number) of \(releaseName) (\(plan.plannedAt))"
                let command = "policyc notify \(releaseName.split(separator: "@").first ?? "") --version \(releaseName.split(separator: "@").last ?? "") --replan"
                guard replan else {
                    let next = handed == 0
                        ? "`\(command)` rewrites its \(notices) unsent notices from today's (the ledger keeps plan \(plan.number)), or restore what changed"
                        : "\(handedWords), so --replan is refused too: restore what changed, or release a new version of the policy and notify that"
                    throw NoticeError.refused("changed \(since): \(what). Every User of a release is told the same thing: \(next)")
                }
                guard handed == 0 else {
                    throw NoticeError.refused("cannot re-plan \(releaseName): \(handedWords), and Users already told cannot be told otherwise. Changed \(since): \(what). Restore what changed to go on sending plan \(plan.number), or release a new version of the policy and notify that")
                }
                // The plan in force is kept, with the templates its notices were written from.
                try db.execute(sql: "UPDATE plan SET superseded_at = ? WHERE id = ?", arguments: [now, planID])
                try db.execute(sql: """
                    INSERT INTO plan_template (plan_id, locale, digest, subject, text, html)
                    SELECT ?, locale, digest, subject, text, html FROM template WHERE release_id = ?
                    """, arguments: [planID, releaseID])
                try Self.insertPlan(db, releaseID: releaseID, number: plan.number + 1, basis: basis, now: now)
                try Self.replaceTemplates(db, releaseID: releaseID, basis.notices)
                let update = "UPDATE notice SET locale = ?, content_hash = ? WHERE id = ?"
                try db.forEachRow(sql: """
                    SELECT id, address, name, locale, requested_locale FROM notice WHERE release_id = ? ORDER BY id
                    """, arguments: [releaseID]) { row in
                    let (locale, hash) = try rehash(row["name"], row["address"], row["locale"], row["requested_locale"])
                    try db.execute(sql: update, arguments: [locale, hash, row["id"] as Int64])
                }
                // Failed notices were not delivered: they go out again, with the corrected text.
                try db.execute(sql: "UPDATE notice SET state = NULL, last_error = NULL WHERE release_id = ? AND state = 'failed'",
                               arguments: [releaseID])
                try db.execute(sql: """
                    UPDATE batch SET state = 'planned', sha256 = NULL, bytes = NULL, written_at = NULL, planned_at = ?
                    WHERE release_id = ?
                    """, arguments: [now, releaseID])
                outcome = .replanned(number: plan.number + 1, notices: notices)
            }
            return outcome
        }
    }

    private static func insertPlan(_ db: any LedgerConnection, releaseID: Int64, number: Int, basis: PlanBasis, now: String) throws {
        try db.execute(sql: """
            INSERT INTO plan (release_id, number, planned_at, config_digest, config, templates_digest, template_files, notice_digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [releaseID, number, now, basis.configDigest, json(basis.config), basis.templatesDigest,
                             json(basis.templateFiles), basis.noticeDigest])
    }

    private static func replaceTemplates(_ db: any LedgerConnection, releaseID: Int64, _ notices: [CompiledNotice]) throws {
        try db.execute(sql: "DELETE FROM template WHERE release_id = ?", arguments: [releaseID])
        for notice in notices {
            try db.execute(sql: "INSERT INTO template (release_id, locale, digest, subject, text, html) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [releaseID, notice.locale, notice.digest, CompiledNotice.describe(notice.subject),
                                       CompiledNotice.describe(notice.text), CompiledNotice.describe(notice.html)])
        }
    }

    static func json(_ map: [String: String]) -> String {
        (try? JSONWriter.string(map, style: .compact)) ?? "{}"
    }

    // MARK: Runs and rejects

    /// Records a run of `notify` before it reads its export.
    func startRun(releaseID: Int64, export: String) throws(NoticeError) -> (id: Int64, number: Int) {
        try run { db in
            var run: (id: Int64, number: Int) = (0, 0)
            // Numbered in a turn: another machine's shard may start a run at the same moment.
            try db.transaction {
                try Self.takePlanningTurn(db)
                let number = (try db.value(Int.self, sql: "SELECT MAX(number) FROM run WHERE release_id = ?", arguments: [releaseID]) ?? 0) + 1
                let plan = try db.value(Int64.self, sql: "SELECT id FROM plan WHERE release_id = ? AND superseded_at IS NULL ORDER BY number DESC LIMIT 1",
                                              arguments: [releaseID])
                let id = try db.insert(sql: "INSERT INTO run (release_id, number, plan_id, export, started_at) VALUES (?, ?, ?, ?, ?)",
                                       arguments: [releaseID, number, plan, export, Timestamp.now()])
                run = (id, number)
            }
            return run
        }
    }

    func finishRun(_ id: Int64, report: NotifyReport, rejectsFile: String) throws(NoticeError) {
        try run { db in
            try db.execute(sql: """
                UPDATE run SET finished_at = ?, export_rows = ?, planned = ?, ineligible = ?, rejected = ?, merged = ?,
                               names_dropped = ?, rejects_file = ?
                WHERE id = ?
                """, arguments: [Timestamp.now(), report.rows, report.planned, report.ineligible, report.rejected, report.merged,
                                 report.namesDropped, rejectsFile, id])
        }
    }

    public func runs(releaseID: Int64) throws(NoticeError) -> [RunRecord] {
        try run { db in
            guard try db.tableExists("run") else { return [] }
            return try db.rows(sql: """
                SELECT r.*, p.number AS plan_number FROM run r LEFT JOIN plan p ON p.id = r.plan_id
                WHERE r.release_id = ? ORDER BY r.number
                """, arguments: [releaseID]).map { row in
                RunRecord(number: row["number"], plan: row["plan_number"], export: row["export"], startedAt: row["started_at"],
                          finishedAt: row["finished_at"], rows: row["export_rows"], planned: row["planned"],
                          ineligible: row["ineligible"], rejected: row["rejected"], merged: row["merged"],
                          namesDropped: row["names_dropped"], rejectsFile: row["rejects_file"])
            }
        }
    }

    /// Inserts a run's rejected, ineligible, merged and name-dropped rows (in the caller's transaction).
    static func recordIssues(_ issues: [RecipientIssue], runID: Int64, _ db: any LedgerConnection) throws {
        guard !issues.isEmpty else { return }
        let insert = "INSERT INTO reject (run_id, export_line, user_id, action, reason) VALUES (?, ?, ?, ?, ?)"
        for issue in issues {
            try db.execute(sql: insert, arguments: [runID, issue.line, issue.id, issue.action.rawValue, issue.reason])
        }
    }

    func recordIssues(_ issues: [RecipientIssue], runID: Int64) throws(NoticeError) {
        guard !issues.isEmpty else { return }
        try run { db in
            try db.transaction {
                try Self.recordIssues(issues, runID: runID, db)
            }
        }
    }

    /// A run's rejects in export order, one at a time.
    func forEachIssue(runID: Int64, _ body: (RejectRecord) throws -> Void) throws(NoticeError) {
        try run { db in
            try db.forEachRow(sql: """
                SELECT r.number, j.export_line, j.user_id, j.action, j.reason FROM reject j JOIN run r ON r.id = j.run_id
                WHERE j.run_id = ? ORDER BY j.export_line, j.id
                """, arguments: [runID]) { row in
                try body(RejectRecord(run: row[0], line: row[1], userID: row[2], action: row[3], reason: row[4]))
            }
        }
    }

    /// Every row of every run of the release that got no notice (rejected or ineligible), by run and line.
    /// Merged rows are the proof's own (with the notice that covers them); a dropped name still got one.
    public func forEachNotNotified(releaseID: Int64, _ body: (RejectRecord) throws -> Void) throws(NoticeError) {
        try run { db in
            guard try db.tableExists("reject") else { return }
            try db.forEachRow(sql: """
                SELECT r.number, j.export_line, j.user_id, j.action, j.reason FROM run r JOIN reject j ON j.run_id = r.id
                WHERE r.release_id = ? AND j.action IN ('rejected', 'ineligible') ORDER BY r.number, j.export_line, j.id
                """, arguments: [releaseID]) { row in
                try body(RejectRecord(run: row[0], line: row[1], userID: row[2], action: row[3], reason: row[4]))
            }
        }
    }

    // MARK: Attempts

    /// The notices of a release `send` could not deliver (failed or unknown), with their last error.
    public func failures(releaseID: Int64, limit: Int = 100) throws(NoticeError) -> [DeliveryFailure] {
        try run { db in
            try db.rows(sql: """
                SELECT user_id, address, state, attempts, COALESCE(last_error, '') FROM notice
                WHERE release_id = ? AND state IN ('failed', 'unknown') ORDER BY id LIMIT ?
                """, arguments: [releaseID, limit]).map {
                DeliveryFailure(userID: $0[0], address: $0[1], state: $0[2], attempts: $0[3], lastError: $0[4])
            }
        }
    }

    static func recordAttempts(_ attempts: [AttemptRecord], noticeID: Int64, _ db: any LedgerConnection) throws {
        let insert = "INSERT INTO attempt (notice_id, started_at, outcome, status, stderr) VALUES (?, ?, ?, ?, ?)"
        for attempt in attempts {
            try db.execute(sql: insert, arguments: [noticeID, attempt.startedAt, attempt.outcome.rawValue, attempt.status, attempt.stderr])
        }
    }
}

/// Text from outside (a command's standard error, a config value) made safe to show on one line: every
/// control character, line breaks included, and every bidirectional override is written as an escape
/// (`\n`, `\x1B`, `\u{202E}`), so what a terminal shows is what was said.
public enum VisibleText {
    public static func of(_ text: String, limit: Int = .max) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            case _ where (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x200E || scalar.value == 0x200F:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
