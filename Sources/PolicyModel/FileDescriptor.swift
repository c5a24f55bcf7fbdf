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
}
