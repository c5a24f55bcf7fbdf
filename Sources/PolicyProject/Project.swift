import Foundation
import PolicyModel
import PolicyLint
import PolicyParser

/// The policies on disk: `policy/*.md`, `policy/policyc.yml`, `templates/`.
public struct Project: Sendable {
    /// The folder that holds `policy/` (paths in diagnostics are relative to it).
    public let root: URL
    public let config: ProjectConfig

    public static let policyFolder = "policy"
    public static let configFile = "policy/policyc.yml"
    public static let templatesFolder = "templates"

    /// Opens the project at `root`; a missing config is the defaults, an invalid one an error.
    public init(root: URL) throws(ProjectError) {
        self.root = root
        let configURL = root.appendingPathComponent(Project.configFile)
        if FileManager.default.fileExists(atPath: configURL.path) {
            let text = try PolicySource.readText(configURL, displayPath: Project.configFile)
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
            throw .notFound(path: Project.policyFolder, what: "policy folder")
        }
        let policies = names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") && $0.lowercased() != "readme.md" }.sorted()
        // A policy's name becomes a URL, a folder and a CLI argument: letters, digits, '.', '_' and '-' only.
        if let bad = policies.first(where: { name in
            !name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        }) {
            throw .refused(path: Project.policyFolder + "/" + Diagnostic.singleLine(bad),
                           message: "a policy's file name may only use letters, digits, '.', '_' and '-'")
        }
        return policies.map { Project.policyFolder + "/" + $0 }
    }

    /// `policy/privacy-policy.md` → `privacy-policy`; nil for a path that is not a draft in `policy/`.
    public static func documentID(forPolicyPath path: String) -> String? {
        let prefix = policyFolder + "/"
        guard path.hasPrefix(prefix), path.hasSuffix(".md") else { return nil }
        let name = path.dropFirst(prefix.count).dropLast(3)
        return name.isEmpty || name.contains("/") ? nil : String(name)
    }

    /// A path as given on the command line or relative to the root.
    public func url(for path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    public func loadDocument(_ path: String, analysis: PolicyParser.Analysis = .all) throws(ProjectError) -> Document {
        try PolicySource.load(url(for: path), displayPath: path, analysis: analysis)
    }

    /// Two revisions of a policy, parsed together: what they share is parsed once. Each document is
    /// handed to its `finishing` function as soon as it is made (see `PolicyParser.parse(old:…)`).
    public func loadRevisions<Old: Sendable, New: Sendable>(
        old oldPath: String, new newPath: String, analysis: PolicyParser.Analysis = .all,
        finishingOld: (Document) -> Old, finishingNew: @escaping @Sendable (Document) -> New) throws(ProjectError) -> (old: Old, new: New) {
        let old = try PolicySource.readBytes(url(for: oldPath), displayPath: oldPath)
        let new = try PolicySource.readBytes(url(for: newPath), displayPath: newPath)
        return PolicyParser.parse(old: old, oldPath: oldPath, new: new, newPath: newPath, analysis: analysis,
                                  finishingOld: finishingOld, finishingNew: finishingNew)
    }

    /// Lint options from the config; `today` is the caller's (the CLI's clock, a test's fixed day).
    public func lintOptions(today: CalendarDate) -> LintOptions {
        LintOptions(glossary: config.glossary, today: today)
    }
}

/// Reading policy files: the one place that turns I/O failures into `ProjectError`s.
public enum PolicySource {
    /// Policies above this size are refused rather than parsed: no real policy is 256 MB.
    public static let maximumBytes = 256 << 20

    public static func load(_ url: URL, displayPath: String,
                            analysis: PolicyParser.Analysis = .all) throws(ProjectError) -> Document {
        PolicyParser.parse(try readBytes(url, displayPath: displayPath), path: displayPath, analysis: analysis)
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
