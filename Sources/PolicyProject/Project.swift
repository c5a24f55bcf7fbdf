import Foundation
import PolicyModel
import PolicyLint
import PolicyParser
import PolicyRelease

/// The policies on disk: `policy/*.md`, `policy/policyc.yml`, `templates/`.
public struct Project: Sendable {
    /// The folder that holds `policy/` (paths in diagnostics are relative to it).
    public let root: URL
    public let config: ProjectConfig
    /// The root with every symbolic link resolved: what "inside the project" is measured against.
    let realRoot: String

    public static let policyFolder = "policy"
    public static let configFile = "policy/policyc.yml"
    public static let templatesFolder = "templates"

    /// How its policies are parsed: the reference pipeline unless the caller (the executable) asks
    /// for the fast paths (`ParseOptions`).
    public let parseOptions: ParseOptions

    /// Opens the project at `root`; a missing config is the defaults, an invalid one an error.
    public init(root: URL, parseOptions: ParseOptions = .reference) throws(ProjectError) {
        self.root = root
        self.parseOptions = parseOptions
        realRoot = Project.resolvingLinks(root.path) ?? root.standardizedFileURL.path
        let configURL = root.appendingPathComponent(Project.configFile)
        if FileManager.default.fileExists(atPath: configURL.path) {
            let contained = try Project.fileURL(Project.configFile, root: root, realRoot: realRoot)
            let text = try PolicySource.readText(contained, displayPath: Project.configFile)
            config = try ProjectConfig.parse(text, path: Project.configFile)
        } else {
            config = ProjectConfig()
        }
    }

    /// The policies in `policy/`, as paths relative to the root, sorted so every run sees the same order.
    public func policyPaths() throws(ProjectError) -> [String] {
        let folder = root.appendingPathComponent(Project.policyFolder)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue {
                throw .unreadable(path: Project.policyFolder, reason: error.localizedDescription)
            }
            throw .noProject(folder: root.path)
        }
        // `DOC.notes.md` beside a draft holds the notes of its next release, not a policy.
        let policies = names.filter {
            $0.hasSuffix(".md") && !$0.hasPrefix(".") && $0.lowercased() != "readme.md" && !$0.hasSuffix(ReleaseNotes.besideSuffix)
        }.sorted()
        if let bad = policies.first(where: { !DocumentName.isValid($0.dropLast(3)) }) {
            throw .refused(path: Project.policyFolder + "/" + Diagnostic.singleLine(bad),
                           message: "a policy's file name may only use letters, digits, '.', '_' and '-', "
                           + "and starts with a letter or a digit")
        }
        let paths = policies.map { Project.policyFolder + "/" + $0 }
        for path in paths { _ = try fileURL(path) }
        return paths
    }

    /// A file of the project, by its path relative to the root; refused when it is a symbolic link, or
    /// lies behind one, that leads out of the project. The project may come from a pull request, and
    /// `policy/leak.md → ~/.ssh/id_rsa` must not be read, let alone published.
    public func fileURL(_ path: String) throws(ProjectError) -> URL {
        try Project.fileURL(path, root: root, realRoot: realRoot)
    }

    private static func fileURL(_ path: String, root: URL, realRoot: String) throws(ProjectError) -> URL {
        let url = root.appendingPathComponent(path)
        // A file that is not there is for its reader to report.
        guard let resolved = Project.resolvingLinks(url.path) else { return url }
        guard resolved == realRoot || resolved.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
            throw .refused(path: Diagnostic.singleLine(path), message: "is a symbolic link to "
                           + "\(Diagnostic.singleLine(resolved)), outside the project; policyc reads only files inside it")
        }
        return url
    }

    /// Refuses a folder of the project (`templates/`) that holds a symbolic link leading out of it.
    public func requireContained(folder: String) throws(ProjectError) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [] {
            _ = try fileURL("\(folder)/\(name)")
        }
    }

    static func resolvingLinks(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `policy/privacy-policy.md` → `privacy-policy`; nil for a path that is not a draft in `policy/`.
    public static func documentID(forPolicyPath path: String) -> String? {
        let prefix = policyFolder + "/"
        guard path.hasPrefix(prefix), path.hasSuffix(".md") else { return nil }
        let name = path.dropFirst(prefix.count).dropLast(3)
        return name.isEmpty || name.contains("/") ? nil : String(name)
    }

    /// The nearest folder at or above `folder` that holds a `policy/` folder, as git finds `.git`; nil
    /// when none does.
    public static func discover(from folder: URL) -> URL? {
        var candidate = folder.standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(policyFolder).path, isDirectory: &isFolder),
               isFolder.boolValue {
                return candidate
            }
            let parent = candidate.deletingLastPathComponent().standardizedFileURL
            if parent.path == candidate.path { return nil }
            candidate = parent
        }
    }

    /// A path as given on the command line or relative to the root.
    public func url(for path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    public func loadDocument(_ path: String, analysis: PolicyParser.Analysis = .all) throws(ProjectError) -> Document {
        try PolicySource.load(url(for: path), displayPath: path, analysis: analysis, options: parseOptions)
    }

    /// Two revisions of a policy; with the fast paths, parsed together, what they share parsed once.
    /// Each document is handed to its `finishing` function as soon as it is made (see
    /// `PolicyParser.parse(old:…)`).
    public func loadRevisions<Old: Sendable, New: Sendable>(
        old oldPath: String, new newPath: String, analysis: PolicyParser.Analysis = .all,
        finishingOld: (Document) -> Old, finishingNew: @escaping @Sendable (Document) -> New) throws(ProjectError) -> (old: Old, new: New) {
        let old = try PolicySource.readBytes(url(for: oldPath), displayPath: oldPath)
        let new = try PolicySource.readBytes(url(for: newPath), displayPath: newPath)
        return PolicyParser.parse(old: old, oldPath: oldPath, new: new, newPath: newPath, analysis: analysis,
                                  options: parseOptions, finishingOld: finishingOld, finishingNew: finishingNew)
    }

    /// Lint options from the config; `today` is the caller's (the CLI's clock, a test's fixed day).
    public func lintOptions(today: CalendarDate) -> LintOptions {
        LintOptions(today: today)
    }
}

/// Reading policy files: the one place that turns I/O failures into `ProjectError`s.
public enum PolicySource {
    /// Policies above this size are refused rather than parsed: no real policy is 256 MB.
    public static let maximumBytes = 256 << 20

    public static func load(_ url: URL, displayPath: String, analysis: PolicyParser.Analysis = .all,
                            options: ParseOptions = .reference) throws(ProjectError) -> Document {
        PolicyParser.parse(try readBytes(url, displayPath: displayPath), path: displayPath, analysis: analysis,
                           options: options)
    }

    /// A file's bytes. The size of a regular file is checked before anything is read, so a huge file
    /// is refused at no cost; pipes (`<(git show …)`) and other files are read to their end, and
    /// refused once past the limit.
    public static func readBytes(_ url: URL, displayPath: String) throws(ProjectError) -> Data {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .notFound(path: displayPath, what: "file") }
            throw .unreadable(path: displayPath, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(path: displayPath, reason: String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            throw .unreadable(path: displayPath, reason: "is a directory")
        case S_IFREG:
            guard status.st_size <= maximumBytes else { throw tooLarge(displayPath) }
            return try readRegular(descriptor, size: Int(status.st_size), displayPath: displayPath)
        default:
            return try readToEnd(descriptor, displayPath: displayPath)
        }
    }

    private static func tooLarge(_ displayPath: String) -> ProjectError {
        .unreadable(path: displayPath, reason: "larger than \(maximumBytes >> 20) MB")
    }

    private static func readRegular(_ descriptor: Int32, size: Int, displayPath: String) throws(ProjectError) -> Data {
        var data = Data(count: size)
        var failure: Int32 = 0
        let count = data.withUnsafeMutableBytes { buffer in
            var count = 0
            while count < size {
                let got = read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    if got < 0 { failure = errno }
                    break
                }
                count += got
            }
            return count
        }
        guard failure == 0 else { throw .unreadable(path: displayPath, reason: String(cString: strerror(failure))) }
        // The file shrank since fstat: what is there is the file.
        if count < size { data.count = count }
        return data
    }

    private static func readToEnd(_ descriptor: Int32, displayPath: String) throws(ProjectError) -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw .unreadable(path: displayPath, reason: String(cString: strerror(errno))) }
            if got == 0 { return data }
            guard data.count + got <= maximumBytes else { throw tooLarge(displayPath) }
            data.append(contentsOf: chunk[..<got])
        }
    }

    public static func readText(_ url: URL, displayPath: String) throws(ProjectError) -> String {
        let data = try readBytes(url, displayPath: displayPath)
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: displayPath, reason: "not valid UTF-8")
        }
        return text
    }
}
