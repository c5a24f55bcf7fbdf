import Mustache
import PolicyDiff
import PolicyModel

/// One policy as the site shows it: the draft (while never released) or its released versions.
public struct PolicySite: Sendable {
    public struct Version: Sendable {
        public var name: String
        public var releaseDate: CalendarDate
        public var effectiveDate: CalendarDate
        public var verdict: String
        public var summary: [String]
        public var document: Document
        /// The author's release notes, parsed (nil when the release has none).
        public var notes: Document?
        /// The override decisions and their reasons, for the review only.
        public var overrides: [String]
        /// Other names of the version's clauses on its page (earlier persistent ids), by clause id.
        public var anchors: [String: [String]]

        public init(name: String, releaseDate: CalendarDate, effectiveDate: CalendarDate, verdict: String,
                    summary: [String], document: Document, notes: Document? = nil, overrides: [String] = [],
                    anchors: [String: [String]] = [:]) {
            self.name = name
            self.releaseDate = releaseDate
            self.effectiveDate = effectiveDate
            self.verdict = verdict
            self.summary = summary
            self.document = document
            self.notes = notes
            self.overrides = overrides
            self.anchors = anchors
        }

        /// `v3` → 3.
        public var number: Int { Int(name.dropFirst()) ?? 0 }
    }

    public var draft: Document
    /// Released versions, oldest first.
    public var versions: [Version]
    /// The day the site is built for: which version is in force, which are pending.
    public var today: CalendarDate
    /// Each version's changes from the one before, by version name.
    public var changes: [String: ChangeSet]
    /// Anchors of older versions that no longer exist, by the id of the current element they land on.
    public var oldAnchors: [String: [String]]
    /// Anchors of parts that no element of the version in force continues: each lands on a removal note.
    public var removedParts: [HTMLRenderer.RemovedPart]

    public init(draft: Document, versions: [Version] = [], today: CalendarDate, changes: [String: ChangeSet] = [:],
                oldAnchors: [String: [String]] = [:], removedParts: [HTMLRenderer.RemovedPart] = []) {
        self.draft = draft
        self.versions = versions
        self.today = today
        self.changes = changes
        self.oldAnchors = oldAnchors
        self.removedParts = removedParts
    }

    /// The version in force today; before the first takes effect, the first released text (never the draft,
    /// which may hold changes nobody released); the draft while nothing was ever released.
    public var current: (document: Document, version: Version?) {
        if let version = inForce { return (version.document, version) }
        if let first = versions.first { return (first.document, nil) }
        return (draft, nil)
    }

    public var inForce: Version? {
        versions.filter { $0.effectiveDate <= today }.last
    }

    public var pending: [Version] {
        versions.filter { $0.effectiveDate > today }
    }

    enum State: String {
        case pending, inForce, superseded
    }

    func state(of version: Version) -> State {
        if version.effectiveDate > today { return .pending }
        return version.name == inForce?.name ? .inForce : .superseded
    }

    /// The next day a pending version takes effect: the day this site must be rebuilt.
    public var nextChange: CalendarDate? {
        pending.map(\.effectiveDate).min()
    }
}

/// Renders the static site: an index of the policies and one page per policy, from Mustache templates.
///
/// Output is a map of relative path → bytes and depends only on its inputs, so a rebuild with
/// nothing changed produces identical bytes.
public struct SiteRenderer: Sendable {
    public struct SiteInfo: Sendable {
        public var title: String
        public var baseURL: String
        /// The language of the pages (`en`, `fr`): dates are written in its words, and `<html lang>` says it.
        public var locale: String

        public init(title: String, baseURL: String, locale: String = "en") {
            self.title = title
            self.baseURL = baseURL
            self.locale = locale
        }
    }

    /// A template that failed to compile, with the template's name.
    public struct TemplateError: Error, Sendable {
        public var template: String
        public var message: String
    }

    public static let requiredTemplates = ["layout-head", "layout-foot", "policy", "index", "archive", "changes", "feed"]

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

    public func render(_ policies: [PolicySite]) -> [String: [UInt8]] {
        var files = assets
        var entries: [[String: Any]] = []
        var feedEntries: [(date: CalendarDate, entry: [String: Any])] = []
        for policy in policies.sorted(by: { $0.draft.id < $1.draft.id }) {
            let id = policy.draft.id
            let current = policy.current
            let path = "\(id).html"
            var context = describe(current.document, url: path)
            context["archiveURL"] = policy.versions.isEmpty ? nil : "\(id)/archive.html"
            if let version = current.version {
                context["version"] = describe(version, state: policy.state(of: version))
            }
            if let upcoming = policy.pending.first {
                var notice: [String: Any] = [
                    "effectiveDate": "\(upcoming.effectiveDate)",
                    "effectiveDateWords": words(upcoming.effectiveDate),
                    "url": "\(id)/\(upcoming.name).html",
                    "material": upcoming.verdict == "material" || upcoming.verdict == "consent",
                ]
                // A first version has no redline: there is nothing before it to compare with.
                if policy.changes[upcoming.name] != nil {
                    notice["changesURL"] = "\(id)/\(upcoming.name)-changes.html"
                } else {
                    notice["first"] = true
                }
                if let notes = upcoming.notes { notice["notesHTML"] = NotesRenderer.html(notes) }
                context["notice"] = notice
            }
            context["article"] = HTMLRenderer.render(current.document, options: .init(
                extraAnchors: policy.oldAnchors, removedParts: current.version == nil ? [] : policy.removedParts))
            entries.append(context)
            files[path] = page(template: "policy", title: current.document.title, path: path, root: "",
                               extra: ["policy": context])

            var rows: [[String: Any]] = []
            for (index, version) in policy.versions.enumerated() {
                let versionPath = "\(id)/\(version.name).html"
                var versionContext = describe(version.document, url: versionPath)
                versionContext["version"] = describe(version, state: policy.state(of: version))
                versionContext["state"] = true
                versionContext["currentURL"] = "../\(id).html"
                versionContext["article"] = HTMLRenderer.render(version.document, options: .init(extraAnchors: version.anchors))
                files[versionPath] = page(template: "policy", title: "\(version.document.title) \(version.name)",
                                          path: versionPath, root: "../", extra: ["policy": versionContext])
                var row = describe(version, state: policy.state(of: version))
                row["url"] = "\(version.name).html"
                if index > 0, let changes = policy.changes[version.name] {
                    let previous = policy.versions[index - 1]
                    let changesPath = "\(id)/\(version.name)-changes.html"
                    row["changesURL"] = "\(version.name)-changes.html"
                    var changesContext: [String: Any] = [
                        // The changes name persistent ids (SiteBuild diffs the versions under them): the
                        // ids the version pages carry.
                        "article": RedlineRenderer.article(changes, for: .readers, pages: .init(
                            old: "\(previous.name).html", oldNumber: previous.number,
                            new: "\(version.name).html", newNumber: version.number)),
                        "from": describe(previous, state: policy.state(of: previous)),
                        "to": describe(version, state: policy.state(of: version)),
                        "archiveURL": "archive.html", "title": version.document.title,
                    ]
                    if let notes = version.notes { changesContext["notesHTML"] = NotesRenderer.html(notes) }
                    files[changesPath] = page(template: "changes", title: "Changes in \(version.document.title) \(version.name)",
                                              path: changesPath, root: "../", extra: ["changes": changesContext])
                }
                rows.append(row)
                // Readers get the author's notes and dates in words, not the review's tiers and rule ids.
                var entry: [String: Any] = [
                    "title": "\(version.document.title) \(version.name)",
                    "id": absoluteURL(versionPath, fallback: "urn:policyc:\(id):\(version.name)"),
                    "url": absoluteURL(versionPath, fallback: versionPath),
                    "updated": "\(version.releaseDate)T00:00:00Z",
                    "version": describe(version, state: policy.state(of: version)),
                ]
                if row["changesURL"] != nil {
                    entry["changesURL"] = absoluteURL("\(id)/\(version.name)-changes.html",
                                                      fallback: "\(id)/\(version.name)-changes.html")
                }
                if let notes = version.notes { entry["notesHTML"] = NotesRenderer.html(notes) }
                feedEntries.append((version.releaseDate, entry))
            }
            if !rows.isEmpty {
                let archivePath = "\(id)/archive.html"
                files[archivePath] = page(template: "archive", title: "\(current.document.title): all versions",
                                          path: archivePath, root: "../",
                                          extra: ["archive": ["title": current.document.title, "currentURL": "../\(id).html",
                                                              "versions": Array(rows.reversed())] as [String: Any]])
            }
        }
        files["index.html"] = page(template: "index", title: site.title, path: "index.html", root: "",
                                   extra: ["policies": entries])
        let newest = feedEntries.map(\.date).max().map { "\($0)T00:00:00Z" } ?? "1970-01-01T00:00:00Z"
        files["feed.xml"] = page(template: "feed", title: site.title, path: "feed.xml", root: "",
                                 extra: ["feed": ["updated": newest, "id": absoluteURL("feed.xml", fallback: "urn:policyc:feed"),
                                                  "selfURL": absoluteURL("feed.xml", fallback: "feed.xml"),
                                                  "siteURL": absoluteURL("index.html", fallback: "index.html"),
                                                  "entries": feedEntries.sorted { $0.date > $1.date }.map(\.entry)]
                                         as [String: Any]])
        return files
    }

    private func describe(_ document: Document, url: String) -> [String: Any] {
        var context: [String: Any] = ["id": document.id, "title": document.title, "url": url]
        // The index's "Last updated" is the site's words, in its locale like every other date it shows (the
        // policy's own line may say "December 14, 2026" beside "20 January 2027"); the line's text when its
        // date cannot be read.
        if let lastUpdated = document.lastUpdated {
            context["lastUpdated"] = lastUpdated.date.map(words) ?? lastUpdated.text
            context["lastUpdatedISO"] = lastUpdated.date?.description
        }
        return context
    }

    /// A version as readers see it: its number and dates (in words too), and where it stands today. Not
    /// its verdict or summary: those are the review's.
    private func describe(_ version: PolicySite.Version, state: PolicySite.State) -> [String: Any] {
        ["name": version.name, "number": version.number,
         "releaseDate": "\(version.releaseDate)", "effectiveDate": "\(version.effectiveDate)",
         "releaseDateWords": words(version.releaseDate), "effectiveDateWords": words(version.effectiveDate),
         "pending": state == .pending, "inForce": state == .inForce, "superseded": state == .superseded]
    }

    private func words(_ date: CalendarDate) -> String {
        DateWords.format(date, locale: site.locale)
    }

    private func absoluteURL(_ path: String, fallback: String) -> String {
        let canonical = canonicalURL(path)
        return canonical.isEmpty ? fallback : canonical
    }

    private func page(template: String, title: String, path: String, root: String, extra: [String: Any]) -> [UInt8] {
        var context: [String: Any] = [
            "site": ["title": site.title, "baseURL": site.baseURL, "locale": site.locale],
            "page": ["title": title, "root": root, "canonical": canonicalURL(path)],
        ]
        for (key, value) in extra { context[key] = value }
        let html = library.render(context, withTemplate: template) ?? ""
        return Self.withoutControlCharacters(Array(html.utf8))
    }

    /// XML 1.0 forbids C0 control characters but tab, LF and CR, and the noncharacters U+FFFE and U+FFFF
    /// (a feed holding one is no XML at all), and HTML calls them and C1 parse errors: a title with U+0001
    /// or U+000B must not break the feed. They become U+FFFD; `check` reports them (`control-character`).
    static func withoutControlCharacters(_ bytes: [UInt8]) -> [UInt8] {
        func isControl(_ index: Int) -> Int {
            let byte = bytes[index]
            if byte < 0x20 { return byte == 0x09 || byte == 0x0A || byte == 0x0D ? 0 : 1 }
            if byte == 0x7F { return 1 }
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { return 2 }
            if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE { return 3 }
            return 0
        }
        guard bytes.indices.contains(where: { isControl($0) > 0 }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let length = isControl(index)
            if length > 0 {
                out += [0xEF, 0xBF, 0xBD]
                index += length
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private func canonicalURL(_ path: String) -> String {
        guard !site.baseURL.isEmpty, LinkPolicy.isSafe(site.baseURL) else { return "" }
        let base = site.baseURL.hasSuffix("/") ? String(site.baseURL.dropLast()) : site.baseURL
        return base + "/" + path
    }
}
