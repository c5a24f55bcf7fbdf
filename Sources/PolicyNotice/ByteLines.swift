#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file a line at a time through one fixed buffer, so a export of millions of rows is
/// read in flat memory. Lines end at LF; a CR before it is dropped. The last line may lack its LF.
final class ByteLines {
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// 1-based number of the line `next` returned last.
    private(set) var lineNumber = 0
    /// Whether the line `next` returned last ended with a line feed (false: cut short at end of file).
    private(set) var lastLineTerminated = true

    init(path: String, chunkSize: Int = 1 << 20) throws(NoticeError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit { close(descriptor) }

    private let path: String

    /// Calls `body` with the next line's bytes (valid only during the call); nil at end of file.
    func next<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) throws(NoticeError) -> R? {
        while true {
            if let newline = findNewline() {
                let lineEnd = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
                let lineStart = start
                start = newline + 1
                lineNumber += 1
                lastLineTerminated = true
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[skipBOM(lineStart, lineEnd)..<lineEnd])) }
            }
            if atEnd {
                guard start < end else { return nil }
                let lineEnd = buffer[end - 1] == 0x0D ? end - 1 : end
                let lineStart = start
                start = end
                lineNumber += 1
                lastLineTerminated = false
                return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[skipBOM(lineStart, lineEnd)..<lineEnd])) }
            }
            try fill()
        }
    }

    /// Spreadsheets start "CSV UTF-8" files with a byte-order mark: not part of the first line.
    private func skipBOM(_ start: Int, _ end: Int) -> Int {
        guard lineNumber == 1, end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF else {
            return start
        }
        return start + 3
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            guard let found = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { return nil }
            return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Moves the unread tail to the front and reads more; a line longer than the buffer grows it.
    /// A read error is an error, not the end of the export: the Users after it would be lost.
    private func fill() throws(NoticeError) {
        if start > 0 {
            let remaining = end - start
            buffer.withUnsafeMutableBufferPointer { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, remaining)
            }
            start = 0
            end = remaining
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBufferPointer { bytes in read(descriptor, bytes.baseAddress! + end, bytes.count - end) }
        } while count < 0 && errno == EINTR
        guard count >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        if count == 0 { atEnd = true } else { end += count }
    }
}
