import Foundation
import PolicyModel
import PolicyRender

/// `policyc build`: every policy in `policy/` to a static site, written atomically.
public struct SiteBuild: Sendable {
    public struct Result: Sendable {
        public var pages: [String]
        /// False when the output folder already held exactly these files and was left alone.
        public var changed: Bool
    }

    public let project: Project

    public init(project: Project) {
        self.project = project
    }

    /// Renders the site in memory; nothing is written.
    public func render() throws(ProjectError) -> [String: Data] {
        let documents = try project.policyPaths().map { path throws(ProjectError) in try project.loadDocument(path) }
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
        return renderer.render(documents).mapValues { Data($0) }
    }

    /// Renders and swaps the result into `outputFolder` (relative to the project root unless absolute).
    public func build(outputFolder: String) throws(ProjectError) -> Result {
        let files = try render()
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
