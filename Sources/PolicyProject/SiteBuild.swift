import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyRender

/// `policyc build`: every policy in `policy/` to a static site, written atomically.
public struct SiteBuild: Sendable {
    public struct Result: Sendable {
        public var pages: [String]
        /// False when the output folder already held exactly these files and was left alone.
        public var changed: Bool
    }

    public let project: Project
    /// The day the site shows: which version is in force, which are pending.
    public let today: CalendarDate

    public init(project: Project, today: CalendarDate) {
        self.project = project
        self.today = today
    }

    /// Renders the site in memory; nothing is written.
    public func render() throws(ProjectError) -> [String: Data] {
        let releases = Releases(project: project)
        try releases.recover()
        let policies = try releases.documents().map { document throws(ProjectError) in try site(for: document, releases) }
        let renderer: SiteRenderer
        do {
            renderer = try SiteRenderer(site: .init(title: project.config.site.title, baseURL: project.config.site.baseURL),
                                        templates: try loadTemplates(), assets: try loadAssets())
        } catch let error as SiteRenderer.TemplateError {
            throw .invalidTemplate(path: "\(Project.templatesFolder)/\(error.template).mustache", message: error.message)
        } catch let error as ProjectError {
            throw error
        } catch {
            throw .invalidTemplate(path: Project.templatesFolder, message: "\(error)")
        }
        return renderer.render(policies).mapValues { Data($0) }
    }

    /// A policy with its released versions, the changes between them, and the old anchors of the current page.
    private func site(for document: String, _ releases: Releases) throws(ProjectError) -> PolicySite {
        let draft = try project.loadDocument(releases.draftPath(document), analysis: [])
        let history = try releases.history(document)
        var versions: [PolicySite.Version] = []
        for record in history.releases {
            let path = releases.archivedPath(document, record)
            let text = try releases.archivedText(document, record)
            var parsed = PolicyParser.parse(text: text, path: path, analysis: .definedTerms)
            parsed.id = document
            versions.append(PolicySite.Version(name: record.version, releaseDate: record.releaseDate,
                                               effectiveDate: record.effectiveDate, verdict: record.verdict.rawValue,
                                               summary: record.summary, document: parsed))
        }
        var site = PolicySite(draft: draft, versions: versions, today: today)
        let options = project.config.diffOptions
        for (previous, version) in zip(versions, versions.dropFirst()) {
            site.changes[version.name] = PolicyDiffer.diff(previous.document, version.document, options: options)
        }
        // Deep links into any older version keep landing on the current page, at their successor.
        if let current = site.inForce {
            var anchors: [String: Set<String>] = [:]
            for older in versions where older.name != current.name && older.releaseDate <= current.releaseDate {
                for (old, new) in PolicyDiffer.successors(from: older.document, to: current.document) {
                    anchors[new, default: []].insert(old)
                }
            }
            site.oldAnchors = anchors.mapValues { $0.sorted() }
        }
        return site
    }

    /// Renders and swaps the result into `outputFolder` (relative to the project root unless absolute).
    /// Written into every site it builds: a folder without it is not replaced (it may be anything: `policy/`).
    public static let marker = ".policyc-site"

    public func build(outputFolder: String) throws(ProjectError) -> Result {
        let target = project.url(for: outputFolder).standardizedFileURL
        let protected = [project.root, project.root.appendingPathComponent(Project.policyFolder),
                         project.root.appendingPathComponent(Project.templatesFolder)].map { $0.standardizedFileURL.path }
        if protected.contains(target.path) || project.root.standardizedFileURL.path.hasPrefix(target.path + "/") {
            throw .refused(path: outputFolder, message: "the site cannot be built into the project's own folders")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            let empty = (try? FileManager.default.contentsOfDirectory(atPath: target.path))?.isEmpty ?? false
            let ours = FileManager.default.fileExists(atPath: target.appendingPathComponent(Self.marker).path)
            guard isDirectory.boolValue, ours || empty else {
                throw .refused(path: outputFolder, message: "exists and was not built by policyc; it is left alone "
                               + "(remove it, or choose another --out)")
            }
        }
        var files = try render()
        files[Self.marker] = Data("Built by policyc build; replaced whole by the next build.\n".utf8)
        let changed = try AtomicOutput.replaceFolder(project.url(for: outputFolder), with: files, displayPath: outputFolder)
        return Result(pages: files.keys.filter { $0.hasSuffix(".html") }.sorted(), changed: changed)
    }

    private var templatesURL: URL { project.root.appendingPathComponent(Project.templatesFolder) }

    private func loadTemplates() throws(ProjectError) -> [String: String] {
        var templates: [String: String] = [:]
        for name in try templateFolderEntries() where name.hasSuffix(".mustache") {
            let stem = String(name.dropLast(".mustache".count))
            templates[stem] = try PolicySource.readText(templatesURL.appendingPathComponent(name),
                                                        displayPath: "\(Project.templatesFolder)/\(name)")
        }
        return templates
    }

    private func loadAssets() throws(ProjectError) -> [String: [UInt8]] {
        var assets: [String: [UInt8]] = [:]
        for name in try templateFolderEntries() where name.hasSuffix(".css") {
            let data = try PolicySource.readBytes(templatesURL.appendingPathComponent(name),
                                                  displayPath: "\(Project.templatesFolder)/\(name)")
            assets[name] = Array(data)
        }
        return assets
    }

    private func templateFolderEntries() throws(ProjectError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: templatesURL.path).sorted()
        } catch {
            throw .notFound(path: Project.templatesFolder, what: "templates folder")
        }
    }
}
