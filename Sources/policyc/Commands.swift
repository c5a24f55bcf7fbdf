import ArgumentParser
import Foundation
import PolicyDiff
import PolicyModel
import PolicyProject
import PolicyRelease
import PolicyRender

enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
    case json, tree
}

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parse one policy and print its structure.")

    @Argument(help: "The Markdown policy.") var file: String
    @Option(help: "json or tree.") var format: DocumentFormat = .json

    func run() throws {
        let document = try PolicySource.load(URL(fileURLWithPath: file), displayPath: file)
        Lifetime.keep(document)
        switch format {
        case .json: Terminal.write(try JSONRenderer.render(document))
        case .tree: Terminal.write(TreeRenderer.render(document))
        }
    }
}

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check policies like a compiler: numbering, terms, references, dates, raw HTML, encoding.",
        discussion: "Exits 1 when a policy has errors (or warnings, with --strict), 2 on usage or I/O failure.")

    @OptionGroup var project: ProjectOptions
    @Argument(help: "Policies to check (default: every policy in policy/).") var paths: [String] = []
    @Option(help: "text or json.") var format: CheckFormat = .text
    @Flag(help: "Treat warnings as errors.") var strict = false
    @Option(help: "Check dates against this day (YYYY-MM-DD) instead of today.") var today: String?

    func run() throws {
        let project = try self.project.open()
        let day = try today.map { text in
            guard let date = CalendarDate(iso: text) else { throw ValidationError("--today must be YYYY-MM-DD") }
            return date
        } ?? CalendarDate.today()
        let report = try PolicyProject.Check(project: project, today: day).run(paths: paths)
        switch format {
        case .json:
            Terminal.write(try JSONRenderer.render(report))
        case .text:
            Terminal.write(DiagnosticFormatter.format(report.diagnostics, color: Terminal.colorsStandardOutput))
            Terminal.note(DiagnosticFormatter.summary(errors: report.errorCount, warnings: report.warningCount,
                                                      files: report.files.count))
        }
        if report.fails(strict: strict) { throw ExitCode(1) }
    }
}

enum RenderFormat: String, ExpressibleByArgument, CaseIterable {
    case html, text, json
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Render one policy to standard output.")

    @Argument(help: "The Markdown policy.") var file: String
    @Option(help: "html (an <article> with anchors and a table of contents), text or json.") var format: RenderFormat = .html

    func run() throws {
        // The HTML shows no analysis (terms, references): don't compute it.
        let document = try PolicySource.load(URL(fileURLWithPath: file), displayPath: file,
                                             analysis: format == .html ? [] : .all)
        Lifetime.keep(document)
        switch format {
        case .html: Terminal.write(HTMLRenderer.renderBytes(document))
        case .text: Terminal.write(TextRenderer.render(document))
        case .json: Terminal.write(try JSONRenderer.render(document))
        }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the static site from every policy in policy/ and the templates in templates/.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The output folder, replaced atomically.") var out: String = "_site"
    @Option(help: "Build the site as of this day (YYYY-MM-DD; default today, UTC).") var today: CalendarDate?

    func run() throws {
        let build = SiteBuild(project: try project.open(), today: today ?? .today())
        let result = try build.build(outputFolder: out)
        Terminal.note(result.changed
            ? "built \(result.pages.count) pages into \(out)/"
            : "\(out)/ is up to date (\(result.pages.count) pages)")
    }
}

enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two revisions of a policy clause by clause and classify every change.",
        discussion: """
        The verdict is the highest tier of any change: unchanged, editorial, material or consent. \
        With --exit-code: exit 1 when the verdict is material or consent, 0 otherwise, 2 on errors.
        """)

    @OptionGroup var project: ProjectOptions
    @Argument(help: "The old revision: a file, DOC (the draft in policy/) or DOC@v2 (a released version).") var old: String
    @Argument(help: "The new revision; without it, OLD names a policy whose draft is compared with its latest release.")
    var new: String?
    @Option(help: "text, json or html (a standalone redline page).") var format: DiffFormat = .text
    @Flag(help: "Exit 1 when Users must be notified (material or consent).") var exitCode = false

    func run() throws {
        let comparison = Comparison(project: try project.open())
        let changes: ChangeSet
        do {
            changes = try new.map { new throws(ProjectError) in try comparison.compare(oldPath: old, newPath: new) }
                ?? comparison.compareDraft(old)
        } catch {
            // Like diff(1): 1 means "differs", so every error is 2, a refusal included.
            Terminal.error((error as? ProjectError)?.description ?? "\(error)")
            throw ExitCode(2)
        }
        Lifetime.keep(changes)
        switch format {
        case .json: Terminal.write(try Trace.measure("render json") { try JSONRenderer.bytes(changes) })
        case .text: Terminal.write(DiffTextRenderer.render(changes, color: Terminal.colorsStandardOutput))
        case .html: Terminal.write(RedlineRenderer.page(changes))
        }
        if exitCode, changes.material { throw ExitCode(1) }
    }
}

/// A `YYYY-MM-DD` option value.
extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }
}

enum ReleaseFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release the draft policy/DOC.md: archive it, stamp its \"Last updated\" line, write CHANGELOG.md.",
        discussion: """
        The change since the last release is classified like `policyc diff`. A material (or consent) release takes \
        effect after the notice period of policy/policyc.yml (default 30 days) unless --effective names a later day; \
        an earlier one is refused. Editorial releases take effect on the release date. All writes land together or \
        not at all; re-running after a release does nothing; a second release at the same time is refused.
        """)

    @OptionGroup var project: ProjectOptions
    @Argument(help: "The policy: the name of its file in policy/ without .md.") var document: String
    @Option(help: "The release date (YYYY-MM-DD; default today, UTC).") var date: CalendarDate?
    @Option(help: "The effective date (YYYY-MM-DD).") var effective: CalendarDate?
    @Flag(help: "Print what would happen and write nothing.") var dryRun = false
    @Option(help: "text or json.") var format: ReleaseFormat = .text

    func run() throws {
        let releases = Releases(project: try project.open())
        let outcome = try releases.release(document, date: date ?? .today(), effective: effective, dryRun: dryRun)
        switch (outcome, format) {
        case (.upToDate(let record), .text):
            Terminal.write("\(document) is up to date: the draft is \(record.version), released \(record.releaseDate)\n")
        case (.upToDate(let record), .json):
            Terminal.write(try JSONRenderer.render(ReleaseReport(status: "up-to-date", release: record, changes: nil)))
        case (.nothingToRelease(let record), .text):
            Terminal.write("\(document): nothing to release: only the \"Last updated\" date differs from \(record.version)\n")
        case (.nothingToRelease(let record), .json):
            Terminal.write(try JSONRenderer.render(ReleaseReport(status: "nothing-to-release", release: record, changes: nil)))
        case (.released(let plan), .text), (.wouldRelease(let plan), .text):
            let verb = dryRun ? "would release" : "released"
            let record = plan.record
            Terminal.write("\(document) \(record.version) \(verb): \(record.verdict.rawValue), released \(record.releaseDate), "
                           + "effective \(record.effectiveDate)\n")
            for line in record.summary { Terminal.write("  \(line)\n") }
            if record.verdict.needsNotice {
                Terminal.write("Users must be notified by email before \(record.effectiveDate).\n")
            }
        case (.released(let plan), .json), (.wouldRelease(let plan), .json):
            Terminal.write(try JSONRenderer.render(ReleaseReport(status: dryRun ? "dry-run" : "released",
                                                                 release: plan.record, changes: plan.changes)))
        }
    }
}

struct ReleaseReport: Encodable {
    var status: String
    var release: ReleaseRecord
    var changes: ChangeSet?
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per policy: the version in force today, pending versions, and unreleased changes in the draft.")

    @OptionGroup var project: ProjectOptions
    @Argument(help: "The policy (default: every policy in policy/).") var document: String?
    @Option(help: "Answer for this day instead of today (YYYY-MM-DD).") var on: CalendarDate?
    @Option(help: "text or json.") var format: ReleaseFormat = .text

    func run() throws {
        let releases = Releases(project: try project.open())
        let day = on ?? .today()
        let statuses = try (document.map { [$0] } ?? releases.documents()).map { document throws(ProjectError) in
            try releases.status(document, today: day)
        }
        if format == .json { return Terminal.write(try JSONRenderer.render(statuses)) }
        for status in statuses {
            var out = "\(status.document):\n"
            if let record = status.inForce {
                out += "  in force on \(day): \(record.version) (\(record.verdict.rawValue), effective \(record.effectiveDate))\n"
            } else {
                out += "  in force on \(day): none\n"
            }
            for record in status.pending {
                out += "  pending: \(record.version) (\(record.verdict.rawValue)), takes effect \(record.effectiveDate)\n"
            }
            out += "  draft: " + (status.unreleased.map { "unreleased changes (\($0))" } ?? "no unreleased changes") + "\n"
            Terminal.write(out)
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the text of a policy that was in force on a day.")

    @OptionGroup var project: ProjectOptions
    @Argument(help: "The policy.") var document: String
    @Option(help: "The day (YYYY-MM-DD).") var on: CalendarDate

    func run() throws {
        let (record, text) = try Releases(project: try project.open()).text(document, on: on)
        Terminal.note("\(document) \(record.version), in force since \(record.effectiveDate)")
        Terminal.write(text)
    }
}
