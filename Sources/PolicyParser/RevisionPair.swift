import PolicyModel

/// Two revisions of one policy, converted together: what they share, byte for byte, is parsed once.
///
/// Both bodies are cut wherever `SourcePieces` allows, before most paragraphs and headings. A piece
/// of the new revision whose bytes are a piece of the old one converts to the same blocks, only
/// further up or down the file: it takes the old piece's blocks, their lines shifted. The new
/// revision's other pieces are parsed in runs, beside the old revision's pieces, on every core. A
/// revision changes a few paragraphs of a policy, so its new side costs a fraction of a parse.
enum RevisionPair {
    /// Both revisions converted: the old one's blocks, and what the new one's are made of.
    struct Result: Sendable {
        let old: Body
        let oldBlocks: ConvertedBlocks
        let new: Body
        fileprivate let oldChunks: Chunks
        fileprivate let newChunks: Chunks
        /// For each new chunk, the old chunk with its bytes, when its blocks are taken from there.
        fileprivate let sources: [Int?]
        fileprivate let blockRanges: [Range<Int>?]
        fileprivate let flattenedRanges: [Range<Int>?]
        /// The new chunks that were parsed, by their first chunk: how far they reach, and their blocks.
        fileprivate let parsed: [Int: (chunks: Range<Int>, blocks: ConvertedBlocks)]

        /// How much of the new body cmark parsed: the rest was the old one's.
        var newBytesParsed: Int {
            parsed.values.reduce(0) { $0 + newChunks.job($1.chunks).text.count }
        }

        /// The new revision's blocks, in order: parsed runs, and old chunks' blocks with their lines shifted.
        func newBlocks() -> ConvertedBlocks {
            var result = ConvertedBlocks()
            result.blocks.reserveCapacity(oldBlocks.blocks.count)
            result.lines.reserveCapacity(oldBlocks.lines.count)
            var index = 0
            while index < newChunks.count {
                if let (chunks, blocks) = parsed[index] {
                    result.append(blocks)
                    index = chunks.upperBound
                    continue
                }
                guard let source = sources[index], let blocks = blockRanges[source],
                      let flattened = flattenedRanges[source] else {
                    preconditionFailure("a new chunk neither shared nor parsed")
                }
                let shift = newChunks.firstLine(index) - oldChunks.firstLine(source)
                result.blocks += oldBlocks.blocks[blocks].lazy.map { $0.shifted(by: shift) }
                result.lines += oldBlocks.lines[blocks].lazy.map { $0 + shift }
                result.flattenedAt += oldBlocks.flattenedAt[flattened].lazy.map { $0.shifted(by: shift) }
                index += 1
            }
            return result
        }
    }

    /// Each revision's body and blocks, as `PolicyParser` makes them for one policy alone.
    static func convert(old oldSource: UnsafeRawBufferPointer, new newSource: UnsafeRawBufferPointer, pieceBytes: Int) -> Result {
        // Unsafe: a borrowed buffer, which the caller keeps alive and unchanged until both are converted.
        nonisolated(unsafe) let newBytes = newSource
        let (oldChunks, newChunks) = inParallel({ Chunks(Body(oldSource)) }, { Chunks(Body(newBytes)) })
        // Validating UTF-8 replaces bad bytes: the same bytes parse alike only under the same setting.
        let sources = oldChunks.body.validateUTF8 == newChunks.body.validateUTF8
            ? newChunks.sources(in: oldChunks) : Array(repeating: nil, count: newChunks.count)

        let oldGroups = oldChunks.groups(0..<oldChunks.count, minimumBytes: pieceBytes)
        let newGroups = newChunks.runs { sources[$0] == nil }.flatMap { newChunks.groups($0, minimumBytes: pieceBytes) }
        let converted = PolicyParser.convert(oldGroups.map(oldChunks.job) + newGroups.map(newChunks.job))
        let oldBlocks = ConvertedBlocks(joining: Array(converted[..<oldGroups.count]))
        var parsed = Dictionary(uniqueKeysWithValues: zip(newGroups.map(\.lowerBound),
                                                          zip(newGroups, converted[oldGroups.count...])))

        // An old chunk's blocks (and where it flattened content) are found by their lines. Where that is
        // not sure (cmark gave no line), the new chunks that would take them are parsed after all.
        let blockRanges = oldChunks.ranges(of: oldBlocks.lines)
        let flattenedRanges = oldChunks.ranges(of: oldBlocks.flattenedAt.map(\.line))
        let lateGroups = newChunks.runs { index in
            sources[index].map { blockRanges[$0] == nil || flattenedRanges[$0] == nil } ?? false
        }.flatMap { newChunks.groups($0, minimumBytes: pieceBytes) }
        if !lateGroups.isEmpty {
            let late = PolicyParser.convert(lateGroups.map(newChunks.job))
            for (group, blocks) in zip(lateGroups, late) { parsed[group.lowerBound] = (group, blocks) }
        }
        return Result(old: oldChunks.body, oldBlocks: oldBlocks, new: newChunks.body, oldChunks: oldChunks,
                      newChunks: newChunks, sources: sources, blockRanges: blockRanges, flattenedRanges: flattenedRanges,
                      parsed: parsed)
    }
}

/// A body cut at every place `SourcePieces` allows, each chunk with a digest of its bytes.
struct Chunks: Sendable {
    let body: Body
    let pieces: [SourcePieces.Piece]
    let hashes: [UInt64]

    init(_ body: Body) {
        self.body = body
        let pieces = SourcePieces.split(body.bytes, minimumBytes: 1)
        self.pieces = pieces
        hashes = pieces.indices.map { KeyDigest.hash(Self.bytes($0..<($0 + 1), of: pieces, in: body)) }
    }

    var count: Int { pieces.count }

    func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        Self.bytes(index..<(index + 1), of: pieces, in: body)
    }

    private static func bytes(_ range: Range<Int>, of pieces: [SourcePieces.Piece], in body: Body) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: body.bytes[SourcePieces.byteRange(range, of: pieces, count: body.bytes.count)])
    }

    /// The file line a chunk starts on (1-based, front matter counted), and the line after its last.
    func firstLine(_ index: Int) -> Int {
        body.lineOffset + pieces[index].lineOffset + 1
    }

    func endLine(_ index: Int) -> Int {
        index + 1 < count ? firstLine(index + 1) : Int.max
    }

    func job(_ chunks: Range<Int>) -> ParseJob {
        body.job(chunks, of: pieces)
    }

    /// For each chunk, the first chunk of `old` with the same bytes, if any.
    func sources(in old: Chunks) -> [Int?] {
        var firstWithHash: [UInt64: Int] = [:]
        firstWithHash.reserveCapacity(old.count)
        for index in (0..<old.count).reversed() { firstWithHash[old.hashes[index]] = index }
        return (0..<count).map { index in
            guard let candidate = firstWithHash[hashes[index]], bytes(index).bytesEqual(old.bytes(candidate)) else {
                return nil
            }
            return candidate
        }
    }

    /// The runs of consecutive chunks that `included` takes.
    func runs(_ included: (Int) -> Bool) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for index in 0...count {
            let taken = index < count && included(index)
            if taken, start == nil { start = index }
            if !taken, let first = start {
                runs.append(first..<index)
                start = nil
            }
        }
        return runs
    }

    /// `chunks` in consecutive groups of at least `minimumBytes` (the last may be shorter), as
    /// `SourcePieces.split` groups a body: one cmark parse each.
    func groups(_ chunks: Range<Int>, minimumBytes: Int) -> [Range<Int>] {
        let end = SourcePieces.byteRange(chunks, of: pieces, count: body.bytes.count).upperBound
        var groups: [Range<Int>] = []
        var start = chunks.lowerBound
        for index in chunks.dropFirst() where pieces[index].start - pieces[start].start >= minimumBytes
            && end - pieces[index].start >= minimumBytes {
            groups.append(start..<index)
            start = index
        }
        groups.append(start..<chunks.upperBound)
        return groups
    }

    /// For each chunk, the range of `lines` (as the converter gave them, in order) that fall in it.
    /// All nil where a line is unknown (0) or out of order: then no chunk is sure of its blocks.
    func ranges(of lines: [Int]) -> [Range<Int>?] {
        guard lines.allSatisfy({ $0 > 0 }), zip(lines, lines.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            return Array(repeating: nil, count: count)
        }
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(count)
        var position = 0
        for index in 0..<count {
            let start = position
            while position < lines.count, lines[position] < endLine(index) { position += 1 }
            ranges.append(start..<position)
        }
        return ranges
    }
}
