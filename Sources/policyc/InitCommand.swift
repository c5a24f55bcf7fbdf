import Foundation
import PolicyCommandLine
import PolicyModel
import PolicyProject

struct Init: Command {
    static let spec = CommandSpec(
        "init",
        abstract: "Start a project: a starter policy, policyc.yml with every key, CHANGELOG.md, .gitignore and a CI pipeline.",
        discussion: """
        Writes policy/privacy-policy.md, policy/policyc.yml, CHANGELOG.md, .gitignore (notices/ and _site/ stay out \
        of git), script/policy-pipeline and .github/workflows/policy.yml. `policyc check && policyc build` work at once. \
        Writes all of them or, when any is there already, none (exit 1, naming what exists).
        """,
        parameters: [
            .argument("folder", .optional, help: "Where to start it (default: the current folder); made when missing."),
            .option("base-url", help: "The address the site will be published at, site.baseURL "
                    + "(default \(StarterProject.placeholderBaseURL), to replace in policy/policyc.yml)."),
        ])

    let folder: String?
    let baseURL: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        folder = arguments.string("folder")
        baseURL = arguments.string("base-url")
    }

    func run() throws {
        let display = folder ?? "."
        let written = try StarterProject.create(in: URL(fileURLWithPath: Terminal.absolutePath(display), isDirectory: true),
                                                displayPath: display, baseURL: baseURL ?? StarterProject.placeholderBaseURL,
                                                today: .today())
        Terminal.write("started a policyc project in \(folder.map { "\($0)/" } ?? "the current folder"):\n"
                       + written.map { "  \($0)\n" }.joined())
        let cd = folder.map { "cd \($0) && " } ?? ""
        var next = "next: rewrite policy/privacy-policy.md for your company"
        if baseURL == nil {
            next += ", set site.baseURL in policy/policyc.yml (it is \(StarterProject.placeholderBaseURL) for now)"
        }
        Terminal.write(next + ", then run `\(cd)policyc check && policyc build`\n")
    }
}
