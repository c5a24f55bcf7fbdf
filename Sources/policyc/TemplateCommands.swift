import Foundation
import PolicyCommandLine
import PolicyProject

struct TemplatesExport: Command {
    static let spec = CommandSpec(
        "export",
        abstract: "Write the built-in templates out to customise them: the site's, and the emails' in email/.",
        discussion: """
        The site and the notices use the templates built into policyc, with the project's own templates/ in their \
        place file by file: keep only the files you change. Nothing is written over an existing file (exit 1, naming it).
        """,
        parameters: [
            ProjectOption.parameter,
            .argument("folder", .optional, help: "Where to write them (default: the project's templates/)."),
        ])

    let project: ProjectOption
    let folder: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        project = ProjectOption(arguments)
        folder = arguments.string("folder")
    }

    func run() throws {
        let target = folder.map { URL(fileURLWithPath: Terminal.absolutePath($0), isDirectory: true) }
            ?? project.root.appendingPathComponent(Project.templatesFolder, isDirectory: true)
        let display = folder ?? Project.templatesFolder
        let written = try ProjectTemplates.export(to: target, displayPath: display)
        Terminal.write("wrote \(written.count) templates into \(display)/:\n" + written.map { "  \($0)\n" }.joined())
    }
}
