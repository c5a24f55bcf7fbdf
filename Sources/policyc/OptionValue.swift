import ArgumentParser
import PolicyModel

/// Option values a command converts itself, so that a wrong one is named with its option, the form or
/// range it must have, and the text as given: `--today must be a day, YYYY-MM-DD, not '29/11/2026'`.
/// A command checks them in `validate()`, where a `ValidationError` is a usage error with the
/// command's usage line (exit 2), then converts them again in `run()`, where they cannot fail.
enum OptionValue {
    /// A `YYYY-MM-DD` day.
    static func day(_ text: String?, option: String) throws(ValidationError) -> CalendarDate? {
        try value(text, option: option, expected: "a day, YYYY-MM-DD", CalendarDate.init(iso:))
    }

    static func int(_ text: String?, option: String) throws(ValidationError) -> Int? {
        try value(text, option: option, expected: "a whole number") { Int($0) }
    }

    /// A whole number within `range`, which the message names.
    static func int(_ text: String?, option: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int? {
        guard let value = try int(text, option: option) else { return nil }
        guard range.contains(value) else {
            let bounds = range.upperBound == .max ? "\(range.lowerBound) or more"
                                                  : "from \(range.lowerBound) to \(range.upperBound)"
            throw ValidationError("--\(option) must be \(bounds), not \(quoted(String(value)))")
        }
        return value
    }

    /// A number within `range` (so not NaN), in `unit`, which the message names.
    static func double(_ text: String?, option: String, in range: ClosedRange<Double>,
                       unit: String) throws(ValidationError) -> Double? {
        guard let text else { return nil }
        guard let value = Double(text), range.contains(value) else {
            throw ValidationError("--\(option) must be a number of \(unit) from \(plain(range.lowerBound)) to "
                                  + "\(plain(range.upperBound)), not \(quoted(text))")
        }
        return value
    }

    private static func value<T>(_ text: String?, option: String, expected: String,
                                 _ convert: (String) -> T?) throws(ValidationError) -> T? {
        guard let text else { return nil }
        guard let value = convert(text) else {
            throw ValidationError("--\(option) must be \(expected), not \(quoted(text))")
        }
        return value
    }

    /// `0.001`, `86400`: bounds as a person writes them, not `86400.0`.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// A word from the command line, quoted for a message: control characters (a CR or LF in a file
    /// name) are shown escaped rather than breaking the message's line.
    static func quoted(_ word: String) -> String {
        var out = "'"
        for scalar in word.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }
}
