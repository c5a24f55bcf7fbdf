import ArgumentParser
import Foundation
import PolicyModel
import PolicyNotice
import PolicyProject

extension BatchFormat: ExpressibleByArgument {}
extension Provider: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
extension Notices.ProofFormat: ExpressibleByArgument {}

struct Notify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Write the advance-notice emails of a material release, in batches, recorded in the notice ledger.",
        discussion: """
        Reads the export of the user base (CSV with a header row, or JSON Lines) a row at a time. Eligible Users with a \
        valid address get one message each; rejected rows, merged duplicates and names left out are listed with their \
        line in rejects.csv beside the batches; manifest.json lists every batch with its SHA-256. Re-running (after a \
        crash, or with a newer export) never plans a User twice. Refused for an editorial release, or once the release \
        has taken effect.
        """)

    @OptionGroup var project: ProjectOptions
    @Argument(help: "The policy: the name of its file in policy/ without .md.") var document: String
    @Option(help: "The release (default: the latest).") var version: String?
    @Option(help: "The export of the user base: .csv or .jsonl.") var users: String
    @Option(help: "csv or jsonl, when the file name does not tell.") var usersFormat: ExportFormat?
    @Option(help: "The folder for the batches (default: notices/DOC-VERSION).") var out: String?
    @Option(help: "jsonl (one message a line) or eml (one file a message) for --provider generic.") var format: BatchFormat = .jsonl
    @Option(help: "generic, ses, sendgrid, mailgun or postmark: write that provider's bulk request bodies.") var provider: Provider = .generic
    @Option(help: "Messages per batch (default 1000, or the provider's limit).") var batchSize: Int?
    @Option(help: "Take this day as today (YYYY-MM-DD).") var today: CalendarDate?
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Do nothing, successfully, when the release needs no notice (for pipelines).") var ifMaterial = false

    func validate() throws {
        if provider != .generic && format == .eml {
            throw ValidationError("--format eml is for --provider generic; providers take their own request bodies")
        }
        if let batchSize, !(1...provider.maximumBatch).contains(batchSize) {
            throw ValidationError("--batch-size must be between 1 and \(provider.maximumBatch) for \(provider.rawValue)")
        }
    }

    func run() throws {
        let notices = Notices(project: try project.open())
        let reference = version.map { "\(document)@\($0)" } ?? document
        let day = today ?? .today()
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
            usersPath: Terminal.absolutePath(users), usersFormat: usersFormat, format: format, provider: provider,
            batchSize: batchSize, outFolder: out.map(Terminal.absolutePath), today: day))
        if json {
            Terminal.write(try Self.json(report))
            return
        }
        Terminal.write("""
            \(report.release): \(count(report.planned, "notice")) planned in \(count(report.batchesWritten, "batch")) \
            (\(report.totalNotices) in \(count(report.totalBatches, "batch")) in all) in \(report.outFolder)
              rows read: \(report.rows); ineligible: \(report.ineligible); rejected: \(report.rejected); \
            duplicates merged: \(report.merged); names left out: \(report.namesDropped); already planned: \(report.alreadyPlanned)
            """ + (report.batchesRecovered > 0 ? "\n  batches an interrupted run planned, written now: \(report.batchesRecovered)" : "")
            + "\n")
        if report.rejected + report.merged + report.namesDropped > 0 {
            Terminal.note("see \(report.outFolder)/rejects.csv for each row and the reason")
        }
    }

    private func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)\(noun.hasSuffix("ch") ? "es" : "s")"
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Hand each written notice to a sendmail-compatible command, recording each result in the ledger.",
        discussion: """
        Resumes where a run stopped: a message recorded as sent is never sent again. A message whose command succeeded \
        but whose result the ledger had not recorded when the run died is sent again, with the same Message-ID.
        """)

    @OptionGroup var project: ProjectOptions
    @Option(help: "The release: DOC@VERSION (or DOC for its latest).") var release: String
    @Option(help: "The command, run by /bin/sh with the message on standard input.") var command = "sendmail -t -i"
    @Option(help: "At most this many messages a second.") var rate: Double?
    @Option(help: "Further attempts after a failure.") var retries = 3
    @Option(help: "Seconds before the first retry (doubling after each).") var retryDelay = 2.0
    @Option(help: "Send at most this many messages in this run.") var limit: Int?
    @Option(help: "Seconds a command may run before it is stopped and the attempt fails.") var timeout = 60.0
    @Option(help: "The folder of the batches, when notify wrote them elsewhere.") var out: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        if let rate, rate <= 0 { throw ValidationError("--rate must be above 0") }
        if retries < 0 || retryDelay < 0 { throw ValidationError("--retries and --retry-delay cannot be negative") }
        if timeout <= 0 { throw ValidationError("--timeout must be above 0") }
    }

    func run() throws {
        let notices = Notices(project: try project.open())
        let report = try notices.send(release, options: DeliveryOptions(
            command: command, rate: rate, retries: retries, retryDelay: .milliseconds(Int(retryDelay * 1000)), limit: limit,
            timeout: .milliseconds(Int(timeout * 1000))),
            outFolder: out.map(Terminal.absolutePath))
        if json {
            Terminal.write(try Notify.json(report))
        } else {
            Terminal.write("\(report.release): \(report.sent) sent, \(report.failed) failed"
                           + (report.resent > 0 ? ", \(report.resent) sent again after an interrupted run" : "")
                           + "; \(report.totalSent) sent in all, \(report.remaining) to go\n")
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}

struct NoticesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices",
        abstract: "Progress and proof of the advance notices of a release.",
        subcommands: [NoticeStatus.self, NoticeProof.self])
}

enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct NoticeStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "How many notices are planned, written, sent, failed.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The release: DOC@VERSION (or DOC for its latest).") var release: String
    @Option(help: "text or json.") var format: StatusFormat = .text

    func run() throws {
        let progress = try Notices(project: try project.open()).status(release)
        switch format {
        case .json:
            Terminal.write(try Notify.json(progress))
        case .text:
            let states = NoticeLedger.State.allCases.map { "\($0.rawValue) \(progress.states[$0.rawValue] ?? 0)" }
            Terminal.write("\(progress.release) (effective \(progress.effectiveDate)): \(progress.notices) notices in "
                           + "\(progress.batches) batches: \(states.joined(separator: ", ")); "
                           + "\(progress.merged) export rows covered by another User's notice\n")
        }
    }
}

struct NoticeProof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "The proof of notice: per User, the address, Message-ID, content hash, batch and time sent; then totals.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The release: DOC@VERSION (or DOC for its latest).") var release: String
    @Option(help: "csv (totals on standard error) or json.") var format: Notices.ProofFormat = .csv

    func run() throws {
        var buffer = ""
        let progress = try Notices(project: try project.open()).proof(release, format: format) { text in
            buffer += text
            if buffer.utf8.count > 1 << 16 {
                Terminal.write(buffer)
                buffer = ""
            }
        }
        Terminal.write(buffer)
        if format == .csv {
            let states = progress.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            Terminal.note("\(progress.release): \(progress.notices) notices: \(states.joined(separator: ", "))")
        }
    }
}
