import PolicyModel

/// Reads the dates policies are written with: `April 15, 2025`, `Apr. 15, 2025`, `15 April 2025`,
/// `4th May 2023`, `2025-04-15`, `4/15/2025` (US order).
enum DateText {
    private static let months: [String: Int] = {
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"]
        var table: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            table[name] = index + 1
            table[String(name.prefix(3))] = index + 1
        }
        table["sept"] = 9
        return table
    }()

    /// The first date in `text`, with the range of characters it took; `nil` if none reads as a date.
    static func firstDate(in text: String) -> (date: CalendarDate?, text: String)? {
        let tokens = tokenize(text)
        for index in tokens.indices {
            if let found = date(at: index, in: tokens) {
                return (found.date, String(text[tokens[index].range.lowerBound..<tokens[found.last].range.upperBound]))
            }
        }
        return nil
    }

    /// A whole string that is only a date (with optional surrounding emphasis already removed).
    static func isOnlyDate(_ text: String) -> CalendarDate? {
        let tokens = tokenize(text)
        guard let found = date(at: 0, in: tokens), let date = found.date else { return nil }
        return found.last == tokens.count - 1 ? date : nil
    }

    private struct Token {
        var text: String
        var isNumber: Bool
        var range: Range<String.Index>
    }

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var currentIsNumber = false
        var currentStart = text.startIndex
        var position = text.startIndex
        func flush() {
            if !current.isEmpty {
                tokens.append(Token(text: current, isNumber: currentIsNumber, range: currentStart..<position))
            }
            current = ""
        }
        for character in text {
            defer { position = text.index(after: position) }
            if current.isEmpty { currentStart = position }
            if character.isLetter {
                if currentIsNumber, !current.isEmpty {
                    // "4th": keep the ordinal suffix with the number.
                    current.append(character)
                    continue
                }
                currentIsNumber = false
                current.append(character)
            } else if character.isASCII, character.isNumber {
                if !currentIsNumber { flush() }
                currentIsNumber = true
                current.append(character)
            } else {
                flush()
                currentIsNumber = false
                if character == "-" || character == "/" {
                    tokens.append(Token(text: String(character), isNumber: false,
                                        range: position..<text.index(after: position)))
                }
            }
        }
        flush()
        return tokens
    }

    private static func number(_ token: Token?) -> Int? {
        guard let token, token.isNumber else { return nil }
        var digits = token.text
        for suffix in ["st", "nd", "rd", "th"] where digits.lowercased().hasSuffix(suffix) {
            digits.removeLast(2)
        }
        return Int(digits)
    }

    private static func month(_ token: Token?) -> Int? {
        guard let token, !token.isNumber else { return nil }
        return months[token.text.lowercased()]
    }

    /// The date starting at token `index`, and the index of its last token.
    private static func date(at index: Int, in tokens: [Token]) -> (date: CalendarDate?, last: Int)? {
        func token(_ offset: Int) -> Token? {
            index + offset < tokens.count ? tokens[index + offset] : nil
        }
        // Month D, YYYY
        if let month = month(token(0)), let day = number(token(1)), let year = number(token(2)), year >= 1000 {
            return (CalendarDate(year: year, month: month, day: day), index + 2)
        }
        // D Month YYYY
        if let day = number(token(0)), let month = month(token(1)), let year = number(token(2)), year >= 1000 {
            return (CalendarDate(year: year, month: month, day: day), index + 2)
        }
        // YYYY-MM-DD (also unpadded, as Mozilla's history has)
        if let year = number(token(0)), token(0)!.text.count == 4, token(1)?.text == "-",
           let month = number(token(2)), token(3)?.text == "-", let day = number(token(4)) {
            return (CalendarDate(year: year, month: month, day: day), index + 4)
        }
        // M/D/YYYY
        if let month = number(token(0)), token(1)?.text == "/", let day = number(token(2)), token(3)?.text == "/",
           let year = number(token(4)), token(4)!.text.count == 4 {
            return (CalendarDate(year: year, month: month, day: day), index + 4)
        }
        // Month YYYY: a date without a day cannot be checked or stamped; say so rather than guess.
        if let _ = month(token(0)), let year = number(token(1)), year >= 1000, token(1)!.text.count == 4 {
            return (nil, index + 1)
        }
        return nil
    }
}
