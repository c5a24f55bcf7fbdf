/// A section number read back from its text, so that siblings can be compared: `4.2` is number 2 of series `4.`.
struct SectionNumber: Hashable {
    enum Style: Hashable {
        case arabic, roman, letter
    }

    let style: Style
    /// The parts before the last one (`4` in `4.2`), joined by dots; empty for an undotted number.
    let prefix: String
    let value: Int

    /// Reads `4`, `4.2`, `IV` or `B`. `I`, `V` and `X` are letters where they continue a letter series
    /// (`H`, then `I`), roman numbers otherwise.
    init?(_ text: String, after previous: SectionNumber? = nil) {
        if !text.isEmpty, text.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard let last = parts.last, let value = Int(last) else { return nil }
            self.init(style: .arabic, prefix: parts.dropLast().joined(separator: "."), value: value)
            return
        }
        let letterValue = text.count == 1 ? text.unicodeScalars.first.map { Int($0.value) - 64 } : nil
        if let letterValue, (1...26).contains(letterValue) {
            let continuesLetters = previous?.style == .letter && previous?.value == letterValue - 1
            if !"IVX".contains(text) || continuesLetters {
                self.init(style: .letter, prefix: "", value: letterValue)
                return
            }
        }
        guard let value = Self.romanValue(text) else { return nil }
        self.init(style: .roman, prefix: "", value: value)
    }

    private init(style: Style, prefix: String, value: Int) {
        self.style = style
        self.prefix = prefix
        self.value = value
    }

    /// Sections that count together: the same style and the same dotted prefix.
    var series: String {
        "\(style):\(prefix)"
    }

    /// The number as written.
    var text: String { written(value) }

    /// Another number of the same series, as it would be written (`4.3` for 3 in series `4.`).
    func written(_ value: Int) -> String {
        switch style {
        case .arabic:
            return prefix.isEmpty ? String(value) : "\(prefix).\(value)"
        case .roman:
            return Self.roman(value) ?? String(value)
        case .letter:
            guard (1...26).contains(value), let scalar = Unicode.Scalar(64 + value) else { return String(value) }
            return String(Character(scalar))
        }
    }

    private static let romanDigits: [(value: Int, text: String)] = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]

    static func roman(_ value: Int) -> String? {
        guard (1...3999).contains(value) else { return nil }
        var rest = value
        var result = ""
        for digit in romanDigits {
            while rest >= digit.value {
                result += digit.text
                rest -= digit.value
            }
        }
        return result
    }

    /// The value of a roman number written the usual way (`IV`, not `IIII`), or nil.
    static func romanValue(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 15 else { return nil }
        let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000]
        var total = 0
        let digits = text.compactMap { values[$0] }
        guard digits.count == text.count else { return nil }
        for (index, digit) in digits.enumerated() {
            if index + 1 < digits.count, digit < digits[index + 1] { total -= digit } else { total += digit }
        }
        return roman(total) == text ? total : nil
    }
}
