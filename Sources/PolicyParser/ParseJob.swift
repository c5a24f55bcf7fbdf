import PolicyModel

/// A policy's bytes after its byte order mark and front matter: what cmark sees.
/// Unchecked: `bytes` is borrowed, and the caller keeps it alive and unchanged until conversion ends.
struct Body: @unchecked Sendable {
    let scan: SourceScanner.Result
    /// Borrowed: the caller keeps the source alive until the body is converted.
    let bytes: UnsafeRawBufferPointer
    /// Lines before the body (front matter).
    let lineOffset: Int
    let validateUTF8: Bool

    init(_ source: UnsafeRawBufferPointer) {
        scan = SourceScanner.scan(source)
        // cmark skips a byte order mark but counts its bytes in columns; cut it so that line 1 starts at column 1.
        let start = (scan.facts.hasByteOrderMark ? 3 : 0) + scan.frontMatterByteCount
        bytes = UnsafeRawBufferPointer(rebasing: source[start...])
        lineOffset = scan.frontMatterLineCount
        validateUTF8 = scan.facts.flaws.contains { $0.kind == .invalidUTF8 }
    }

    /// The body's `pieces[range]` (see `SourcePieces`), for one cmark parse.
    func job(_ range: Range<Int>, of pieces: [SourcePieces.Piece]) -> ParseJob {
        ParseJob(text: UnsafeRawBufferPointer(rebasing: bytes[SourcePieces.byteRange(range, of: pieces, count: bytes.count)]),
                 lineOffset: lineOffset + pieces[range.lowerBound].lineOffset, validateUTF8: validateUTF8)
    }
}

/// Bytes that cmark parses alone (a whole body, or pieces of it cut by `SourcePieces`).
/// Unchecked: `text` is borrowed from a `Body`, as alive and unchanged as the body's bytes.
struct ParseJob: @unchecked Sendable {
    /// Borrowed, as the body's.
    let text: UnsafeRawBufferPointer
    /// Lines of the file before `text`.
    let lineOffset: Int
    let validateUTF8: Bool
}

/// Blocks as the converter made them from one or more jobs, in order.
struct ConvertedBlocks: Sendable {
    var blocks: [MarkdownBlock] = []
    /// The line each block starts on (0 where cmark did not say).
    var lines: [Int] = []
    /// Where content nested too deep was flattened (`NestingLimit`).
    var flattenedAt: [SourceLocation] = []
}

extension ConvertedBlocks {
    init(joining pieces: [ConvertedBlocks]) {
        guard pieces.count > 1 else {
            self = pieces.first ?? ConvertedBlocks()
            return
        }
        blocks.reserveCapacity(pieces.reduce(0) { $0 + $1.blocks.count })
        for piece in pieces { append(piece) }
    }

    mutating func append(_ piece: ConvertedBlocks) {
        blocks += piece.blocks
        lines += piece.lines
        flattenedAt += piece.flattenedAt
    }
}
