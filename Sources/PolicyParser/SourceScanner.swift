import PolicyModel

/// Reads the raw bytes once for what cmark does not report: invalid UTF-8, NUL bytes,
/// a byte order mark, CRLF line endings, and YAML front matter.
struct SourceScanner {
    static let maximumFlaws = 100

    struct Result {
        var facts: SourceFacts
        /// The front matter's `key: value` pairs.
        var frontMatter: [String: String]
        /// Bytes of front matter (fence to fence) to hide from cmark, and how many lines they span.
        var frontMatterByteCount: Int
        var frontMatterLineCount: Int
    }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Result {
        var facts = SourceFacts(byteCount: bytes.count)
        facts.hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var line = 1
        // Columns count from after a byte order mark, as editors show them (and as cmark is given the text).
        var lineStart = facts.hasByteOrderMark ? 3 : 0
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight bytes at a time while they are plain ASCII with no newline and no NUL: most of a policy.
            if index + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                // All eight in 0x0B...0x7F: no byte sets a high bit, alone or by borrowing below 0x0B.
                if ((word &- 0x0B0B_0B0B_0B0B_0B0B) | word) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0x0A {
                    if index > 0, bytes[index - 1] == 0x0D { facts.usesCRLF = true }
                    line += 1
                    lineStart = index + 1
                } else if byte == 0 {
                    record(.nulByte, at: index, line: line, lineStart: lineStart, in: &facts)
                }
                index += 1
                continue
            }
            let length = UTF8Validation.sequenceLength(bytes, at: index)
            if length == 0 {
                record(.invalidUTF8, at: index, line: line, lineStart: lineStart, in: &facts)
                index += 1
            } else {
                index += length
            }
        }
        facts.lineCount = count == 0 ? 0 : (lineStart == count ? line - 1 : line)
        facts.digest = digest(bytes)

        var result = Result(facts: facts, frontMatter: [:], frontMatterByteCount: 0, frontMatterLineCount: 0)
        readFrontMatter(bytes, into: &result)
        return result
    }

    private static func record(_ kind: SourceFacts.Flaw.Kind, at offset: Int, line: Int, lineStart: Int,
                               in facts: inout SourceFacts) {
        guard facts.flaws.count < maximumFlaws else { return }
        facts.flaws.append(.init(kind: kind, offset: offset,
                                 location: SourceLocation(line: line, column: offset - lineStart + 1)))
    }

    /// A 64-bit FNV-style digest: stable across runs and machines, unlike `Hasher` (little-endian words).
    static func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = FNV1a()
        var index = 0
        // FNV-1a over 8-byte words, then the tail byte by byte: stable, and eight times fewer rounds.
        while index + 8 <= bytes.count {
            hash.combine(word: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        hash.combine(contentsOf: bytes[index...])
        return hash.value
    }

    /// `---` on the first line, `---` or `...` closing it: Jekyll-style front matter.
    private static func readFrontMatter(_ bytes: UnsafeRawBufferPointer, into result: inout Result) {
        var lines: [(start: Int, end: Int)] = []
        var start = result.facts.hasByteOrderMark ? 3 : 0
        let firstLineStart = start
        var sawKey = false
        // Front matter is short; never scan more than a few hundred lines for its end.
        while start < bytes.count, lines.count < 500 {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            lines.append((start, contentEnd))
            if lines.count == 1 {
                // basecamp's history has `--- ` with a trailing space.
                guard text(bytes, start, contentEnd).trimmingSpaces == "---" else { return }
            } else {
                let content = text(bytes, start, contentEnd)
                if content.trimmingSpaces == "---" || content.trimmingSpaces == "..." {
                    // A document may open with a thematic break and have another further down: without
                    // one `key: value` line between them, this is Markdown, not front matter.
                    guard sawKey || lines.count == 2 else { return }
                    result.frontMatterByteCount = min(end + 1, bytes.count) - firstLineStart
                    result.frontMatterLineCount = lines.count
                    for line in lines.dropFirst().dropLast() {
                        let entry = text(bytes, line.start, line.end)
                        guard let colon = entry.firstIndex(of: ":"), !entry.hasPrefix(" "), !entry.hasPrefix("#") else { continue }
                        let key = String(entry[..<colon]).trimmingSpaces
                        var value = String(entry[entry.index(after: colon)...]).trimmingSpaces
                        if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                            value = String(value.dropFirst().dropLast())
                        }
                        if !key.isEmpty { result.frontMatter[key] = value }
                    }
                    return
                }
                if isKeyLine(content) { sawKey = true }
                // A YAML mapping line, a list entry, a comment or a blank line: anything else is not front matter.
                if !(content.isEmpty || content.contains(":") || content.hasPrefix(" ") || content.hasPrefix("-")
                     || content.hasPrefix("#")) {
                    return
                }
            }
            start = end + 1
        }
    }

    /// `title: Privacy Policy`, `redirect_from:`: a top-level YAML key.
    private static func isKeyLine(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":"), colon > line.startIndex else { return false }
        let key = line[..<colon]
        let afterColon = line[line.index(after: colon)...]
        return key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            && (afterColon.isEmpty || afterColon.first == " ")
    }

    private static func text(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
