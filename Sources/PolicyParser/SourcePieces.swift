import PolicyModel

/// Where a policy can be cut so that cmark parses each piece alone exactly as it parses the whole:
/// long policies are parsed and converted in pieces on every core (see `CommonMarkConverter` for
/// when cmark parses may overlap), and two revisions parse what they share only once (`RevisionPair`).
///
/// A cut goes before a heading or a line of text that starts at column 0 right after a blank line
/// (`startsBlockAlone`). Such a line ends every open block (a list item or quote needs indentation,
/// a marker or `>` to go on, a table or a paragraph ends at the blank line) unless it sits inside a
/// fenced code block or an HTML block that only an end marker closes (`<!--`, `<script`…). A list
/// marker at column 0 after a blank line may be cut before too, where no list can be open: it starts
/// a new list then, whatever came before. Fences and HTML comments are followed line by line (real
/// policies carry `<!-- markdownlint-disable -->` lines); for other such HTML blocks, and for link
/// reference definitions (which the whole document shares), the document is not cut at all.
/// Anything ambiguous means one piece: the fast path may decline, never differ.
struct SourcePieces {
    struct Piece: Equatable {
        /// Byte offset of the piece's first byte.
        var start: Int
        /// Lines before the piece (0 for the first).
        var lineOffset: Int
    }

    /// The bytes of `pieces[range]` in a text of `count` bytes: from the first one's start to the
    /// start of the piece after the last (or the end).
    static func byteRange(_ range: Range<Int>, of pieces: [Piece], count: Int) -> Range<Int> {
        pieces[range.lowerBound].start..<(range.upperBound < pieces.count ? pieces[range.upperBound].start : count)
    }

    /// Pieces of at least `minimumBytes` (the last may be shorter), in order; one piece when the source
    /// is short or cannot be cut safely.
    static func split(_ bytes: UnsafeRawBufferPointer, minimumBytes: Int) -> [Piece] {
        let whole = [Piece(start: 0, lineOffset: 0)]
        guard bytes.count >= 2 * minimumBytes else { return whole }

        var pieces = whole
        var fence: (marker: UInt8, length: Int)?
        var previousLineBlank = true
        // Since the last blank line: a line with a pipe (a table may be running) or one that starts
        // with `<` (an HTML block may be running). A fence line there might not be a fence.
        var pipeSinceBlank = false
        var htmlSinceBlank = false
        // Whether a list (or a quote, which may hold one) may still be open: a line that begins with a
        // list marker or `>`, however indented, opens one; a line of text at column 0 after a blank
        // line closes them all. A new list may be cut before only where none is open.
        var listMayBeOpen = false
        // Whether an HTML comment may still be open: cmark's comment block runs from a line that starts
        // with `<!--` to the first line holding `-->`, across blank lines. Any `<!--` without a `-->` after
        // it on its line opens one here (also inline ones, which cannot outlive their paragraph): more
        // often than cmark, never less, so no cut falls inside a comment.
        var commentOpen = false
        var line = 0
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            // One pass over the line: its end, its pipes, and the hazards that forbid any cut.
            var lineEnd = lineStart
            var hasPipe = false
            var opensComment = false
            while lineEnd < count {
                // Eight bytes at a time up to the next byte that matters.
                if lineEnd + 8 <= count {
                    let marked = Self.marked(ByteWord.load(bytes.baseAddress!, at: lineEnd))
                    guard marked != 0 else {
                        lineEnd += 8
                        continue
                    }
                    lineEnd += marked.trailingZeroBitCount / 8
                }
                let byte = bytes[lineEnd]
                if byte == 0x0A || byte == 0x0D { break }
                if byte == UInt8(ascii: "|") {
                    hasPipe = true
                } else if byte == UInt8(ascii: "<"), startsComment(bytes, at: lineEnd) {
                    opensComment = true
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "<"), isHazard(bytes, at: lineEnd) {
                    return whole
                }
                lineEnd += 1
            }
            let content = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            let blank = content.allSatisfy { $0 == 0x20 || $0 == 0x09 }

            if let open = fence {
                if isFenceCloser(content, marker: open.marker, length: open.length) { fence = nil }
            } else if let opener = fenceOpener(content) {
                // Inside a comment this line is HTML; if the comment was inline, a fence: cmark may read either.
                if opener.indented || pipeSinceBlank || htmlSinceBlank || commentOpen { return whole }
                fence = (opener.marker, opener.length)
            } else if commentOpen {
                // Lines of a comment open no list cmark can see; whether one was open before is unknown.
                listMayBeOpen = true
                commentOpen = Self.commentOpen(after: content, openBefore: true)
            } else {
                let startsAlone = previousLineBlank && startsBlockAlone(content)
                let startsList = startsListOrQuote(content)
                if startsAlone || (previousLineBlank && !listMayBeOpen && startsList == .listAtColumn0),
                   lineStart - pieces[pieces.count - 1].start >= minimumBytes, count - lineStart >= minimumBytes {
                    pieces.append(Piece(start: lineStart, lineOffset: line))
                }
                if startsList != nil {
                    listMayBeOpen = true
                } else if startsAlone {
                    listMayBeOpen = false
                }
                if opensComment { commentOpen = Self.commentOpen(after: content, openBefore: false) }
            }
            if blank {
                pipeSinceBlank = false
                htmlSinceBlank = false
            } else if fence == nil {
                pipeSinceBlank = pipeSinceBlank || hasPipe
                htmlSinceBlank = htmlSinceBlank || content.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "<")
            }
            previousLineBlank = blank

            // CRLF, LF or a lone CR ends a line, as cmark reads them.
            guard lineEnd < count else { break }
            lineStart = lineEnd + (bytes[lineEnd] == 0x0D && lineEnd + 1 < count && bytes[lineEnd + 1] == 0x0A ? 2 : 1)
            line += 1
        }
        // An unclosed fence at the end: the cuts before it stand, those inside it were never made.
        return pieces
    }

    /// The high bit of the first byte of `word` that is a line end, `|`, `]` or `<`, and maybe of later
    /// bytes and of other control bytes (the caller looks at each marked byte itself): three tests, not five.
    private static func marked(_ word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        // Below 0x0E (LF and CR among them); a borrow can only mark bytes after a true one.
        let control = (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & high
        // `<` is 0x3C and `|` is 0x7C: with bit 6 cleared, both (and only they) read 0x3C.
        return control | ByteWord.matching(UInt8(ascii: "<"), in: word & 0xBFBF_BFBF_BFBF_BFBF)
            | ByteWord.matching(UInt8(ascii: "]"), in: word)
    }

    /// Whether the `]` or `<` at `index` starts a construct whose reach a cut cannot see: a link
    /// reference definition (`[x]: url` serves the whole document) or an HTML block other than a comment
    /// (followed line by line) that runs to an end marker across blank lines. Spotted by their telltale bytes anywhere, which also catches
    /// harmless mentions; those documents parse in one piece.
    private static func isHazard(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard index + 1 < bytes.count else { return false }
        let next = bytes[index + 1]
        if bytes[index] == UInt8(ascii: "]") { return next == UInt8(ascii: ":") }
        if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") { return true }
        return ["script", "style", "pre", "textarea"].contains { startsWithLowercased(bytes, at: index + 1, $0) }
    }

    private static func startsComment(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        index + 3 < bytes.count && bytes[index + 1] == UInt8(ascii: "!") && bytes[index + 2] == UInt8(ascii: "-")
            && bytes[index + 3] == UInt8(ascii: "-")
    }

    /// Whether a comment is open after `line`: its last `<!--` has no `-->` after it, or it has no `<!--`
    /// and no `-->` while one was open. ("<!-->" counts as open: cmark may close it; a cut needs certainty.)
    private static func commentOpen(after line: UnsafeRawBufferPointer, openBefore: Bool) -> Bool {
        var lastOpen: Int?, lastClose: Int?
        var index = 0
        while index + 2 < line.count {
            if line[index] == UInt8(ascii: "<"), startsComment(line, at: index) {
                lastOpen = index
            } else if line[index] == UInt8(ascii: "-"), line[index + 1] == UInt8(ascii: "-"), line[index + 2] == UInt8(ascii: ">") {
                lastClose = index
            }
            index += 1
        }
        guard let lastOpen else { return openBefore && lastClose == nil }
        return lastClose.map { $0 < lastOpen + 4 } ?? true
    }

    private static func startsWithLowercased(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ word: String) -> Bool {
        var index = offset
        for expected in word.utf8 {
            guard index < bytes.count, bytes[index] | 0x20 == expected else { return false }
            index += 1
        }
        return true
    }

    /// Whether a line right after a blank line starts a block that nothing before it can claim. The
    /// blank line closed every paragraph and table; a line at column 0 closes every list item and
    /// quote, unless it continues their list (`-`, `+` or `*` then a space, or a number) or quote
    /// (`>`). Fences and HTML are left alone (see the class comment). A heading, text or a thematic
    /// break qualifies, whatever comes next.
    private static func startsBlockAlone(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let first = line.first else { return false }
        switch first {
        case ..<0x21, UInt8(ascii: ">"), UInt8(ascii: "`"), UInt8(ascii: "~"), UInt8(ascii: "<"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return false
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "*"):
            return line.count > 1 && line[1] != 0x20 && line[1] != 0x09
        default:
            return true
        }
    }

    private enum ListOrQuote { case listAtColumn0, other }

    /// Whether a line begins, after any indentation, with a list marker (`-`, `+` or `*` then a space,
    /// a tab or the end of the line; up to nine digits then `.` or `)` and the same) or with `>`.
    private static func startsListOrQuote(_ line: UnsafeRawBufferPointer) -> ListOrQuote? {
        var index = 0
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index < line.count else { return nil }
        let atColumn0 = index == 0
        func endsMarker(_ at: Int) -> Bool { at == line.count || line[at] == 0x20 || line[at] == 0x09 }
        switch line[index] {
        case UInt8(ascii: ">"):
            return .other
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "*"):
            guard endsMarker(index + 1) else { return nil }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var end = index
            while end < line.count, end - index < 10, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[end]) { end += 1 }
            guard end - index <= 9, end < line.count, line[end] == UInt8(ascii: ".") || line[end] == UInt8(ascii: ")"),
                  endsMarker(end + 1) else { return nil }
        default:
            return nil
        }
        return atColumn0 ? .listAtColumn0 : .other
    }

    /// Three or more backticks or tildes after at most three spaces. `indented` fences may belong to a
    /// list item rather than the top level.
    private static func fenceOpener(_ line: UnsafeRawBufferPointer) -> (marker: UInt8, length: Int, indented: Bool)? {
        var index = 0
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index < line.count, line[index] == UInt8(ascii: "`") || line[index] == UInt8(ascii: "~") else { return nil }
        let marker = line[index]
        var end = index
        while end < line.count, line[end] == marker { end += 1 }
        guard end - index >= 3 else { return nil }
        // A backtick fence's info string has no backtick: "```a`" is inline code, not a fence.
        if marker == UInt8(ascii: "`"), line[end...].contains(marker) { return nil }
        // Four spaces or a tab make it indented code or list content: still a fence-like line to be wary of.
        return (marker, end - index, index > 0)
    }

    /// At most three spaces, at least `length` markers, then only spaces or tabs.
    private static func isFenceCloser(_ line: UnsafeRawBufferPointer, marker: UInt8, length: Int) -> Bool {
        var index = 0
        while index < line.count, index < 4, line[index] == 0x20 { index += 1 }
        guard index < 4 else { return false }
        var end = index
        while end < line.count, line[end] == marker { end += 1 }
        guard end - index >= length else { return false }
        return line[end...].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
