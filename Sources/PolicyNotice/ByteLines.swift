#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file a line at a time through one fixed buffer, so a export of millions of rows is
/// read in flat memory. Lines end at LF; a CR before it is dropped. The last line may lack its LF.
/// A line over `maximumLength` is skipped as it is read, never held: a hostile export's 300 MB line
/// would otherwise take the memory the buffer promises not to.
final class ByteLines {
    /// What `next` found.
    enum Line<Value> {
        case line(Value)
        /// A line over the maximum, of this many bytes (its line end not counted); its bytes are gone.
        case tooLong(bytes: Int)
    }

    let maximumLength: Int
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// 1-based number of the line `next` returned last.
    private(set) var lineNumber = 0
    /// Whether the line `next` returned last ended with a line feed (false: cut short at end of file).
    private(set) var lastLineTerminated = true

    init(path: String, maximumLength: Int, chunkSize: Int = 1 << 20) throws(NoticeError) {
        self.path = path
        self.maximumLength = maximumLength
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit { close(descriptor) }

    private let path: String

    /// Calls `body` with the next line's bytes (valid only during the call); nil at end of file.
    func next<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) throws(NoticeError) -> Line<R>? {
        while true {
            let newline = findNewline()
            if newline != nil || atEnd {
                guard start < end else { return nil }
                let stop = newline ?? end
                let lineEnd = stop > start && buffer[stop - 1] == 0x0D ? stop - 1 : stop
                let lineStart = start
                start = newline.map { $0 + 1 } ?? end
                lineNumber += 1
                lastLineTerminated = newline != nil
                if lineEnd - lineStart > maximumLength { return .tooLong(bytes: lineEnd - lineStart) }
                return buffer.withUnsafeBufferPointer { bytes in
                    .line(body(UnsafeBufferPointer(rebasing: bytes[skipBOM(lineStart, lineEnd)..<lineEnd])))
                }
            }
            if end - start > maximumLength { return try skipLongLine() }
            try fill()
        }
    }

    /// The line begun at `start` is over the maximum and its end is not in the buffer: counts and
    /// drops its bytes a buffer at a time up to its line end, so memory stays that of the buffer.
    private func skipLongLine<R>() throws(NoticeError) -> Line<R> {
        var skipped = 0
        var lastByte: UInt8 = 0
        while true {
            if let newline = findNewline() {
                skipped += newline - start
                let crBefore = newline > start ? buffer[newline - 1] == 0x0D : lastByte == 0x0D
                start = newline + 1
                lineNumber += 1
                lastLineTerminated = true
                return .tooLong(bytes: skipped - (crBefore ? 1 : 0))
            }
            if end > start { lastByte = buffer[end - 1] }
            skipped += end - start
            start = end
            if atEnd {
                lineNumber += 1
                lastLineTerminated = false
                return .tooLong(bytes: skipped)
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

    /// Moves the unread tail to the front and reads more; a line longer than the buffer grows it (only
    /// when the maximum is over the buffer's size: longer lines are skipped before).
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
