import Foundation

/// A set of file writes that lands all together or not at all, even through SIGKILL.
///
/// Each new file is written in full beside its target (`.policyc-new`), then a journal naming them is
/// written atomically, then each is renamed into place, then the journal is removed. A crash before the
/// journal exists leaves the old state (the staged files are litter, removed by `recover`); a crash
/// after it is rolled forward by `recover`, which every command that reads the archive runs first.
/// So the repository is always the old state or, once recovered, the complete new one.
public struct FileTransaction: Sendable {
    public struct Write: Sendable, Codable {
        public var target: String
        public var staged: String
    }

    static let journalName = ".release-journal.json"
    static let stagedSuffix = ".policyc-new"

    /// The folder the journal lives in (`policy/`); targets are absolute paths.
    public let folder: URL
    /// Test hook: `POLICYC_CRASH_AT=<step>` kills the process with SIGKILL at that step, so tests can
    /// prove every step leaves a recoverable state. Steps: staged, journal, renamed-N, done.
    let crashAt = ProcessInfo.processInfo.environment["POLICYC_CRASH_AT"]

    public init(folder: URL) {
        self.folder = folder
    }

    var journal: URL { folder.appendingPathComponent(Self.journalName) }

    /// The project root: the journal names files relative to it, so a moved checkout still recovers.
    var root: URL { folder.deletingLastPathComponent() }

    private func relative(_ url: URL) -> String {
        let rootPath = root.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(rootPath) ? String(path.dropFirst(rootPath.count)) : path
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
    }

    public func commit(_ files: [(url: URL, data: Data)]) throws {
        let manager = FileManager.default
        var writes: [Write] = []
        for file in files {
            let staged = URL(fileURLWithPath: file.url.path + Self.stagedSuffix)
            try manager.createDirectory(at: file.url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Self.writeDurably(file.data, to: staged)
            writes.append(Write(target: relative(file.url), staged: relative(staged)))
        }
        crashIfAsked("staged")
        let encoded = try JSONEncoder().encode(writes)
        let temporary = journal.appendingPathExtension("tmp")
        try Self.writeDurably(encoded, to: temporary)
        guard rename(temporary.path, journal.path) == 0 else { throw POSIXError(.EIO) }
        crashIfAsked("journal")
        try apply(writes)
    }

    /// Whether a crash left a transaction to finish.
    public var isInterrupted: Bool { FileManager.default.fileExists(atPath: journal.path) }

    /// Finishes a transaction a crash interrupted, and removes staged files no journal names.
    /// Call it holding the `ReleaseLock`: without it, it could sweep away a release being staged.
    public func recover() throws {
        let manager = FileManager.default
        if let data = manager.contents(atPath: journal.path) {
            let writes = try JSONDecoder().decode([Write].self, from: data)
            try apply(writes)
        }
        try? manager.removeItem(at: journal.appendingPathExtension("tmp"))
        if let enumerator = manager.enumerator(atPath: folder.path) {
            while let path = enumerator.nextObject() as? String {
                if path.hasSuffix(Self.stagedSuffix) { try? manager.removeItem(at: folder.appendingPathComponent(path)) }
            }
        }
        let root = folder.deletingLastPathComponent()
        for name in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] where name.hasSuffix(Self.stagedSuffix) {
            try? manager.removeItem(at: root.appendingPathComponent(name))
        }
    }

    private func apply(_ writes: [Write]) throws {
        let manager = FileManager.default
        for (index, write) in writes.enumerated() {
            let staged = absolute(write.staged), target = absolute(write.target)
            // Idempotent: a rename already done before a crash is not done again. A write whose staged file
            // and target are both gone cannot be finished: that is an error, never a silent success.
            if manager.fileExists(atPath: staged) {
                guard rename(staged, target) == 0 else { throw POSIXError(.EIO) }
            } else if !manager.fileExists(atPath: target) {
                throw POSIXError(.ENOENT)
            }
            crashIfAsked("renamed-\(index + 1)")
        }
        try manager.removeItem(at: journal)
        crashIfAsked("done")
    }

    private func crashIfAsked(_ step: String) {
        if crashAt == step { kill(getpid(), SIGKILL) }
    }

    static func writeDurably(_ data: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}

/// One release at a time: `policy/.release.lock`, created exclusively, holding the owner's process id.
/// A lock whose process is gone (killed) is taken over; a live one makes the second release refuse.
public final class ReleaseLock: Sendable {
    public struct Held: Error, CustomStringConvertible {
        public var pid: Int32
        public var description: String { "another policyc release is running (process \(pid)); try again when it ends" }
    }

    let url: URL

    static func url(in folder: URL) -> URL { folder.appendingPathComponent(".release.lock") }

    /// The process holding the lock, if it still runs.
    static func owner(in folder: URL) -> Int32? {
        let url = url(in: folder)
        guard let text = try? String(contentsOf: url, encoding: .utf8),
              let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return kill(owner, 0) == 0 ? owner : nil
    }

    public init(folder: URL) throws {
        // `url` is set only once the lock is ours: a throwing init that had set it would run `deinit`
        // and remove another process's lock.
        let lockURL = Self.url(in: folder)
        // The lock appears with its process id already in it (written aside, then hard-linked into place),
        // so nobody ever sees an empty lock and takes it for a stale one.
        let claim = folder.appendingPathComponent(".release.lock.\(getpid())")
        try FileTransaction.writeDurably(Data("\(getpid())\n".utf8), to: claim)
        defer { unlink(claim.path) }
        for _ in 0..<2 {
            if link(claim.path, lockURL.path) == 0 {
                url = lockURL
                return
            }
            guard errno == EEXIST else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            if let owner = Self.owner(in: folder), owner != getpid() { throw Held(pid: owner) }
            // Stale: its process is gone.
            try? FileManager.default.removeItem(at: lockURL)
        }
        throw Held(pid: 0)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
