import Foundation
import PolicyModel

/// Everything `policyc notify` needs, resolved by the caller from the project and the command line.
public struct NotifyRequest: Sendable {
    public var document: String
    public var version: String
    public var policySHA256: String
    public var facts: NoticeFacts
    public var templates: NoticeTemplateSources
    public var templatesFolder: String
    public var fromName: String
    public var fromAddress: String
    public var format: BatchFormat
    public var provider: Provider
    public var batchSize: Int
    public var outFolder: URL
    /// The SQLite file, or a PostgreSQL URL (LedgerLocation).
    public var ledgerPath: String
    public var usersPath: String
    public var usersFormat: ExportFormat?
    public var columns: RecipientColumns
    public var rule: EligibilityRule
    public var today: CalendarDate
    /// The run's time, in the messages' `Date:` header.
    public var now: Int
    /// When two rows are one mailbox (`notice.dedupe`).
    public var dedupe: MailboxRule = .mailbox
    /// `--replan`: rewrite the release's unsent notices from today's config and templates.
    public var replan = false
    /// The settings of policyc.yml the notices carry (`notice.from`, `site.title`, `site.baseURL`),
    /// recorded with each plan so a later run can say what changed.
    public var config: [String: String] = [:]
    /// The project the ledger's paths are relative to.
    public var projectRoot: URL?
    /// `--shard K/N`: plan only the Users whose mailbox is this shard's (NoticeShard); nil: all of them.
    public var shard: NoticeShard?
    /// nil: no export to read (`--replan` alone rewrites the planned notices).
    public var readsExport: Bool { !usersPath.isEmpty }

    public init(document: String, version: String, policySHA256: String, facts: NoticeFacts,
                templates: NoticeTemplateSources, templatesFolder: String, fromName: String, fromAddress: String,
                format: BatchFormat, provider: Provider, batchSize: Int, outFolder: URL, ledgerPath: String,
                usersPath: String, usersFormat: ExportFormat?, columns: RecipientColumns, rule: EligibilityRule,
                today: CalendarDate, now: Int) {
        self.document = document
        self.version = version
        self.policySHA256 = policySHA256
        self.facts = facts
        self.templates = templates
        self.templatesFolder = templatesFolder
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.format = format
        self.provider = provider
        self.batchSize = batchSize
        self.outFolder = outFolder
        self.ledgerPath = ledgerPath
        self.usersPath = usersPath
        self.usersFormat = usersFormat
        self.columns = columns
        self.rule = rule
        self.today = today
        self.now = now
    }

    public var releaseName: String { "\(document)@\(version)" }

    /// `manifest.json`, or a shard's own (`manifest-2-of-4.json`): shards may share a folder.
    var manifestName: String { shard.map { "manifest-\($0.index)-of-\($0.count).json" } ?? "manifest.json" }
}

/// What a `notify` run did, and where the ledger stands after it.
public struct NotifyReport: Sendable, Codable, Hashable {
    public var release: String
    /// Rows of this run's export, by outcome.
    public var rows = 0
    /// Eligible Users of the export whose mailbox is another shard's (`--shard`): left to that one.
    public var otherShards = 0
    public var ineligible = 0
    public var rejected = 0
    /// Notified without their name (a name with a line break, or too long to use).
    public var namesDropped = 0
    /// Rows whose mailbox an earlier row (of this export or an earlier one) has: merged into it.
    public var merged = 0
    /// Users the ledger had already planned for this release (an earlier run or export).
    public var alreadyPlanned = 0
    /// Users planned by this run, and the batches written for them.
    public var planned = 0
    public var batchesWritten = 0
    /// Batches an interrupted run had planned, written by this one.
    public var batchesRecovered = 0
    /// The whole release in the ledger after this run.
    public var totalNotices = 0
    public var totalBatches = 0
    public var outFolder = ""
    /// This run's number in the ledger, and its rejects file beside the batches (nil: no export read).
    public var run: Int?
    public var rejectsFile: String?
    /// The plan in force after this run, and how many notices `--replan` rewrote (nil: none).
    public var plan = 1
    public var replanned: Int?
    /// What the operator should know but that did not stop the run (an export with no rows).
    public var warnings: [String] = []
    /// Seconds spent in the ledger (SQLite), and in the whole run: the ledger's share of the time.
    public var ledgerSeconds = 0.0
    public var seconds = 0.0

    public init(release: String) {
        self.release = release
    }
}

extension NotifyRequest {
    /// The ledger's name for a batch's kind: `jsonl`, `eml`, or the provider.
    var batchKind: String { provider == .generic ? format.rawValue : provider.rawValue }
}
