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
        // ASCII (nearly every heading) has one character per byte: no grapheme breaking needed.
        let characters = heading.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D }
            ? heading.utf8.map { Character(Unicode.Scalar($0)) } : Array(heading)
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
