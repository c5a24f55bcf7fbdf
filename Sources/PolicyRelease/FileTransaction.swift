import Foundation
import PolicyModel

/// A set of file writes that lands all together or not at all, even through SIGKILL.
///
/// Each new file is written in full beside its target (`<target>.policyc-new-<pid>`), then a journal
/// naming them is written atomically, then each is renamed into place, then the journal is removed. A
/// crash before the journal exists leaves the old state (the staged files are litter, removed by
/// `recover`); a crash after it is rolled forward by `recover`, which `policyc release` runs first.
///
/// The journal is read back from a folder that a pull request may have written, so it is trusted for
/// nothing: `recover` finishes only a journal whose every write is one a release makes (a draft or its
/// notes in `policy/`, a version, its notes or `releases.json` in its archive, `CHANGELOG.md`), staged beside its target,
/// through real folders and onto regular files. Anything else is `Failure.invalidJournal`, and nothing
/// is moved.
public struct FileTransaction: Sendable {
    public struct Write: Sendable, Codable, Hashable {
        /// Relative to the project root.
        public var target: String
        public var staged: String
    }

    struct Journal: Codable {
        var format: String
        var writes: [Write]
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The journal is not one a release wrote: it is never applied.
        case invalidJournal(String)
        case io(path: String, reason: String)

        public var description: String {
            switch self {
            case .invalidJournal(let reason):
                "this is not a journal policyc wrote (\(reason)); nothing was moved. "
                    + "If you did not commit it, remove it"
            case .io(let path, let reason): "\(path): \(reason)"
            }
        }
    }

    public static let journalPath = "policy/.release-journal.json"
    static let journalFormat = "policyc release journal 1"
    static let stagedMarker = ".policyc-new"

    /// The project root: the journal names files relative to it, so a moved checkout still recovers.
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    private func absolute(_ path: String) -> String { root.appendingPathComponent(path).path }

    /// Writes every file (paths relative to the root) or none. Call it holding the `ReleaseLock`.
    public func commit(_ files: [(path: String, bytes: [UInt8])]) throws(Failure) {
        var writes: [Write] = []
        for file in files {
            guard Self.isReleaseTarget(file.path) else { throw .io(path: file.path, reason: "not a file a release writes") }
            try makeFolders(of: file.path)
            let write = Write(target: file.path, staged: "\(file.path)\(Self.stagedMarker)-\(getpid())")
            if let code = DurableFile.write(file.bytes, to: absolute(write.staged)) {
                throw .io(path: write.staged, reason: DurableFile.reason(code))
            }
            writes.append(write)
        }
        CrashPoint.reach("release-staged")
        let encoded: [UInt8]
        do {
            encoded = try JSONWriter.bytes(Journal(format: Self.journalFormat, writes: writes), style: .compact)
        } catch {
            throw .io(path: Self.journalPath, reason: "\(error)")
        }
        // Named as `isLitter` knows it, for a sweep after a crash before the rename.
        let temporary = "\(Self.journalPath).tmp-\(getpid())"
        if let code = DurableFile.replace(absolute(Self.journalPath), with: encoded, staging: absolute(temporary)) {
            throw .io(path: Self.journalPath, reason: DurableFile.reason(code))
        }
        CrashPoint.reach("release-journal")
        try apply(writes)
    }

    /// Whether a crash left a journal behind (valid or not).
    public var isInterrupted: Bool {
        var status = stat()
        return lstat(absolute(Self.journalPath), &status) == 0
    }

    /// The journal a crash left, checked: nil when there is none; `invalidJournal` when it names
    /// anything a release would not write.
    public func pendingWrites() throws(Failure) -> [Write]? {
        guard isInterrupted else { return nil }
        guard case .regular = kind(Self.journalPath) else { throw .invalidJournal("it is not a regular file") }
        guard let data = FileManager.default.contents(atPath: absolute(Self.journalPath)),
              let journal = try? JSONDecoder().decode(Journal.self, from: data),
              journal.format == Self.journalFormat else {
            throw .invalidJournal("it is not in the journal's format")
        }
        guard !journal.writes.isEmpty, Set(journal.writes.map(\.target)).count == journal.writes.count else {
            throw .invalidJournal("it names no file, or one file twice")
        }
        for write in journal.writes {
            try validate(write)
        }
        return journal.writes
    }

    /// The documents an interrupted release was writing (from its archive paths), for messages.
    public static func documents(of writes: [Write]) -> [String] {
        Array(Set(writes.compactMap { write -> String? in
            let parts = write.target.split(separator: "/")
            return parts.count == 4 && parts[1] == "archive" ? String(parts[2]) : nil
        })).sorted()
    }

    /// Finishes a transaction a crash interrupted, after checking its journal, and removes staged files
    /// no journal names. Call it holding the `ReleaseLock`: without it, it could sweep away a release
    /// being staged.
    public func recover() throws(Failure) {
        if let writes = try pendingWrites() { try apply(writes) }
        sweepLitter()
    }

    // MARK: What a journal may name

    /// The id map beside a version's copy: `vN.ids.json` (`IdentityMap`).
    public static let identityMapSuffix = ".ids.json"

    /// `CHANGELOG.md`, `policy/DOC.md` (a draft, or `DOC.notes.md`, the notes the release empties),
    /// `policy/archive/DOC/releases.json`, `policy/archive/DOC/vN.md`, `policy/archive/DOC/vN.notes.md` or
    /// `policy/archive/DOC/vN.ids.json`.
    static func isReleaseTarget(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return path == "CHANGELOG.md"
        case 2:
            return parts[0] == "policy" && parts[1].hasSuffix(".md") && DocumentName.isValid(parts[1].dropLast(3))
        case 4:
            guard parts[0] == "policy", parts[1] == "archive", DocumentName.isValid(parts[2]) else { return false }
            if parts[3] == "releases.json" { return true }
            let notes = ReleaseNotes.archivedSuffix
            if parts[3].hasSuffix(notes) { return DocumentName.isVersion(parts[3].dropLast(notes.count)) }
            if parts[3].hasSuffix(identityMapSuffix) { return DocumentName.isVersion(parts[3].dropLast(identityMapSuffix.count)) }
            return parts[3].hasSuffix(".md") && DocumentName.isVersion(parts[3].dropLast(3))
        default:
            return false
        }
    }

    private func validate(_ write: Write) throws(Failure) {
        guard Self.isReleaseTarget(write.target) else {
            throw .invalidJournal("it names \(Diagnostic.singleLine(write.target)), which no release writes")
        }
        let suffix = write.staged.hasPrefix(write.target) ? write.staged.dropFirst(write.target.count) : ""
        guard suffix.hasPrefix(Self.stagedMarker + "-"),
              let pid = Int(suffix.dropFirst(Self.stagedMarker.count + 1)), pid > 0 else {
            throw .invalidJournal("\(Diagnostic.singleLine(write.staged)) is not staged beside \(write.target)")
        }
        try requireRealFolders(of: write.target)
        switch kind(write.staged) {
        case .regular, .missing: break
        default: throw .invalidJournal("\(Diagnostic.singleLine(write.staged)) is not a regular file")
        }
        switch kind(write.target) {
        case .regular, .missing: break
        default: throw .invalidJournal("\(write.target) is not a regular file")
        }
    }

    enum Kind { case missing, regular, folder, other }

    /// What is at `path`, without following a symbolic link (a link is `other`).
    func kind(_ path: String) -> Kind {
        var status = stat()
        guard lstat(absolute(path), &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// Every folder between the root and `path` is a real folder: a symbolic link among them would
    /// carry a rename out of the project.
    private func requireRealFolders(of path: String) throws(Failure) {
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += folder.isEmpty ? String(part) : "/\(part)"
            guard kind(folder) == .folder else { throw .invalidJournal("\(folder) is not a folder of the project") }
        }
    }

    private func makeFolders(of path: String) throws(Failure) {
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += folder.isEmpty ? String(part) : "/\(part)"
            switch kind(folder) {
            case .folder: continue
            case .missing:
                guard mkdir(absolute(folder), 0o755) == 0 || errno == EEXIST else {
                    throw .io(path: folder, reason: DurableFile.reason(errno))
                }
            default:
                throw .io(path: folder, reason: "is not a folder (a symbolic link?); a release writes only inside the project")
            }
        }
    }

    // MARK: Moving

    private func apply(_ writes: [Write]) throws(Failure) {
        var folders = Set<String>()
        for (index, write) in writes.enumerated() {
            // Idempotent: a rename already done before a crash is not done again. A write whose staged file
            // and target are both gone cannot be finished: that is an error, never a silent success.
            switch (kind(write.staged), kind(write.target)) {
            case (.regular, _): try rename(write.staged, to: write.target)
            case (.missing, .regular): break
            default: throw .io(path: write.target, reason: "neither it nor its staged copy is there; the release cannot be finished")
            }
            folders.insert((write.target as NSString).deletingLastPathComponent)
            CrashPoint.reach("release-renamed", index + 1)
        }
        for folder in folders.sorted() { DurableFile.syncFolder(absolute(folder)) }
        guard unlink(absolute(Self.journalPath)) == 0 else { throw .io(path: Self.journalPath, reason: DurableFile.reason(errno)) }
        DurableFile.syncFolder(absolute("policy"))
        CrashPoint.reach("release-done")
    }

    private func rename(_ from: String, to: String) throws(Failure) {
        guard Foundation.rename(absolute(from), absolute(to)) == 0 else {
            throw .io(path: to, reason: "cannot rename \(from) into place: \(DurableFile.reason(errno))")
        }
    }

    /// Staged files and journal drafts of releases that died before their journal: regular files only,
    /// in `policy/` (not through symbolic links) and beside `CHANGELOG.md`.
    private func sweepLitter() {
        let manager = FileManager.default
        var folders = [""]
        while let folder = folders.popLast() {
            let path = folder.isEmpty ? "policy" : "policy/\(folder)"
            for name in (try? manager.contentsOfDirectory(atPath: absolute(path))) ?? [] {
                let child = "\(path)/\(name)"
                switch kind(child) {
                case .folder: folders.append(folder.isEmpty ? name : "\(folder)/\(name)")
                case .regular where Self.isLitter(name): unlink(absolute(child))
                default: continue
                }
            }
        }
        for name in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] where Self.isLitter(name) && kind(name) == .regular {
            unlink(absolute(name))
        }
    }

    /// A file a release staged, or a journal draft, that no finished release wrote into place.
    public static func isLitter(_ name: String) -> Bool {
        name.contains(stagedMarker) || name.hasPrefix(".release-journal.json.tmp")
    }
}

/// One release at a time in a project: an exclusive `flock` on the `policy/` folder itself. The kernel
/// releases it when its holder ends, however it ends, so there is no stale lock to take over and no
/// window in which two processes both believe they hold it.
public final class ReleaseLock: Sendable {
    public struct Held: Error, CustomStringConvertible {
        public var description: String { "another policyc release is running in this project; try again when it ends" }
    }

    private let descriptor: Int32

    public init(folder: URL) throws {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw Held() }
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
