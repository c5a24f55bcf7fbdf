import Foundation
import PolicyDiff
import PolicyModel
import PolicyNotice
import PolicyParser
import PolicyRelease
import PolicyRender

/// `policyc build`: every policy in `policy/` to a static site, written atomically.
public struct SiteBuild: Sendable {
    public struct Result: Sendable {
        public var pages: [String]
        /// False when the output folder already held exactly these files and was left alone.
        public var changed: Bool
        /// The next day a pending version takes effect: the pages are static, so the site must be rebuilt then.
        public var nextChange: CalendarDate?
        /// The pages of the review site, when one was asked for.
        public var reviewPages: [String] = []
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
        try render(try policies())
    }

    /// Every policy with its versions, notes and changes, read and verified from the archive.
    public func policies() throws(ProjectError) -> [PolicySite] {
        let releases = Releases(project: project)
        try releases.requireSettled()
        let documents = try releases.documents()
        _ = try project.config.requireBaseURL(path: Project.configFile)
        return try documents.map { document throws(ProjectError) in try site(for: document, releases) }
    }

    /// The public site of `policies`: what Users read.
    func render(_ policies: [PolicySite]) throws(ProjectError) -> [String: Data] {
        let renderer: SiteRenderer
        do {
            let files = try templateFiles()
            let config = project.config.site
            renderer = try SiteRenderer(site: .init(title: config.title, baseURL: config.baseURL, locale: config.locale),
                                        templates: try loadTemplates(files), assets: files.filter { $0.key.hasSuffix(".css") })
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
        let records = history.releases
        let notes = try records.map { record throws(ProjectError) in try releases.archivedNotes(document, record) }
        let parsed = try releases.archivedDocuments(document, history)
        let maps = try releases.identityMaps(document, history, parsed)
        // Each version as its pages show it: under its persistent ids, its clauses carrying their other names.
        let versions = records.enumerated().map { index, record in
            PolicySite.Version(name: record.version, releaseDate: record.releaseDate, effectiveDate: record.effectiveDate,
                               verdict: record.verdict.rawValue, summary: record.summary,
                               document: parsed[index].withPersistentIDs(maps[index]), notes: notes[index]?.document,
                               overrides: record.overrides.map { "\($0.fingerprint) → \($0.tier.rawValue): \($0.reason)" },
                               anchors: Self.clauseAliases(maps[index]))
        }
        var site = PolicySite(draft: draft, versions: versions, today: today)
        let options = project.config.diffOptions
        // Consecutive pairs, on both cores; the changes name persistent ids, as the pages do.
        let pairs = Array(zip(versions, versions.dropFirst()))
        let results = ParallelResults<ChangeSet>(count: pairs.count)
        DispatchQueue.concurrentPerform(iterations: pairs.count) { index in
            results.set(index, PolicyDiffer.diff(pairs[index].0.document, pairs[index].1.document, options: options))
        }
        for (index, pair) in pairs.enumerated() { site.changes[pair.1.name] = results.value(index) }
        // Deep links into any older version keep landing on the current page: an element carries every name
        // it ever had, and a name whose element is gone lands on a note saying when it went.
        if let current = site.inForce, let currentIndex = versions.firstIndex(where: { $0.name == current.name }) {
            site.oldAnchors = versions[currentIndex].anchors
            site.removedParts = Self.removedParts(document, records, maps, current: currentIndex)
        }
        return site
    }

    /// Each clause's other names by its persistent id (sections carry theirs as their aliases).
    static func clauseAliases(_ map: IdentityMap) -> [String: [String]] {
        Dictionary(map.clauses.filter { !$0.aliases.isEmpty }.map { ($0.id, $0.aliases) }, uniquingKeysWith: +)
    }

    /// Every name an earlier page carried that the version `current` no longer carries, with the version
    /// that removed it and a link to the last version that had it, at that name.
    static func removedParts(_ document: String, _ records: [ReleaseRecord], _ maps: [IdentityMap],
                             current: Int) -> [HTMLRenderer.RemovedPart] {
        let carried = maps[current].names
        var lastCarried: [String: Int] = [:]
        for index in 0..<current {
            for name in maps[index].names where !carried.contains(name) { lastCarried[name] = index }
        }
        return lastCarried.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { name, index in
            HTMLRenderer.RemovedPart(anchor: name, removedIn: records[index + 1].number, lastIn: records[index].number,
                                     url: "\(document)/\(records[index].version).html#\(name)")
        }
    }

    /// Written into every site it builds, listing every file the build wrote. A folder without it is
    /// not replaced (it may be anything: `policy/`); nor is one with it that holds other files since (a
    /// ledger that `notify` was pointed at it, say): replacing the folder would delete them.
    public static let marker = ".policyc-site"
    static let markerHeader = "Built by policyc build; replaced whole by the next build. Its files:"

    /// A folder of nothing but pages, styles and feeds (a site built before the marker existed) may be replaced.
    private static func holdsOnlyPages(_ folder: URL) -> Bool {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isDirectoryKey]) else {
            return false
        }
        for case let url as URL in enumerator {
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { continue }
            guard ["html", "css", "xml"].contains(url.pathExtension) else { return false }
        }
        return true
    }

    /// The files in `folder` that its marker does not list (all of them, when it has none).
    private static func filesNotWritten(in folder: URL) -> [String] {
        let manager = FileManager.default
        let listed = (try? String(contentsOf: folder.appendingPathComponent(marker), encoding: .utf8))
            .map { Set($0.split(separator: "\n").dropFirst().map(String.init)) } ?? []
        var strangers: [String] = []
        guard let enumerator = manager.enumerator(atPath: folder.path) else { return [] }
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue, path != marker, !listed.contains(path) { strangers.append(path) }
        }
        return strangers.sorted()
    }

    /// The folders a build must never replace, nor sit inside, nor hold: the project, its policies and
    /// their archive, its templates, the notices and the ledger (they hold Users' addresses), and git.
    private func protectedFolders() -> [String] {
        let config = project.config.notice
        // A ledger in PostgreSQL has no folder here.
        let ledgerFolder = if case .sqlite(let path) = LedgerLocation(config.ledger) { (path as NSString).deletingLastPathComponent } else { "" }
        return [".", Project.policyFolder, Project.templatesFolder, config.output, ledgerFolder, ".git"]
            .filter { !$0.isEmpty }
            .map { Self.realPath(project.url(for: $0)) }
    }

    /// A path with the symbolic links of its existing part resolved, so `--out link-to-policy` is seen for what it is.
    static func realPath(_ url: URL) -> String {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while Project.resolvingLinks(existing.path) == nil, existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        var path = Project.resolvingLinks(existing.path) ?? existing.path
        for part in rest { path = path == "/" ? "/\(part)" : "\(path)/\(part)" }
        return path
    }

    /// Renders and swaps the result into `outputFolder` (relative to the project root unless absolute), and
    /// the internal review into `reviewFolder` when one is given. Each folder is replaced atomically.
    public func build(outputFolder: String, reviewFolder: String? = nil) throws(ProjectError) -> Result {
        let target = try checkedTarget(outputFolder)
        var review: URL?
        if let reviewFolder {
            let reviewTarget = try checkedTarget(reviewFolder)
            // The review names tiers, rules and override reasons: it must never be published with the site.
            let (site, other) = (Self.realPath(target), Self.realPath(reviewTarget))
            if site == other || other.hasPrefix(site + "/") || site.hasPrefix(other + "/") {
                throw .refused(path: reviewFolder, message: "the review cannot be built into, around or inside the public "
                               + "site (\(outputFolder)): it would be published; choose a folder beside it")
            }
            review = reviewTarget
        }
        let policies = try policies()
        var files = try render(policies)
        let listing = ([Self.markerHeader] + files.keys.sorted()).joined(separator: "\n") + "\n"
        files[Self.marker] = Data(listing.utf8)
        var reviewPages: [String] = []
        if let review, let reviewFolder {
            var reviewFiles = ReviewRenderer.render(policies, siteTitle: project.config.site.title).mapValues { Data($0) }
            reviewFiles[Self.marker] = Data(([Self.markerHeader] + reviewFiles.keys.sorted()).joined(separator: "\n").utf8 + [0x0A])
            try AtomicOutput.replaceFolder(review, with: reviewFiles, displayPath: reviewFolder)
            reviewPages = reviewFiles.keys.filter { $0.hasSuffix(".html") }.sorted()
        }
        let changed = try AtomicOutput.replaceFolder(target, with: files, displayPath: outputFolder)
        return Result(pages: files.keys.filter { $0.hasSuffix(".html") }.sorted(), changed: changed,
                      nextChange: policies.compactMap(\.nextChange).min(), reviewPages: reviewPages)
    }

    /// `folder` as a place a build may replace: not the project's own folders, and a folder only this
    /// command wrote (its marker lists every file in it), or nothing yet.
    private func checkedTarget(_ folder: String) throws(ProjectError) -> URL {
        let target = project.url(for: folder).standardizedFileURL
        let real = Self.realPath(target)
        for protected in protectedFolders() where real == protected || real.hasPrefix(protected + "/")
            || protected.hasPrefix(real == "/" ? "/" : real + "/") {
            // The project's root is only protected as itself, or as something inside the site.
            if protected == Self.realPath(project.root), real.hasPrefix(protected + "/") { continue }
            throw .refused(path: folder, message: "the site cannot be built into, around or inside the project's own "
                           + "folders (policy/, templates/, the notices and their ledger, .git); choose another folder")
        }
        var status = stat()
        if lstat(target.path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .refused(path: folder, message: "is not a folder (a symbolic link?); it is left alone")
            }
            let ours = FileManager.default.fileExists(atPath: target.appendingPathComponent(Self.marker).path)
            guard ours || Self.holdsOnlyPages(target) else {
                throw .refused(path: folder, message: "exists and was not built by policyc; it is left alone "
                               + "(remove it, or choose another folder)")
            }
            if ours, let stranger = Self.filesNotWritten(in: target).first {
                throw .refused(path: folder, message: "holds \(Diagnostic.singleLine(stranger)), which no build wrote; "
                               + "replacing the site would delete it (move it out, or choose another folder)")
            }
        }
        return target
    }

    /// The templates and stylesheets of the site by file name: the built-in ones, with the project's own
    /// `templates/*.mustache` and `templates/*.css` in their place (a project may override one file only).
    func templateFiles() throws(ProjectError) -> [String: [UInt8]] {
        var files = SiteTemplates.builtIn
        for name in try projectTemplateNames() where name.hasSuffix(".mustache") || name.hasSuffix(".css") {
            let path = "\(Project.templatesFolder)/\(name)"
            files[name] = Array(try PolicySource.readBytes(try project.fileURL(path), displayPath: path))
        }
        return files
    }

    private func loadTemplates(_ files: [String: [UInt8]]) throws(ProjectError) -> [String: String] {
        var templates: [String: String] = [:]
        for (name, bytes) in files where name.hasSuffix(".mustache") {
            if let offset = UTF8Validation.firstInvalidOffset(bytes) {
                throw .unreadable(path: "\(Project.templatesFolder)/\(name)", reason: "not valid UTF-8 (byte \(offset))")
            }
            templates[String(name.dropLast(".mustache".count))] = String(decoding: bytes, as: UTF8.self)
        }
        return templates
    }

    /// The names in the project's `templates/`; none when it has no such folder (the built-in templates serve).
    private func projectTemplateNames() throws(ProjectError) -> [String] {
        let folder = project.root.appendingPathComponent(Project.templatesFolder)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else { return [] }
        try project.requireContained(folder: Project.templatesFolder)
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw .unreadable(path: Project.templatesFolder, reason: isFolder.boolValue ? error.localizedDescription : "not a folder")
        }
    }
}
