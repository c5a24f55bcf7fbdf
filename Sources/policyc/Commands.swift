import ArgumentParser
import Foundation
import PolicyDiff
import PolicyModel
import PolicyProject
import PolicyRelease
import PolicyRender

enum DocumentFormat: String, CaseIterable, ExpressibleByArgument {
    case json, tree
}

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse", abstract: "Parse one policy and print its structure.")

    @Argument(help: "The Markdown policy.", completion: .file(extensions: ["md"]))
    var file: String
    @Option(name: .shortAndLong, help: "json or tree.")
    var format: DocumentFormat = .json

    func run() throws {
        let document = try PolicySource.load(URL(fileURLWithPath: file), displayPath: file, options: Policyc.parseOptions)
        Lifetime.keep(document)
        switch format {
        case .json: Terminal.write(try JSONRenderer.render(document))
        case .tree: Terminal.write(TreeRenderer.render(document))
        }
    }
}

enum CheckFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check policies like a compiler: numbering, terms, references, dates, raw HTML, encoding.",
        discussion: "Exits 1 when a policy has errors (or warnings, with --strict), 2 on usage or I/O failure.")

    @OptionGroup var project: ProjectOption
    @Argument(help: "Policies to check (default: every policy in policy/).", completion: .file(extensions: ["md"]))
    var paths: [String] = []
    @Option(name: .shortAndLong, help: "text or json.")
    var format: CheckFormat = .text
    @Flag(help: "Treat warnings as errors.")
    var strict = false
    @Option(help: "Check dates against this day (YYYY-MM-DD) instead of today.")
    var today: String?

    func validate() throws {
        _ = try OptionValue.day(today, option: "today")
    }

    func run() throws {
        let project = self.project.resolve()
        let report = try PolicyProject.Check(project: try project.open(),
                                             today: try OptionValue.day(today, option: "today") ?? .today())
            .run(paths: paths.map(project.path))
        switch format {
        case .json:
            Terminal.write(try JSONRenderer.render(report))
        case .text:
            Terminal.write(DiagnosticFormatter.format(report.diagnostics, color: Terminal.colorsStandardOutput))
            Terminal.note(DiagnosticFormatter.summary(errors: report.errorCount, warnings: report.warningCount,
                                                      files: report.files.count))
        }
        if report.fails(strict: strict) { throw Exit(status: 1) }
    }
}

enum RenderFormat: String, CaseIterable, ExpressibleByArgument {
    case html, text, json
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Render one policy to standard output.")

    @Argument(help: "The Markdown policy.", completion: .file(extensions: ["md"]))
    var file: String
    @Option(name: .shortAndLong, help: "html (an <article> with anchors and a table of contents), text or json.")
    var format: RenderFormat = .html

    func run() throws {
        // The HTML shows no analysis (terms, references): don't compute it.
        let document = try PolicySource.load(URL(fileURLWithPath: file), displayPath: file,
                                             analysis: format == .html ? [] : .all, options: Policyc.parseOptions)
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
        abstract: "Build the static site from every policy in policy/, through the built-in templates and the project's templates/.")

    static let defaultOutput = "_site"

    @OptionGroup var project: ProjectOption
    /// The default `_site` is the project's; a folder given is the user's, from the current folder.
    @Option(name: .shortAndLong, help: "The output folder, replaced atomically (default: \(defaultOutput)).",
            completion: .directory)
    var out: String?
    @Option(help: """
        Also write the internal review (verdicts, tiers, rules, override reasons) into this folder, for the legal \
        team; never inside the public site.
        """, completion: .directory)
    var review: String?
    @Option(help: "Build the site as of this day (YYYY-MM-DD; default today, UTC).")
    var today: String?

    func validate() throws {
        _ = try OptionValue.day(today, option: "today")
    }

    func run() throws {
        let project = self.project.resolve()
        let out = self.out ?? Self.defaultOutput
        let build = SiteBuild(project: try project.open(), today: try OptionValue.day(today, option: "today") ?? .today())
        let result = try build.build(outputFolder: self.out.map(project.path) ?? out, reviewFolder: review.map(project.path))
        Terminal.note(result.changed
            ? "built \(result.pages.count) pages into \(out)/"
            : "\(out)/ is up to date (\(result.pages.count) pages)")
        if let review { Terminal.note("wrote the review (\(result.reviewPages.count) pages) into \(review)/") }
        // The pages are static: the version in force changes only when the site is built again.
        if let next = result.nextChange {
            Terminal.note("the site next changes on \(next), when a pending version takes effect: build it again that day")
        }
    }
}

enum DiffFormat: String, CaseIterable, ExpressibleByArgument {
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

    @OptionGroup var project: ProjectOption
    @Argument(help: "The old revision: a file, DOC (the draft in policy/) or DOC@v2 (a released version).",
              completion: .file(extensions: ["md"]))
    var old: String
    @Argument(help: "The new revision; without it, OLD names a policy whose draft is compared with its latest release.",
              completion: .file(extensions: ["md"]))
    var new: String?
    @Option(name: .shortAndLong, help: "text, json or html (a standalone redline page).")
    var format: DiffFormat = .text
    @Flag(help: "Exit 1 when Users must be notified (material or consent).")
    var exitCode = false

    func run() throws {
        let project = self.project.resolve()
        let comparison = Comparison(project: try project.open())
        let changes: ChangeSet
        do {
            changes = try new.map { new throws(ProjectError) in
                try comparison.compare(oldPath: project.reference(old), newPath: project.reference(new))
            } ?? comparison.compareDraft(project.reference(old))
        } catch {
            // Like diff(1): 1 means "differs", so every error is 2, a refusal included.
            Terminal.error((error as? ProjectError)?.description ?? "\(error)")
            throw Exit(status: 2)
        }
        Lifetime.keep(changes)
        switch format {
        case .json: Terminal.write(try Trace.measure("render json") { try JSONRenderer.bytes(changes) })
        case .text: Terminal.write(DiffTextRenderer.render(changes, color: Terminal.colorsStandardOutput))
        case .html: Terminal.write(RedlineRenderer.page(changes))
        }
        if exitCode, changes.material { throw Exit(status: 1) }
    }
}

enum ReleaseFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release the draft policy/DOC.md: archive it, stamp its \"Last updated\" line, write CHANGELOG.md.",
        discussion: """
        The change since the last release is classified like `policyc diff`. A material (or consent) release takes \
        effect after the notice period of policy/policyc.yml (default \(ProjectConfig.Notice().periodDays) days) unless \
        --effective names a later day; an earlier one is refused. Editorial releases take effect on the release date. \
        All writes land together or not at all; re-running after a release does nothing; a second release at the same \
        time is refused.
        """)

    @OptionGroup var project: ProjectOption
    @Argument(help: "The policy: the name of its file in policy/ without .md.", completion: .documents)
    var document: String
    @Option(help: "The release date (YYYY-MM-DD; default today, UTC).")
    var date: String?
    @Option(help: "The effective date (YYYY-MM-DD).")
    var effective: String?
    @Option(help: """
        The release notes: a short summary in Markdown, for Users (FILE, or - for standard input). Needed by \
        material and consent releases; without it, policy/DOC.notes.md is used, and emptied by the release.
        """, completion: .file(extensions: ["md"]))
    var notes: String?
    @Flag(name: [.customShort("n"), .long], help: "Print what would happen and write nothing.")
    var dryRun = false
    @Option(name: .shortAndLong, help: "text or json.")
    var format: ReleaseFormat = .text

    func validate() throws {
        _ = try OptionValue.day(date, option: "date")
        _ = try OptionValue.day(effective, option: "effective")
    }

    func run() throws {
        let project = self.project.resolve()
        let date = try OptionValue.day(self.date, option: "date")
        let effective = try OptionValue.day(self.effective, option: "effective")
        let releases = Releases(project: try project.open())
        var source: Releases.NotesSource?
        if notes == "-" {
            let standardInput = "<standard input>"
            source = .bytes(try PolicySource.readBytes(URL(fileURLWithPath: "/dev/stdin"), displayPath: standardInput),
                            displayPath: standardInput)
        } else if let notes {
            // A file named on the command line is the user's, from the folder they stand in.
            source = .file(project.path(notes))
        }
        let outcome = try releases.release(document, date: date ?? .today(), effective: effective, dryRun: dryRun,
                                           notes: source)
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
            if let notes = record.notes { Terminal.write("  release notes: \(Releases.archiveFolder)/\(document)/\(notes)\n") }
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

    @OptionGroup var project: ProjectOption
    @Argument(help: "The policy (default: every policy in policy/).", completion: .documents)
    var document: String?
    @Option(help: "Answer for this day instead of today (YYYY-MM-DD).")
    var on: String?
    @Option(name: .shortAndLong, help: "text or json.")
    var format: ReleaseFormat = .text

    func validate() throws {
        _ = try OptionValue.day(on, option: "on")
    }

    func run() throws {
        let releases = Releases(project: try project.resolve().open())
        let day = try OptionValue.day(on, option: "on") ?? .today()
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
        if let next = statuses.compactMap(\.nextChange).min() {
            Terminal.write("The site next changes on \(next): rebuild it that day (policyc build).\n")
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the text of a policy that was in force on a day.")

    @OptionGroup var project: ProjectOption
    @Argument(help: "The policy.", completion: .documents)
    var document: String
    @Option(help: "The day (YYYY-MM-DD).")
    var on: String

    func validate() throws {
        _ = try OptionValue.day(on, option: "on")
    }

    func run() throws {
        // Checked by validate(): a day.
        guard let on = try OptionValue.day(self.on, option: "on") else { return }
        let (record, text) = try Releases(project: try project.resolve().open()).text(document, on: on)
        Terminal.note("\(document) \(record.version), in force since \(record.effectiveDate)")
        Terminal.write(text)
    }
}
