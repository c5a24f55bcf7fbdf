import Foundation
import PolicyModel
import PolicyRelease

/// `policyc init`: a project that `check` passes and `build` publishes from the first minute. A short
/// privacy policy to rewrite, `policy/policyc.yml` with every key and its default, an empty
/// `CHANGELOG.md`, a `.gitignore` that keeps the notices (Users' addresses) and the site out of git,
/// and the release pipeline with a GitHub Actions workflow that runs it. The texts are files in
/// `Starter/`, built into the binary, so they can be read and reviewed as what they are.
public enum StarterProject {
    /// What `site.baseURL` is until the author sets it: a real URL, so `build` works at once, that
    /// the config's comment says to replace.
    public static let placeholderBaseURL = "https://example.com"
    public static let pipelinePath = "script/policy-pipeline"
    public static let workflowPath = ".github/workflows/policy.yml"

    /// The files of a new project, by path. `baseURL` is checked like `site.baseURL`; `today` dates
    /// the starter policy's "Last updated" line.
    public static func files(baseURL: String = placeholderBaseURL, today: CalendarDate) throws(ProjectError) -> [NewFile] {
        if let problem = ProjectConfig.baseURLProblem(baseURL) {
            throw .invalidUsage(message: "--base-url \(problem)")
        }
        let config = text(PackageResources.policyc_yml).replacing("{{baseURL}}", with: baseURL)
        // The URL goes into YAML as it is written: read it back to be sure it means what it says.
        guard (try? ProjectConfig.parse(config, path: Project.configFile))?.site.baseURL == baseURL else {
            throw .invalidUsage(message: "--base-url cannot be written in policyc.yml as it is; quote-free URLs only")
        }
        let policy = text(PackageResources.privacy_policy_md).replacing("{{lastUpdated}}", with: longDate(today))
        return [
            NewFile(path: "policy/privacy-policy.md", bytes: Array(policy.utf8)),
            NewFile(path: Project.configFile, bytes: Array(config.utf8)),
            NewFile(path: Releases.changelogPath, bytes: Array(Changelog.noReleases.utf8)),
            NewFile(path: ".gitignore", bytes: PackageResources.gitignore),
            NewFile(path: pipelinePath, bytes: PackageResources.policy_pipeline, executable: true),
            NewFile(path: workflowPath, bytes: PackageResources.policy_workflow_yml),
        ]
    }

    /// Writes a new project into `folder` (made when missing): all its files or, when any of them is
    /// there already, none. Returns the paths written.
    @discardableResult
    public static func create(in folder: URL, displayPath: String, baseURL: String = placeholderBaseURL,
                              today: CalendarDate) throws(ProjectError) -> [String] {
        try AtomicOutput.createFiles(try files(baseURL: baseURL, today: today), in: folder, displayPath: displayPath)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"]

    /// `May 4, 2026`: the style the release stamps keep.
    static func longDate(_ date: CalendarDate) -> String {
        "\(months[date.month - 1]) \(date.day), \(date.year)"
    }
}
