/// The number a heading is written with: `1\. Title`, `4.2 Title`, `Section 5: Title`, `IV. Title`, `A) Title`.
struct HeadingNumber: Sendable, Hashable {
    enum Style: Sendable, Hashable {
        case arabic, roman, letter
    }

    /// As written, without its trailing delimiter: `1`, `4.2`, `IV`, `A`.
    var text: String
    var style: Style
    /// The parts of a dotted arabic number (`4.2` → 4, 2); one part for roman and letter numbers.
    var parts: [String]
    /// How many leading characters of the heading text the number (and its prefix and delimiter) takes.
    var prefixLength: Int

    /// The number at the start of a heading's plain text, or nil if the heading is not numbered.
    static func parse(_ heading: String) -> HeadingNumber? {
        // ASCII (nearly every heading) is read byte by byte: no characters made, no grapheme breaking.
        // (A CR is left to the character reading, where CR LF is one character.)
        if heading.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            var heading = heading
            return heading.withUTF8 { parse(ascii: $0) }
        }
        return parse(characters: Array(heading))
    }

    /// `parse` for a heading of ASCII bytes without CR: the same rules as `parse(characters:)`, which
    /// HeadingNumberTests holds it to.
    static func parse(ascii bytes: UnsafeBufferPointer<UInt8>) -> HeadingNumber? {
        func isDigit(_ index: Int) -> Bool { index < bytes.count && (0x30...0x39).contains(bytes[index]) }
        func isRoman(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "I") || byte == UInt8(ascii: "V") || byte == UInt8(ascii: "X")
                || byte == UInt8(ascii: "L") || byte == UInt8(ascii: "C")
        }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var index = 0
        var hadKeyword = false
        for keyword in ["section", "article", "part"] where startsWith(bytes, keyword) {
            var next = keyword.utf8.count
            while next < bytes.count, bytes[next] == 0x20 { next += 1 }
            if next > keyword.utf8.count {
                index = next
                hadKeyword = true
            }
            break
        }

        let numberStart = index
        var style = Style.arabic
        if isDigit(index) {
            while isDigit(index) || (index < bytes.count && bytes[index] == UInt8(ascii: ".") && isDigit(index + 1)) {
                index += 1
            }
        } else if index < bytes.count, isRoman(bytes[index]) {
            style = .roman
            while index < bytes.count, isRoman(bytes[index]) { index += 1 }
            if index - numberStart == 1, bytes[numberStart] == UInt8(ascii: "L") || bytes[numberStart] == UInt8(ascii: "C") {
                style = .letter
            }
        } else if index < bytes.count, (0x41...0x5A).contains(bytes[index]) {
            style = .letter
            index += 1
        } else {
            return nil
        }
        let count = index - numberStart
        guard count > 0, count <= 16 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[numberStart..<index]), as: UTF8.self)

        var delimited = false
        while index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ")")
                || bytes[index] == UInt8(ascii: ":") {
            delimited = true
            index += 1
        }
        guard index == bytes.count || isSpace(bytes[index]) else { return nil }
        let dotted = text.utf8.contains(UInt8(ascii: "."))
        switch style {
        case .arabic:
            guard delimited || hadKeyword || dotted || count <= 3 else { return nil }
        case .roman, .letter:
            guard delimited || hadKeyword else { return nil }
        }
        while index < bytes.count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: ":") {
            index += 1
        }
        let parts = style == .arabic ? text.split(separator: ".").map(String.init) : [text]
        return HeadingNumber(text: text, style: style, parts: parts, prefixLength: index)
    }

    /// Whether `bytes` start with the lowercase ASCII `keyword`, in any case.
    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ keyword: String) -> Bool {
        guard bytes.count >= keyword.utf8.count else { return false }
        for (index, expected) in keyword.utf8.enumerated() {
            let actual = bytes[index]
            guard actual == expected || ((0x41...0x5A).contains(actual) && actual | 0x20 == expected) else { return false }
        }
        return true
    }

    /// `parse` character by character, for headings beyond ASCII.
    static func parse(characters: [Character]) -> HeadingNumber? {
        var index = 0
        var hadKeyword = false
        for keyword in ["section", "article", "part", "§"] {
            if startsWith(characters, keyword) {
                var next = keyword.count
                while next < characters.count, characters[next] == " " { next += 1 }
                if next > keyword.count || keyword == "§" {
                    index = next
                    hadKeyword = true
                }
                break
            }
        }

        let numberStart = index
        var style = Style.arabic
        if index < characters.count, characters[index].isASCII, characters[index].isNumber {
            while index < characters.count,
                  (characters[index].isASCII && characters[index].isNumber)
                    || (characters[index] == "." && index + 1 < characters.count
                        && characters[index + 1].isASCII && characters[index + 1].isNumber) {
                index += 1
            }
        } else if index < characters.count, "IVXLC".contains(characters[index]) {
            style = .roman
            while index < characters.count, "IVXLC".contains(characters[index]) { index += 1 }
            if index - numberStart == 1, !"IVX".contains(characters[numberStart]) { style = .letter }
        } else if index < characters.count, characters[index].isASCII, characters[index].isUppercase {
            style = .letter
            index += 1
        } else {
            return nil
        }
        let text = String(characters[numberStart..<index])
        guard !text.isEmpty, text.count <= 16 else { return nil }

        // What follows the number: a delimiter, then a space or the end.
        var delimited = false
        // A doubled delimiter is a typo real policies keep (WordPress.com's `#### 6.. Copyright …`).
        while index < characters.count, ".):".contains(characters[index]) {
            delimited = true
            index += 1
        }
        let atEnd = index == characters.count
        let spaced = !atEnd && characters[index].isWhitespace
        guard atEnd || spaced else { return nil }
        let dotted = text.contains(".")
        switch style {
        case .arabic:
            // A bare year ("2024 Update") is not a section number.
            guard delimited || hadKeyword || dotted || text.count <= 3 else { return nil }
        case .roman, .letter:
            // "I agree" or "A note" is not numbered: these need a delimiter or a keyword.
            guard delimited || hadKeyword else { return nil }
        }
        while index < characters.count, characters[index].isWhitespace || "–—-:".contains(characters[index]) {
            index += 1
        }
        let parts = style == .arabic ? text.split(separator: ".").map(String.init) : [text]
        return HeadingNumber(text: text, style: style, parts: parts, prefixLength: index)
    }

    /// Whether `characters` start with the lowercase `keyword`, in any case.
    private static func startsWith(_ characters: [Character], _ keyword: String) -> Bool {
        var index = 0
        for expected in keyword {
            guard index < characters.count else { return false }
            let actual = characters[index]
            guard actual == expected || actual.lowercased() == String(expected) else { return false }
            index += 1
        }
        return true
    }

    /// The number of the section this one belongs under (`4.2` → `4`), for dotted numbers.
    var parentText: String? {
        parts.count > 1 ? parts.dropLast().joined(separator: ".") : nil
    }
}
