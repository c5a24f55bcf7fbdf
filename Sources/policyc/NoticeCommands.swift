import ArgumentParser
import Foundation
import PolicyModel
import PolicyNotice
import PolicyProject

struct Notify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Write the advance-notice emails of a material release, in batches, recorded in the notice ledger.",
        discussion: """
        Reads the export of the user base (CSV with a header row, or JSON Lines) a row at a time. Eligible Users with a \
        valid address get one message each; rejected rows, merged duplicates and names left out are listed with their \
        line in this run's rejects-NNNNNN.csv beside the batches, and in the ledger; manifest.json lists every batch \
        with its SHA-256. Re-running (after a crash, or with a newer export) never plans a User twice. Refused for an \
        editorial release, or once the release has taken effect. When the config or the templates changed since the \
        notices were planned, --replan rewrites the notices not yet handed to the MTA (the ledger keeps the plan \
        before); it is refused once any was sent.
        """)

    @OptionGroup var project: ProjectOption
    @Argument(help: "The policy: the name of its file in policy/ without .md.", completion: .documents)
    var document: String
    @Option(help: "The release (default: the latest).")
    var version: String?
    @Option(help: "The export of the user base: .csv or .jsonl (needed unless --replan).",
            completion: .file(extensions: ["csv", "jsonl", "ndjson", "json"]))
    var users: String?
    @Option(help: "csv or jsonl, when the file name does not tell.")
    var usersFormat: ExportFormat?
    @Option(name: .shortAndLong, help: "The folder for the batches (default: notices/DOC-VERSION).", completion: .directory)
    var out: String?
    @Option(name: .shortAndLong, help: "jsonl (one message a line) or eml (one file a message) for --provider generic.")
    var format: BatchFormat = .jsonl
    @Option(help: "generic, ses, sendgrid, mailgun or postmark: write that provider's bulk request bodies.")
    var provider: Provider = .generic
    @Option(parsing: .unconditional, help: "Messages per batch (default \(Provider.generic.defaultBatch), or the provider's limit).")
    var batchSize: String?
    @Option(help: "Take this day as today (YYYY-MM-DD).")
    var today: String?
    @Flag(help: "Print the report as JSON.")
    var json = false
    @Flag(help: "Do nothing, successfully, when the release needs no notice (for pipelines).")
    var ifMaterial = false
    @Flag(help: "Rewrite the release's unsent notices from today's config and templates (refused once any was sent).")
    var replan = false
    @Option(help: "K/N: plan only the Users whose address is this machine's share K of N (docs/notices.md).")
    var shard: String?

    func validate() throws {
        _ = try Self.shard(shard)
        if users == nil && !replan {
            throw ValidationError("--users is needed: the export of the user base (only --replan may go without it)")
        }
        _ = try OptionValue.day(today, option: "today")
        if provider != .generic && format == .eml {
            throw ValidationError("--format eml is for --provider generic; providers take their own request bodies")
        }
        if let batchSize = try OptionValue.int(batchSize, option: "batch-size"),
           !(1...provider.maximumBatch).contains(batchSize) {
            throw ValidationError("--batch-size must be between 1 and \(provider.maximumBatch) for \(provider.rawValue)")
        }
    }

    func run() throws {
        let project = self.project.resolve()
        let notices = Notices(project: try project.open())
        let reference = version.map { "\(document)@\($0)" } ?? document
        let day = try OptionValue.day(today, option: "today") ?? .today()
        if ifMaterial {
            switch try notices.pipelineStep(reference, today: day) {
            case .notify:
                break
            case .notNeeded(let version, let verdict):
                Terminal.write("\(document)@\(version) is \(verdict): no notice needed\n")
                return
            case .alreadyNotified(let version, let effective):
                Terminal.write("\(document)@\(version) took effect on \(effective); its notices were planned before\n")
                return
            }
        }
        // Files named on the command line are where the user is, not in the project.
        let report = try notices.notify(reference, options: .init(
            usersPath: users.map(Terminal.absolutePath), usersFormat: usersFormat, format: format, provider: provider,
            batchSize: try OptionValue.int(batchSize, option: "batch-size"), outFolder: out.map(Terminal.absolutePath), today: day, replan: replan, shard: try Self.shard(shard)))
        for warning in report.warnings { Terminal.warning(warning) }
        if json {
            Terminal.write(try JSONWriter.string(report))
            return
        }
        if let replanned = report.replanned {
            Terminal.write("\(report.release): re-planned as plan \(report.plan): \(count(replanned, "notice")) written again from "
                           + "today's config and templates (the ledger keeps the plans before)\n")
        }
        // --replan without an export read no rows: the re-plan line above is the whole report.
        guard report.run != nil else { return }
        Terminal.write("""
            \(report.release): \(count(report.planned, "notice")) planned in \(count(report.batchesWritten, "batch")) \
            (\(report.totalNotices) in \(count(report.totalBatches, "batch")) in all) in \(report.outFolder)
              rows read: \(report.rows); ineligible: \(report.ineligible); rejected: \(report.rejected); \
            duplicates merged: \(report.merged); names left out: \(report.namesDropped); already planned: \(report.alreadyPlanned)
            """ + (shard != nil ? "; other shards' Users: \(report.otherShards)" : "") + (report.batchesRecovered > 0 ? "\n  batches an interrupted run planned, written now: \(report.batchesRecovered)" : "")
            + "\n")
        if let rejects = report.rejectsFile, report.rejected + report.merged + report.namesDropped + report.ineligible > 0 {
            Terminal.note("see \(report.outFolder)/\(rejects) for each row of run \(report.run ?? 0) not notified as it was, and why")
        }
    }

    private func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)\(noun.hasSuffix("ch") ? "es" : "s")"
    }

    /// `--shard K/N`, of notify and send.
    static func shard(_ text: String?) throws(ValidationError) -> NoticeShard? {
        guard let text else { return nil }
        do { return try NoticeShard(text) } catch { throw ValidationError(error.description) }
    }
}

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Hand each written notice to a sendmail-compatible command, recording each result in the ledger.",
        discussion: """
        Resumes where a run stopped: a message recorded as sent is never sent again. A message whose command succeeded \
        but whose result the ledger had not recorded when the run died is sent again, with the same Message-ID: at most \
        one message per killed run. A command stopped at --timeout (or ended by a signal) may have delivered its \
        message: it is recorded as unknown and not sent again unless --resend-unknown is given.
        """)

    /// What the numeric options may be (the help below says the same): beyond these a wait is no
    /// longer a duration (1e300 s overflows), or means nothing (no timeout, a rate of zero).
    static let rates = 0.001...1_000_000.0
    static let retryCounts = 0...100
    static let retryDelays = 0.0...3600.0
    static let timeouts = 0.001...86_400.0
    /// The library's defaults, shown in the help.
    private static let defaults = DeliveryOptions()

    @OptionGroup var project: ProjectOption
    @Option(help: "The release: DOC@VERSION (or DOC for its latest).")
    var release: String
    @Option(help: "The command, run by /bin/sh with the message on standard input.")
    var command = defaults.command
    @Option(parsing: .unconditional, help: "At most this many messages a second (0.001 to 1000000).")
    var rate: String?
    @Option(parsing: .unconditional, help: "Further attempts after a non-zero exit (0 to 100).")
    var retries = String(defaults.retries)
    @Option(parsing: .unconditional, help: "Seconds before the first retry, doubling after each (0 to 3600).")
    var retryDelay = seconds(defaults.retryDelay)
    @Option(parsing: .unconditional, help: "Send at most this many messages in this run (1 or more).")
    var limit: String?
    @Option(parsing: .unconditional, help: """
        Seconds a command may run (0.001 to 86400); then it is killed with all it started, and its message recorded \
        as unknown.
        """)
    var timeout = seconds(defaults.timeout)
    @Option(name: .shortAndLong, help: "The folder of the batches, when notify wrote them elsewhere.", completion: .directory)
    var out: String?
    @Flag(help: "Send again the messages recorded as unknown (their MTA may have delivered them).")
    var resendUnknown = false
    @Option(help: "K/N: send only the batches notify --shard K/N planned.")
    var shard: String?
    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        _ = try deliveryOptions()
    }

    /// The options as the library takes them, each checked against its range.
    func deliveryOptions() throws(ValidationError) -> DeliveryOptions {
        DeliveryOptions(
            command: command,
            rate: try OptionValue.double(rate, option: "rate", in: Self.rates, unit: "messages a second"),
            retries: try OptionValue.int(retries, option: "retries", in: Self.retryCounts) ?? Self.defaults.retries,
            retryDelay: try OptionValue.double(retryDelay, option: "retry-delay", in: Self.retryDelays, unit: "seconds")
                .map { .seconds($0) } ?? Self.defaults.retryDelay,
            limit: try OptionValue.int(limit, option: "limit", in: 1...Int.max),
            timeout: try OptionValue.double(timeout, option: "timeout", in: Self.timeouts, unit: "seconds")
                .map { .seconds($0) } ?? Self.defaults.timeout,
            resendUnknown: resendUnknown, shard: try Notify.shard(shard))
    }

    /// `2`, `60`: a default duration as the option takes it.
    private static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return OptionValue.plain(Double(whole) + Double(fraction) / 1e18)
    }

    func run() throws {
        let notices = Notices(project: try project.resolve().open())
        let report = try notices.send(release, options: try deliveryOptions(), outFolder: out.map(Terminal.absolutePath))
        if json {
            Terminal.write(try JSONWriter.string(report))
        } else {
            Terminal.write("\(report.release): \(report.sent) sent, \(report.failed) failed, \(report.unknown) unknown"
                           + (report.resent > 0 ? ", \(report.resent) sent again after an interrupted run or by request" : "")
                           + "; \(report.totalSent) sent in all, \(report.remaining) to go"
                           + (report.totalUnknown > 0 ? " (\(report.totalUnknown) unknown: see --resend-unknown)" : "") + "\n")
            for failure in report.failures.prefix(10) {
                Terminal.write("  \(failure.state) \(VisibleText.of(failure.userID, limit: 80)) <\(failure.address)>: \(failure.lastError)\n")
            }
            if report.failures.count > 10 { Terminal.write("  … and \(report.failures.count - 10) more: see policyc notices proof\n") }
        }
        if let stopped = report.stopped {
            Terminal.error("stopped at the first message, not retried, no other message tried: \(stopped); check --command")
        }
        // An unknown message needs the operator as much as a failed one.
        if report.failed > 0 || report.unknown > 0 { throw Exit(status: 1) }
    }
}

enum StatusFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

/// `policyc notices status|proof|migrate`.
struct NoticeCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices", abstract: "Progress and proof of the advance notices of a release.",
        subcommands: [NoticeStatus.self, NoticeProof.self, NoticeMigrate.self])
}

struct NoticeStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "How many notices are planned, written, sent, failed.")

    @OptionGroup var project: ProjectOption
    @Option(help: "The release: DOC@VERSION (or DOC for its latest).")
    var release: String
    @Option(name: .shortAndLong, help: "text or json.")
    var format: StatusFormat = .text

    func run() throws {
        let progress = try Notices(project: try project.resolve().open()).status(release)
        switch format {
        case .json:
            Terminal.write(try JSONWriter.string(progress))
        case .text:
            let states = NoticeLedger.State.allCases.map { "\($0.rawValue) \(progress.states[$0.rawValue] ?? 0)" }
            Terminal.write("\(progress.release) (effective \(progress.effectiveDate)): \(progress.notices) notices in "
                           + "\(progress.batches) batches: \(states.joined(separator: ", ")); "
                           + "\(progress.merged) export rows covered by another User's notice\n")
            for plan in progress.plans {
                Terminal.write("  plan \(plan.number): \(plan.plannedAt)" + (plan.supersededAt.map { ", replaced \($0)" } ?? ", in force")
                               + (plan.configDigest.isEmpty ? ""
                                  : " (config \(plan.configDigest.prefix(12))…, templates \(plan.templatesDigest.prefix(12))…)") + "\n")
            }
            for run in progress.runs {
                let outcome = run.finishedAt == nil ? "interrupted"
                    : "\(run.rows ?? 0) rows: \(run.planned ?? 0) planned, \(run.ineligible ?? 0) ineligible, \(run.rejected ?? 0) "
                    + "rejected, \(run.merged ?? 0) merged (\(run.rejectsFile ?? ""))"
                Terminal.write("  run \(run.number) of \(VisibleText.of(run.export, limit: 120)), \(run.startedAt): \(outcome)\n")
            }
            for failure in progress.failures {
                Terminal.write("  \(failure.state): \(VisibleText.of(failure.userID, limit: 80)) <\(failure.address)> after "
                               + "\(failure.attempts) attempts: \(failure.lastError)\n")
            }
        }
    }
}

struct NoticeProof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "The proof of notice: per User, the address, Message-ID, content hash, batch and time sent; then totals.")

    @OptionGroup var project: ProjectOption
    @Option(help: "The release: DOC@VERSION (or DOC for its latest).")
    var release: String
    @Option(name: .shortAndLong, help: "csv (totals on standard error) or json.")
    var format: Notices.ProofFormat = .csv

    func run() throws {
        var buffer = ""
        // Written even when the proof is refused after its rows (duplicates): the rows show them.
        defer { Terminal.write(buffer) }
        let progress = try Notices(project: try project.resolve().open()).proof(release, format: format) { text in
            buffer += text
            if buffer.utf8.count > 1 << 16 {
                Terminal.write(buffer)
                buffer = ""
            }
        }
        Terminal.write(buffer)
        buffer = ""
        if format == .csv {
            let states = progress.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            Terminal.note("\(progress.release): \(progress.notices) notices: \(states.joined(separator: ", "))")
        }
    }
}

struct NoticeMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the notice ledger's tables, or bring them up to date (notify and send do it too).",
        discussion: """
        The ledger is notice.ledger in policyc.yml, or POLICYC_LEDGER_URL when set: an SQLite file, or a PostgreSQL \
        database (postgresql://user@host:5432/db?sslmode=require). Run it once with a role that may create tables, \
        before machines that may not start sending.
        """)

    @OptionGroup var project: ProjectOption

    func run() throws {
        let (ledger, version) = try Notices(project: try project.resolve().open()).migrateLedger()
        Terminal.write("\(ledger): ledger schema version \(version)\n")
    }
}

// The library's choices, as option values: parsed from their raw values, listed in help and completions.
extension ExportFormat: ExpressibleByArgument {}
extension BatchFormat: ExpressibleByArgument {}
extension Provider: ExpressibleByArgument {}
extension Notices.ProofFormat: ExpressibleByArgument {}
