import PolicyModel
#if canImport(Glibc)
import Glibc
#endif

/// GFM's extended www autolinks (`www.example.com` becomes a link to `http://www.example.com`),
/// found in a block's converted inlines rather than by cmark-gfm.
///
/// cmark-gfm's autolink extension finds them by making `w` a special character of its inline parser,
/// which then stops at every `w` of the text: two thirds of cmark's parse of a policy (docs/design.md,
/// "Diff speed"). The extension keeps `:` (URLs with a scheme) and its pass over text for e-mail
/// addresses; only `www.` is found here, by cmark-gfm's rules (`www_match`, `check_domain` and
/// `autolink_delim` in its autolink.c), restricted to what every version of them agrees on.
///
/// The inlines show decoded text, not the source cmark reads: where they cannot tell what cmark
/// would have seen (a candidate inside emphasis or beside other markup, or characters outside a
/// plain set), `link` declines and the piece is parsed again with `w` special (`sourceNeedsCmark`
/// decides on the raw bytes, before parsing, for entities and escapes).
enum WWWAutolinks {
    /// Who finds a piece's www autolinks.
    enum Finder {
        /// Nobody: the source has no `www.`, so no text can show one.
        case none
        /// `link`, in the converted inlines.
        case port
        /// cmark, with `w` special: the source has what converted text cannot show (see `finder`).
        case cmark
    }

    /// `.cmark` where the source has a numeric character reference or `&period;` anywhere (they can
    /// spell `www.`), `www\.`, or beside a `www.` an entity's `;` before it or `&` or `\` in it.
    static func finder(for source: UnsafeRawBufferPointer) -> Finder {
        if sourceNeedsCmark(source) { return .cmark }
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        return find("www.", in: bytes, from: 0) == nil ? .none : .port
    }

    private static func sourceNeedsCmark(_ source: UnsafeRawBufferPointer) -> Bool {
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        guard let base = bytes.baseAddress else { return false }
        /// The next `byte` at or after `offset`, by libc's vectorised search.
        func next(_ byte: UInt8, from offset: Int) -> Int? {
            guard offset < bytes.count, let found = memchr(base + offset, Int32(byte), bytes.count - offset) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        func has(_ text: StaticString, at offset: Int) -> Bool {
            let count = text.utf8CodeUnitCount
            guard offset + count <= bytes.count else { return false }
            return (0..<count).allSatisfy { bytes[offset + $0] == text.utf8Start[$0] }
        }
        var ampersand = next(UInt8(ascii: "&"), from: 0)
        while let at = ampersand {
            if has("&#", at: at) || has("&period;", at: at) { return true }
            ampersand = next(UInt8(ascii: "&"), from: at + 1)
        }
        var backslash = next(UInt8(ascii: "\\"), from: 0)
        while let at = backslash {
            if at >= 3, has("www\\.", at: at - 3) { return true }
            backslash = next(UInt8(ascii: "\\"), from: at + 1)
        }
        var searchFrom = 0
        while let at = find("www.", in: bytes, from: searchFrom) {
            searchFrom = at + 1
            if at > 0, bytes[at - 1] == UInt8(ascii: ";") { return true }
            var index = at
            while index < bytes.count, !isSpace(bytes[index]) {
                if bytes[index] == UInt8(ascii: "&") || bytes[index] == UInt8(ascii: "\\") { return true }
                index += 1
            }
        }
        return false
    }

    /// The block's top-level inlines with their www autolinks; nil where cmark's answer is not certain.
    static func link(_ inlines: [Inline]) -> [Inline]? {
        // Nearly every block has no `www.` at all: found out in one pass, and the inlines returned as they are.
        guard let first = inlines.firstIndex(where: mentionsWWW) else { return inlines }
        var result = Array(inlines[..<first])
        result.reserveCapacity(inlines.count + 2)
        for index in first..<inlines.count {
            let inline = inlines[index]
            switch inline {
            case .text(let text) where contains(text, "www."):
                let previous = index > 0 ? inlines[index - 1] : nil
                let next = index + 1 < inlines.count ? inlines[index + 1] : nil
                guard let linked = link(text, after: previous, before: next) else { return nil }
                result += linked
            case .emphasis(let children), .strong(let children), .strikethrough(let children):
                // What precedes or follows a candidate in there is a delimiter the inlines do not show.
                if children.contains(where: mentionsWWW) { return nil }
                result.append(inline)
            default:
                // Link text and image descriptions get no autolinks (cmark is inside brackets there).
                result.append(inline)
            }
        }
        return result
    }

    /// Whether `inline` shows `www.` in text that could take an autolink.
    private static func mentionsWWW(_ inline: Inline) -> Bool {
        switch inline {
        case .text(let text): contains(text, "www.")
        case .emphasis(let children), .strong(let children), .strikethrough(let children): children.contains(where: mentionsWWW)
        default: false
        }
    }

    private static func contains(_ text: String, _ needle: StaticString) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ find(needle, in: $0, from: 0) != nil }) { return found }
        var text = text
        return text.withUTF8 { find(needle, in: $0, from: 0) != nil }
    }

    /// The first `needle` at or after `start`, found by its last byte (for `www.`, the `.`: a period
    /// comes about once a sentence, a `w` several times) with libc's vectorised `memchr`.
    private static func find(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = needle.utf8CodeUnitCount
        let last = needle.utf8Start[count - 1]
        var index = start + count - 1
        while index < bytes.count {
            guard let hit = memchr(base + index, Int32(last), bytes.count - index) else { return nil }
            let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + end - (count - 1), needle.utf8Start, count - 1) == 0 { return end - (count - 1) }
            index = end + 1
        }
        return nil
    }

    /// How the source continues on one side of a text inline, as far as cmark's rules care.
    private enum Edge {
        /// The start or end of the block's inline content.
        case blockEdge
        /// A line break: whitespace in the source.
        case whitespace
        /// An emphasis delimiter (`*`, `_`, `~`), which cmark allows before `www.`.
        case delimiter
        /// Anything else: a code span, HTML, a link. The source there is not known.
        case unknown

        init(_ inline: Inline?) {
            switch inline {
            case nil: self = .blockEdge
            case .softBreak?, .lineBreak?: self = .whitespace
            case .emphasis?, .strong?, .strikethrough?: self = .delimiter
            default: self = .unknown
            }
        }
    }

    private static func link(_ original: String, after previous: Inline?, before next: Inline?) -> [Inline]? {
        var text = original
        return text.withUTF8 { bytes -> [Inline]? in
            var pieces: [Inline] = []
            var plainStart = 0
            var searchFrom = 0
            while let start = find("www.", in: bytes, from: searchFrom) {
                searchFrom = start + 1
                // cmark tries `www.` only after the start, whitespace, or one of `*_~(`.
                if start == 0 {
                    switch Edge(previous) {
                    case .blockEdge, .whitespace, .delimiter: break
                    case .unknown: return nil
                    }
                } else {
                    let before = bytes[start - 1]
                    if before == UInt8(ascii: "[") { return nil }  // allowed by some versions of the rule
                    guard isSpace(before) || before == UInt8(ascii: "*") || before == UInt8(ascii: "_")
                            || before == UInt8(ascii: "~") || before == UInt8(ascii: "(") else { continue }
                }
                // The candidate runs to whitespace; if that is past this text, the source there is markup.
                var end = start
                while end < bytes.count, !isSpace(bytes[end]) { end += 1 }
                let nextEdge = Edge(next)
                if end == bytes.count, nextEdge == .delimiter || nextEdge == .unknown { return nil }
                let span = UnsafeBufferPointer(rebasing: bytes[start..<end])
                guard span.allSatisfy(isPlain) else { return nil }
                if span.contains(UInt8(ascii: ")")), span.contains(UInt8(ascii: "(")) { return nil }
                // `check_domain` needs five bytes to the end of the block's content ("www." and one more).
                if end == bytes.count, nextEdge == .blockEdge, span.count < 5 { continue }
                let length = trimmed(span)
                guard length > 0 else { continue }
                if plainStart < start {
                    pieces.append(.text(String(decoding: UnsafeBufferPointer(rebasing: bytes[plainStart..<start]), as: UTF8.self)))
                }
                let linkText = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self)
                pieces.append(.link(destination: "http://" + linkText, title: "", children: [.text(linkText)]))
                plainStart = start + length
                searchFrom = plainStart
            }
            guard !pieces.isEmpty else { return [.text(original)] }
            if plainStart < bytes.count {
                pieces.append(.text(String(decoding: UnsafeBufferPointer(rebasing: bytes[plainStart...]), as: UTF8.self)))
            }
            return pieces
        }
    }

    /// cmark's `cmark_isspace`.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Bytes a candidate may hold for this port to be sure of cmark's answer: letters, digits and the
    /// punctuation of addresses that starts no inline construct.
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "="), UInt8(ascii: "#"),
             UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"):
            true
        default:
            false
        }
    }

    /// `autolink_delim`: trailing punctuation is not part of the link, nor an unbalanced `)`.
    private static func trimmed(_ span: UnsafeBufferPointer<UInt8>) -> Int {
        var end = span.count
        while end > 0 {
            switch span[end - 1] {
            case UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ":"),
                 UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "'"), UInt8(ascii: "\""),
                 UInt8(ascii: ";"):
                // A `;` ends an entity reference only after `&`, which a plain candidate has not got.
                end -= 1
            case UInt8(ascii: ")"):
                // No `(` in the candidate (checked by the caller): every `)` is unbalanced.
                end -= 1
            default:
                return end
            }
        }
        return end
    }
}
