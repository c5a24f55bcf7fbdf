import Mustache
import PolicyModel

/// Renders the static site: an index of the policies and one page per policy, from Mustache templates.
///
/// Output is a map of relative path → bytes and depends only on its inputs, so a rebuild with
/// nothing changed produces identical bytes.
public struct SiteRenderer: Sendable {
    public struct SiteInfo: Sendable {
        public var title: String
        public var baseURL: String

        public init(title: String, baseURL: String) {
            self.title = title
            self.baseURL = baseURL
        }
    }

    /// A template that failed to compile, with the template's name.
    public struct TemplateError: Error, Sendable {
        public var template: String
        public var message: String
    }

    public static let requiredTemplates = ["layout-head", "layout-foot", "policy", "index"]

    private let library: MustacheLibrary
    private let site: SiteInfo
    /// Files copied as they are (the stylesheet).
    private let assets: [String: [UInt8]]

    /// `templates`: template name (file name without `.mustache`) → source.
    public init(site: SiteInfo, templates: [String: String], assets: [String: [UInt8]]) throws(TemplateError) {
        var library = MustacheLibrary()
        for (name, source) in templates.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(source, named: name)
            } catch {
                throw TemplateError(template: name, message: "\(error)")
            }
        }
        for name in Self.requiredTemplates where library.getTemplate(named: name) == nil {
            throw TemplateError(template: name, message: "missing template \(name).mustache")
        }
        self.library = library
        self.site = site
        self.assets = assets
    }

    /// The file name of a policy's current page.
    public static func pagePath(for document: Document) -> String {
        document.id + ".html"
    }

    public func render(_ documents: [Document]) -> [String: [UInt8]] {
        var files = assets
        var entries: [[String: Any]] = []
        for document in documents.sorted(by: { $0.id < $1.id }) {
            let path = Self.pagePath(for: document)
            let article = HTMLRenderer.render(document)
            var policy: [String: Any] = ["id": document.id, "title": document.title, "article": article, "url": path]
            if let lastUpdated = document.lastUpdated {
                policy["lastUpdated"] = lastUpdated.text
                policy["lastUpdatedISO"] = lastUpdated.date?.description ?? ""
            }
            entries.append(policy)
            files[path] = page(template: "policy", title: document.title, path: path, extra: ["policy": policy])
        }
        files["index.html"] = page(template: "index", title: site.title, path: "index.html",
                                   extra: ["policies": entries])
        return files
    }

    private func page(template: String, title: String, path: String, extra: [String: Any]) -> [UInt8] {
        var context: [String: Any] = [
            "site": ["title": site.title, "baseURL": site.baseURL],
            "page": ["title": title, "root": "", "canonical": canonicalURL(path)],
        ]
        for (key, value) in extra { context[key] = value }
        let html = library.render(context, withTemplate: template) ?? ""
        return Array(html.utf8)
    }

    private func canonicalURL(_ path: String) -> String {
        guard !site.baseURL.isEmpty, LinkPolicy.isSafe(site.baseURL) else { return "" }
        let base = site.baseURL.hasSuffix("/") ? String(site.baseURL.dropLast()) : site.baseURL
        return base + "/" + path
    }
}
