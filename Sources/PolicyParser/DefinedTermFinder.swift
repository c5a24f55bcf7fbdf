import PolicyModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the terms a policy defines: `(“**Users**”)`, `(the “**Site**”)`, `(“**we**”, “**us**” or “**our**”)`,
/// `(collectively, "Services")`, `(**Users**)`, and `“Affiliate” means …` at the start of a clause.
enum DefinedTermFinder {
    // Switches rather than sets: these are asked of every character of a candidate clause.
    private static func isOpenQuote(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "“", "\"", "”", "‘", "«": true
        default: false
        }
    }

    private static func isCloseQuote(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "”", "\"", "“", "’", "»": true
        default: false
        }
    }
    private static let leadWords = ["collectively,", "collectively", "together,", "together", "hereinafter",
                                    "hereafter", "each,", "each", "individually,", "individually", "referred to as",
                                    "the", "a", "an"]
    private static let definingVerbs = ["means", "mean", "shall mean", "refers to", "refer to", "represents",
                                        "is defined as", "has the meaning"]

    static func find(in clause: Clause) -> [DefinedTerm] {
        var terms: [String] = []
        let candidates = quoteCandidates(clause.text)
        if candidates.atStart {
            let scalars = scalars(of: clause.text, from: 0)
            terms += parentheticalTerms(scalars)
            terms += definingSentenceTerm(scalars)
        } else if let parenthesis = candidates.parenthesis {
            // No parenthesis before this one can hold a term, so the scalars start here.
            terms += parentheticalTerms(scalars(of: clause.text, from: parenthesis))
        }
        terms += parenthesizedStrongTerms(clause.inlines)
        guard !terms.isEmpty else { return [] }
        var seen: Set<String> = []
        return terms.filter { seen.insert($0).inserted }.map {
            DefinedTerm(term: $0, clause: clause.id, location: clause.location)
        }
    }

    /// The scalars of `text` from a byte offset on a scalar boundary, decoded from its UTF-8 (the
    /// scalar view's iterator cost ten times as much, and every candidate clause is read this way).
    private static func scalars(of text: String, from offset: Int) -> [Unicode.Scalar] {
        var text = text
        return text.withUTF8 { bytes in
            var scalars: [Unicode.Scalar] = []
            scalars.reserveCapacity(bytes.count - offset)
            var index = offset
            while index < bytes.count {
                let (value, length) = bytes.scalarValue(at: index)
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                index += length
            }
            return scalars
        }
    }

    /// Cheap tests that skip most clauses, by bytes since they run on every clause; enough to rule a
    /// clause out, never to rule it in.
    /// - `atStart`: a quote may open the clause after an article and spaces (any lead byte of `“` or of
    ///   a Unicode space may be one).
    /// - `parenthesis`: the byte offset of the first `(` that may open a term: only spaces, commas and
    ///   the letters of lead words (`collectively,` `the`) stand between it and a quote (`"`, or any
    ///   byte of a multi-byte character, which covers `“` `”` `‘` `«` and Unicode spaces).
    private static func quoteCandidates(_ text: String) -> (atStart: Bool, parenthesis: Int?) {
        var text = text
        return text.withUTF8 { bytes in
            var start = 0
            // "A ", "An ", "The " (compared by hand: the generic prefix test cost a hundred instructions a clause).
            func has(_ prefix: StaticString) -> Bool {
                prefix.utf8CodeUnitCount <= bytes.count
                    && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
            }
            if has("A ") { start = 2 } else if has("An ") { start = 3 } else if has("The ") { start = 4 }
            while start < bytes.count, bytes[start] == 0x20 || (0x09...0x0D).contains(bytes[start]) { start += 1 }
            let atStart = start < bytes.count && (bytes[start] == 0x22 || (0xC2...0xE3).contains(bytes[start]))
            guard !atStart, let base = bytes.baseAddress else { return (atStart, nil) }
            var searchFrom = 0
            while searchFrom < bytes.count, let found = memchr(base + searchFrom, 0x28, bytes.count - searchFrom) {
                let parenthesis = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                var index = parenthesis + 1
                while index < bytes.count {
                    let byte = bytes[index]
                    guard (0x61...0x7A).contains(byte | 0x20) || byte == 0x20 || byte == 0x2C || (0x09...0x0D).contains(byte)
                    else { break }
                    index += 1
                }
                if index < bytes.count, bytes[index] == 0x22 || bytes[index] >= 0x80 { return (false, parenthesis) }
                searchFrom = parenthesis + 1
            }
            return (false, nil)
        }
    }

    private static func parentheticalTerms(_ scalars: [Unicode.Scalar]) -> [String] {
        var found: [String] = []
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "(" else { continue }
            var cursor = index + 1
            skipSpaces(scalars, &cursor)
            skipLeadWords(scalars, &cursor)
            var terms: [String] = []
            while let term = quotedTerm(scalars, &cursor) {
                terms.append(term)
                skipSpaces(scalars, &cursor)
                if cursor < scalars.count, scalars[cursor] == ")" { break }
                // Separators between several terms: `,` `or` `and`, with an optional article.
                var moved = true
                while moved {
                    moved = false
                    skipSpaces(scalars, &cursor)
                    for separator in [",", "or", "and", "the"] where matches(scalars, cursor, separator) {
                        cursor += separator.unicodeScalars.count
                        moved = true
                    }
                }
            }
            if !terms.isEmpty, cursor < scalars.count, scalars[cursor] == ")" {
                found += terms
                index = cursor
            }
        }
        return found
    }

    /// `“Affiliate” means …`, `An "Account" represents …` at the start of a clause.
    private static func definingSentenceTerm(_ scalars: [Unicode.Scalar]) -> [String] {
        var cursor = 0
        for article in ["A ", "An ", "The "] where matches(scalars, 0, article) {
            cursor = article.unicodeScalars.count
        }
        guard let term = quotedTerm(scalars, &cursor) else { return [] }
        if cursor < scalars.count, scalars[cursor] == "," { cursor += 1 }
        skipSpaces(scalars, &cursor)
        for verb in definingVerbs where matches(scalars, cursor, verb) {
            let end = cursor + verb.unicodeScalars.count
            if end == scalars.count || !scalars[end].properties.isAlphabetic { return [term] }
        }
        return []
    }

    /// `(**Users**)` and `(the __Site__)`: strong text alone in parentheses.
    private static func parenthesizedStrongTerms(_ inlines: [Inline]) -> [String] {
        var found: [String] = []
        for index in inlines.indices.dropFirst().dropLast() {
            guard case .strong(let children) = inlines[index],
                  case .text(let before) = inlines[index - 1], case .text(let after) = inlines[index + 1],
                  after.hasPrefix(")") else { continue }
            let opening = before.hasSuffix("(") || before.hasSuffix("(the ") || before.hasSuffix("(the")
            let term = Inline.plainText(children).trimmingCharacters(in: ",.“”\"")
            if opening, isPlausibleTerm(term) { found.append(term) }
        }
        return found
    }

    private static func quotedTerm(_ scalars: [Unicode.Scalar], _ cursor: inout Int) -> String? {
        var index = cursor
        skipSpaces(scalars, &index)
        guard index < scalars.count, isOpenQuote(scalars[index]) else { return nil }
        let start = index + 1
        var end = start
        while end < scalars.count, !isCloseQuote(scalars[end]), end - start <= 80,
              scalars[end] != "(", scalars[end] != ")" {
            end += 1
        }
        guard end < scalars.count, isCloseQuote(scalars[end]) else { return nil }
        // Encoded by hand: appending scalars to a string's scalar view went through its generic path.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(end - start)
        for scalar in scalars[start..<end] {
            if scalar.isASCII { bytes.append(UInt8(scalar.value)) } else { UTF8.encode(scalar) { bytes.append($0) } }
        }
        let term = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: ",.;:")
        guard isPlausibleTerm(term) else { return nil }
        cursor = end + 1
        return term
    }

    private static func isPlausibleTerm(_ term: String) -> Bool {
        guard let first = term.unicodeScalars.first, first.isWordCharacter,
              term.unicodeScalars.count <= 60 else { return false }
        // At most five spaces make at most six words, without breaking the term into characters.
        if term.utf8.lazy.filter({ $0 == 0x20 }).count <= 5 { return true }
        return term.split(separator: " ").count <= 6
    }

    private static func skipSpaces(_ scalars: [Unicode.Scalar], _ cursor: inout Int) {
        while cursor < scalars.count, scalars[cursor].properties.isWhitespace { cursor += 1 }
    }

    private static func skipLeadWords(_ scalars: [Unicode.Scalar], _ cursor: inout Int) {
        var moved = true
        while moved {
            moved = false
            // Every lead word starts with an ASCII letter, in any case: a sign, or a character beyond
            // ASCII that is its own lowercase (a quote), starts none of them.
            guard cursor < scalars.count else { return }
            let first = scalars[cursor]
            if first.isASCII ? !(0x61...0x7A).contains(first.value | 0x20) : !first.properties.changesWhenLowercased {
                return
            }
            for word in leadWords where matches(scalars, cursor, word, caseInsensitive: true) {
                let end = cursor + word.unicodeScalars.count
                guard end < scalars.count, scalars[end] == " " else { continue }
                cursor = end
                skipSpaces(scalars, &cursor)
                moved = true
                break
            }
        }
    }

    private static func lowercased(_ scalar: Unicode.Scalar) -> UInt32 {
        (0x41...0x5A).contains(scalar.value) ? scalar.value | 0x20 : scalar.value
    }

    private static func matches(_ scalars: [Unicode.Scalar], _ at: Int, _ word: String,
                                caseInsensitive: Bool = false) -> Bool {
        var index = at
        for expected in word.unicodeScalars {
            guard index < scalars.count else { return false }
            let actual = scalars[index]
            if caseInsensitive {
                // ASCII letters lowercase by a bit (lowercaseMapping makes a string for every letter).
                if actual.isASCII, expected.isASCII {
                    guard lowercased(actual) == lowercased(expected) else { return false }
                } else if expected.isASCII, !actual.properties.changesWhenLowercased {
                    // Lowercase, `actual` is itself, not ASCII: it cannot be `expected` (a quote meets
                    // every lead word here, and lowercaseMapping makes strings).
                    return false
                } else {
                    guard actual.properties.lowercaseMapping == expected.properties.lowercaseMapping else { return false }
                }
            } else if actual != expected {
                return false
            }
            index += 1
        }
        return true
    }
}
