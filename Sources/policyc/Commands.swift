import ArgumentParser
import Foundation
import PolicyDiff
import PolicyModel
import PolicyProject
import PolicyRender

enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
    case json, tree
}

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse one policy and print its structure.")

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
    static let configuration = CommandConfiguration(abstract: "Render one policy to standard output.")

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
        abstract: "Build the static site from every policy in policy/ and the templates in templates/.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The output folder, replaced atomically.") var out: String = "_site"

    func run() throws {
        let build = SiteBuild(project: try project.open())
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
        abstract: "Compare two revisions of a policy clause by clause and classify every change.",
        discussion: """
        The verdict is the highest tier of any change: unchanged, editorial, material or consent.
        With --exit-code: exit 1 when the verdict is material or consent, 0 otherwise, 2 on errors.
        """)

    @OptionGroup var project: ProjectOptions
    @Argument(help: "The old revision.") var old: String
    @Argument(help: "The new revision.") var new: String
    @Option(help: "text, json or html (a standalone redline page).") var format: DiffFormat = .text
    @Flag(help: "Exit 1 when Users must be notified (material or consent).") var exitCode = false

    func run() throws {
        let changes = try Comparison(project: try project.open()).compare(oldPath: old, newPath: new)
        Lifetime.keep(changes)
        switch format {
        case .json: Terminal.write(try JSONRenderer.render(changes))
        case .text: Terminal.write(DiffTextRenderer.render(changes, color: Terminal.colorsStandardOutput))
        case .html: Terminal.write(RedlineRenderer.page(changes))
        }
        if exitCode, changes.material { throw ExitCode(1) }
    }
}
