import ArgumentParser
import Foundation
import PolicyProject

/// `policyc templates export`.
struct TemplateCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "The built-in templates of the site and the notice emails.",
        subcommands: [TemplatesExport.self])
}

struct TemplatesExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the built-in templates out to customise them: the site's, and the emails' in email/.",
        discussion: """
        The site and the notices use the templates built into policyc, with the project's own templates/ in their \
        place file by file: keep only the files you change. Nothing is written over an existing file (exit 1, naming it).
        """)

    @OptionGroup var project: ProjectOption
    @Argument(help: "Where to write them (default: the project's templates/).", completion: .directory)
    var folder: String?

    func run() throws {
        let target = folder.map { URL(fileURLWithPath: Terminal.absolutePath($0), isDirectory: true) }
            ?? project.resolve().root.appendingPathComponent(Project.templatesFolder, isDirectory: true)
        let display = folder ?? Project.templatesFolder
        let written = try ProjectTemplates.export(to: target, displayPath: display)
        Terminal.write("wrote \(written.count) templates into \(display)/:\n" + written.map { "  \($0)\n" }.joined())
    }
}
