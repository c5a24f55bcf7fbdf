import ArgumentParser
import Foundation
import PolicyModel
import PolicyProject

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a project: a starter policy, policyc.yml with every key, CHANGELOG.md, .gitignore and a CI pipeline.",
        discussion: """
        Writes policy/privacy-policy.md, policy/policyc.yml, CHANGELOG.md, .gitignore (notices/ and _site/ stay out \
        of git), script/policy-pipeline and .github/workflows/policy.yml. `policyc check && policyc build` work at once. \
        Writes all of them or, when any is there already, none (exit 1, naming what exists).
        """)

    @Argument(help: "Where to start it (default: the current folder); made when missing.", completion: .directory)
    var folder: String?
    @Option(name: .customLong("base-url"), help: """
        The address the site will be published at, site.baseURL (default \(StarterProject.placeholderBaseURL), to \
        replace in policy/policyc.yml).
        """)
    var baseURL: String?

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
