import PolicyModel

/// The pieces of RFC 5322 / MIME a notice needs: quoted-printable bodies (RFC 2045), encoded-words
/// for non-ASCII header text (RFC 2047), header folding, and dates.
public enum MIME {
    static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Appends one line of text (no line breaks in it) as quoted-printable, soft-broken so no encoded
    /// line is over 76 characters, and ends it with CRLF.
    public static func appendQuotedPrintableLine<C: Collection>(_ line: C, to out: inout [UInt8]) where C.Element == UInt8 {
        appendQuotedPrintable(line, column: 0, endsLine: true, to: &out)
    }

    /// Appends part of a line as quoted-printable, starting at encoded `column`; returns the column it
    /// ends at. Only the part that `endsLine` may end in white space, and gets the CRLF. A line's
    /// fixed beginning can be encoded once this way, and the rest, which holds a User's values, per
    /// message.
    @discardableResult
    static func appendQuotedPrintable<C: Collection>(_ part: C, column start: Int, endsLine: Bool,
                                                     to out: inout [UInt8]) -> Int where C.Element == UInt8 {
        var column = start
        var index = part.startIndex
        while index != part.endIndex {
            let byte = part[index]
            part.formIndex(after: &index)
            let isLast = endsLine && index == part.endIndex
            var literal: Bool
            switch byte {
            case 0x20, 0x09: literal = !isLast
            case 0x3D: literal = false
            case 0x21...0x7E: literal = true
            default: literal = false
            }
            // Keep room for the soft break's "=" unless this is the line's last character.
            if column + (literal ? 1 : 3) > (isLast ? 76 : 75) {
                out.append(0x3D)
                out.append(contentsOf: crlf)
                column = 0
            }
            // "From " at the start of an encoded line is mangled by mbox-style MTAs: encode its F.
            if literal, byte == UInt8(ascii: "F"), column == 0, part[index...].starts(with: "rom ".utf8) { literal = false }
            if literal {
                out.append(byte)
                column += 1
            } else {
                out.append(0x3D)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
                column += 3
            }
        }
        if endsLine { out.append(contentsOf: crlf) }
        return column
    }

    /// Quoted-printable for a whole text: each line encoded on its own, line ends made CRLF.
    public static func quotedPrintable(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            appendQuotedPrintableLine(line.last == 0x0D ? line.dropLast() : line[...], to: &out)
        }
        return out
    }

    /// `Name: value` as folded header lines ending in CRLF. ASCII text is folded at spaces; anything
    /// else (and anything that looks like an encoded-word already) becomes RFC 2047 B encoded-words.
    public static func header(_ name: String, _ value: String) -> [UInt8] {
        var out = Array("\(name): ".utf8)
        appendUnstructured(value, startColumn: out.count, to: &out)
        out.append(contentsOf: crlf)
        return out
    }

    /// A mailbox (`To:`/`From:` value): `address`, or `name <address>` with the name as it is when it
    /// is a plain phrase, else as encoded-words. The address has been validated (ASCII, no spaces).
    public static func appendMailbox(name: String, address: String, startColumn: Int, to out: inout [UInt8]) {
        guard !name.isEmpty else {
            out.append(contentsOf: address.utf8)
            return
        }
        var column = startColumn
        if isPlainPhrase(name) && startColumn + name.utf8.count + address.utf8.count + 3 <= 78 {
            out.append(contentsOf: name.utf8)
            column += name.utf8.count
        } else {
            column = appendEncodedWords(name, startColumn: startColumn, to: &out)
        }
        if column + address.utf8.count + 3 > 78 {
            out.append(contentsOf: crlf)
            column = 0
        }
        out.append(contentsOf: " <".utf8)
        out.append(contentsOf: address.utf8)
        out.append(UInt8(ascii: ">"))
    }

    static func appendUnstructured(_ value: String, startColumn: Int, to out: inout [UInt8]) {
        let ascii = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if ascii && !value.contains("=?") && value.utf8.count < 900 {
            var column = startColumn
            var first = true
            for word in value.split(separator: " ", omittingEmptySubsequences: false) {
                if !first {
                    if column + 1 + word.utf8.count > 78 {
                        out.append(contentsOf: crlf)
                        column = 0
                    }
                    out.append(0x20)
                    column += 1
                }
                out.append(contentsOf: word.utf8)
                column += word.utf8.count
                first = false
            }
        } else {
            _ = appendEncodedWords(value, startColumn: startColumn, to: &out)
        }
    }

    /// Encoded-words of at most 70 characters, one per folded line, never splitting a character.
    /// Returns the column after the last one.
    @discardableResult
    static func appendEncodedWords(_ text: String, startColumn: Int, to out: inout [UInt8]) -> Int {
        // 56 base64 characters carry 42 bytes: with "=?UTF-8?B?" and "?=" a word is 68 characters.
        let maximumBytes = 42
        var chunk: [UInt8] = []
        var column = startColumn
        var first = true
        func flush() {
            if !first {
                out.append(contentsOf: crlf)
                out.append(0x20)
                column = 1
            }
            out.append(contentsOf: "=?UTF-8?B?".utf8)
            appendBase64(chunk, to: &out)
            out.append(contentsOf: "?=".utf8)
            column += 12 + (chunk.count + 2) / 3 * 4
            chunk.removeAll(keepingCapacity: true)
            first = false
        }
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytes { flush() }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty || first { flush() }
        return column
    }

    /// A display name that may stand unquoted: ASCII letters, digits, spaces and atext symbols.
    static func isPlainPhrase(_ name: String) -> Bool {
        name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "'"),
                 UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                 UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "^"), UInt8(ascii: "_"),
                 UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
                return true
            default:
                return false
            }
        } && !name.hasPrefix(" ") && !name.hasSuffix(" ") && !name.contains("  ")
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func appendBase64(_ bytes: [UInt8], to out: inout [UInt8]) {
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(base64Alphabet[Int(value >> 18 & 63)])
            out.append(base64Alphabet[Int(value >> 12 & 63)])
            out.append(base64Alphabet[Int(value >> 6 & 63)])
            out.append(base64Alphabet[Int(value & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let value = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(base64Alphabet[Int(value >> 18 & 63)])
            out.append(base64Alphabet[Int(value >> 12 & 63)])
            out.append(rest == 2 ? base64Alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
    }

    /// RFC 5322 date-time in UTC: `Sun, 29 Nov 2026 09:33:13 +0000`.
    public static func date(secondsSince1970 seconds: Int) -> String {
        let time = UTCTime(secondsSince1970: seconds)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[((time.day.daysSinceEpoch % 7) + 7) % 7]
        return "\(weekday), \(time.day.day) \(months[time.day.month - 1]) \(time.day.year) \(time.clock) +0000"
    }
}

/// A moment in UTC as a calendar day and a `HH:MM:SS` time of day.
struct UTCTime {
    let day: CalendarDate
    let clock: String

    init(secondsSince1970 seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        day = CalendarDate(daysSinceEpoch: days)
        clock = "\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))"
    }
}
