#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to an open file descriptor with POSIX calls: the CLI's standard output and the notice batches.
public enum FileDescriptor {
    /// Writes every byte, resuming after partial writes and interruptions; the errno of a failure, or nil.
    public static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}

/// Files that must survive a crash or a power cut: written in full, flushed, and their folder flushed
/// after a rename, so the rename itself is on disk. The one place that does it, for releases, the site
/// and the notices.
public enum DurableFile {
    /// Writes `bytes` to a new file at `path` (replacing a regular file there) and flushes it. Never
    /// follows a symbolic link at `path`: a link planted there is an error, not a way out. The errno of
    /// a failure, or nil.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t = 0o644) -> Int32? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        if let failure = FileDescriptor.writeAll(bytes, to: descriptor) { return failure }
        return fsync(descriptor) == 0 ? nil : errno
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) -> Int32? {
        bytes.withUnsafeBytes { write($0, to: path, mode: mode) }
    }

    /// Flushes a folder's entries (the names a rename changed). The errno of a failure, or nil.
    @discardableResult
    public static func syncFolder(_ path: String) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        // Some file systems cannot flush a folder (EINVAL): nothing more can be done there.
        return fsync(descriptor) == 0 || errno == EINVAL ? nil : errno
    }

    /// A message for an errno.
    public static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Replaces the file at `path` with `bytes`, all or nothing, through a `StagedFile`: a reader sees
    /// the old file or the new one, and after a crash or a power cut the new one is whole. The errno of
    /// a failure, or nil; on failure the staged copy is removed and the old file is left as it was.
    public static func replace(_ path: String, with bytes: [UInt8], staging: String? = nil,
                               mode: mode_t = 0o644) -> Int32? {
        let file: StagedFile
        do {
            file = try StagedFile.create(replacing: path, staging: staging, mode: mode)
        } catch {
            return error.code
        }
        if let code = file.write(bytes) {
            file.discard()
            return code
        }
        return file.commit()
    }
}

/// An errno from a file operation.
public struct FileFailure: Error, Sendable {
    public let code: Int32
}

/// A file written in pieces beside its target, then put in its place in one rename: the one way
/// policyc replaces a file (`DurableFile.replace` for whole ones). `commit` flushes the file before the
/// rename and the folder after it, so the rename is never on disk before the bytes it names.
public final class StagedFile {
    /// The file it replaces, and the copy being written.
    public let target: String
    public let staging: String
    private var descriptor: Int32

    private init(target: String, staging: String, descriptor: Int32) {
        self.target = target
        self.staging = staging
        self.descriptor = descriptor
    }

    /// `staging`: the copy's path, beside the target (default `.<name>.tmp-<pid>`); one a crashed writer
    /// left there is replaced. Never follows a symbolic link planted at `staging`.
    public static func create(replacing target: String, staging: String? = nil,
                            mode: mode_t = 0o644) throws(FileFailure) -> StagedFile {
        let staging = staging ?? defaultStaging(for: target)
        let descriptor = open(staging, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw FileFailure(code: errno) }
        return StagedFile(target: target, staging: staging, descriptor: descriptor)
    }

    static func defaultStaging(for target: String) -> String {
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        return "\(folder).\(name).tmp-\(getpid())"
    }

    /// Appends every byte; the errno of a failure, or nil.
    public func write(_ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { FileDescriptor.writeAll($0, to: descriptor) }
    }

    /// Flushes the copy, renames it over the target and flushes the folder. `flushing: false` skips
    /// both flushes, for files whose loss in a power cut something else detects and repairs (the notice
    /// batches: the ledger records each one's size and SHA-256). The errno of a failure, or nil; on
    /// failure the copy is removed.
    public func commit(flushing: Bool = true) -> Int32? {
        defer { descriptor = -1 }
        if flushing, fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            unlink(staging)
            return code
        }
        guard close(descriptor) == 0 else {
            let code = errno
            unlink(staging)
            return code
        }
        guard rename(staging, target) == 0 else {
            let code = errno
            unlink(staging)
            return code
        }
        if flushing { return DurableFile.syncFolder(Self.folder(of: target)) }
        return nil
    }

    /// Removes the copy; the target stays as it was.
    public func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(staging)
    }

    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    deinit {
        discard()
    }
}
