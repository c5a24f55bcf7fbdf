import PolicyModel

/// What a reader sees of a raw HTML block: its text without tags, comments, scripts and styles, with
/// character references decoded and white space collapsed.
///
/// A policy may hold part of its words in HTML (Mozilla writes some of its tables as `<table>` blocks).
/// The parser keeps such a block as one clause with no text of its own, so the diff reads this instead:
/// changing "share" to "sell" inside a table must weigh as it does in a paragraph.
enum HTMLText {
    static func visible(_ html: String) -> String {
        var scalars = Array(html.unicodeScalars)[...]
        // Past the last `>`, no `<` starts a tag: each would search to the end (quadratic in a block of
        // stray `<a`).
        let lastClose = scalars.lastIndex(of: ">") ?? -1
        var words = String.UnicodeScalarView()
        var pendingSpace = false
        func emit(_ scalar: Unicode.Scalar) {
            if scalar.properties.isWhitespace {
                pendingSpace = true
                return
            }
            if pendingSpace, !words.isEmpty { words.append(" ") }
            pendingSpace = false
            words.append(scalar)
        }
        while let scalar = scalars.first {
            if scalar == "<", let end = markupEnd(scalars, lastClose: lastClose) {
                // A tag separates words, as the blocks and cells most tags make do.
                pendingSpace = true
                scalars = scalars[end...]
            } else if scalar == "&", let (decoded, end) = reference(scalars) {
                decoded.unicodeScalars.forEach(emit)
                scalars = scalars[end...]
            } else {
                emit(scalar)
                scalars = scalars.dropFirst()
            }
        }
        return String(words)
    }

    /// Whether an HTML block is nothing a reader can see or follow: comments, and anchors that only
    /// name a place (`<a id="…"></a>`, `<a name="…"></a>`). Markdown linters' switches and link targets
    /// kept for old deep links are written so.
    static func isHidden(_ html: String) -> Bool {
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard rest[..<open].allSatisfy(\.isWhitespace) else { return false }
            rest = rest[open...]
            if rest.hasPrefix("<!--") {
                guard let close = rest.firstRange(of: "-->") else { return true }
                rest = rest[close.upperBound...]
                continue
            }
            guard let close = rest.firstIndex(of: ">") else { return false }
            let tag = rest[...close].lowercased()
            let isAnchor = tag.hasPrefix("<a ") && !tag.contains("href") && (tag.contains("id=") || tag.contains("name="))
            guard isAnchor || tag == "</a>" else { return false }
            rest = rest[rest.index(after: close)...]
        }
        return rest.allSatisfy(\.isWhitespace)
    }

    /// Where the markup that starts at `<` ends: after a comment, after a script or style element with
    /// its content (neither is read), or after a tag. Nil for a `<` that starts no markup.
    private static func markupEnd(_ scalars: ArraySlice<Unicode.Scalar>, lastClose: Int) -> Int? {
        let start = scalars.startIndex
        if startsWith(scalars, "<!--") {
            return index(of: "-->", in: scalars[(start + 4)...]).map { $0 + 3 } ?? scalars.endIndex
        }
        guard start < lastClose, let next = scalars.dropFirst().first,
              next.properties.isAlphabetic || next == "/" || next == "!" || next == "?",
              let close = scalars.firstIndex(of: ">") else { return nil }
        for element in ["script", "style"] where startsWith(scalars.dropFirst(), element) {
            let name = scalars.index(start, offsetBy: 1 + element.unicodeScalars.count)
            guard name == scalars.endIndex || !scalars[name].properties.isAlphabetic else { continue }
            return index(of: "</\(element)", in: scalars[(close + 1)...]).flatMap { endTag in
                scalars[endTag...].firstIndex(of: ">").map { $0 + 1 }
            } ?? scalars.endIndex
        }
        return close + 1
    }

    /// A character reference at `&`: what it stands for and where it ends. Numeric ones, and the named
    /// ones policies use; any other `&` is text as written.
    private static func reference(_ scalars: ArraySlice<Unicode.Scalar>) -> (String, Int)? {
        guard let semicolon = scalars.prefix(12).firstIndex(of: ";") else { return nil }
        let body = String(String.UnicodeScalarView(scalars[(scalars.startIndex + 1)..<semicolon]))
        let end = semicolon + 1
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return (String(Character(scalar)), end)
        }
        return namedReferences[body].map { ($0, end) }
    }

    private static let namedReferences: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "shy": "",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "ndash": "–", "mdash": "—", "hellip": "…",
        "copy": "©", "reg": "®", "trade": "™", "sect": "§", "euro": "€", "pound": "£",
    ]

    private static func startsWith(_ scalars: ArraySlice<Unicode.Scalar>, _ prefix: String) -> Bool {
        var position = scalars.startIndex
        for expected in prefix.unicodeScalars {
            guard position < scalars.endIndex,
                  scalars[position].properties.lowercaseMapping == String(expected) else { return false }
            position += 1
        }
        return true
    }

    private static func index(of needle: String, in scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        guard let first = needle.unicodeScalars.first else { return nil }
        var position = scalars.startIndex
        while position < scalars.endIndex {
            if scalars[position] == first, startsWith(scalars[position...], needle) { return position }
            position += 1
        }
        return nil
    }
}

extension Clause {
    /// The markup of a raw HTML block; nil for any other clause.
    var htmlSource: String? {
        guard kind == .html, case .html(let literal)? = inlines.first else { return nil }
        return literal
    }
}
