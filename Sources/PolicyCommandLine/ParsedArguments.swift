/// What a command line gave one command: option values and arguments by name, and the flags set.
/// The parser has already checked names, counts, required parameters and fixed choices; the typed
/// accessors convert values and report those that do not convert.
public struct ParsedArguments: Sendable, Equatable {
    private let values: [String: [String]]
    private let flags: Set<String>
    /// The command and the groups above it, for the usage line of an error (made only then).
    private let path: [CommandSpec]

    init(values: [String: [String]], flags: Set<String>, path: [CommandSpec]) {
        self.values = values
        self.flags = flags
        self.path = path
    }

    /// An option's value or a single argument, nil when absent.
    public func string(_ name: String) -> String? {
        values[name]?.last
    }

    /// Every value of an argument that takes many.
    public func strings(_ name: String) -> [String] {
        values[name] ?? []
    }

    public func flag(_ name: String) -> Bool {
        flags.contains(name)
    }

    /// A required argument's value. The parser refuses a command line without it; asking for an
    /// argument the command did not declare required is the command's mistake, reported as usage.
    public func required(_ name: String) throws(UsageError) -> String {
        guard let value = string(name) else { throw invalid("missing <\(name)>") }
        return value
    }

    /// An option's value converted by `convert`; `expected` says what it should look like.
    public func value<T>(_ name: String, expected: String, _ convert: (String) -> T?) throws(UsageError) -> T? {
        guard let text = string(name) else { return nil }
        guard let value = convert(text) else {
            throw invalid("--\(name) must be \(expected), not \(quoted(text))")
        }
        return value
    }

    public func choice<Choice: RawRepresentable>(_ name: String, _ type: Choice.Type) throws(UsageError) -> Choice?
    where Choice.RawValue == String {
        try value(name, expected: "one of its listed values", Choice.init(rawValue:))
    }

    public func int(_ name: String) throws(UsageError) -> Int? {
        try value(name, expected: "a whole number") { Int($0) }
    }

    public func double(_ name: String) throws(UsageError) -> Double? {
        try value(name, expected: "a number") { text in Double(text).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// A whole number within `range`, which the message names.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let value = try int(name) else { return nil }
        guard range.contains(value) else {
            throw invalid("--\(name) must be \(range.upperBound == .max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"), not \(quoted(String(value)))")
        }
        return value
    }

    /// A number within `range` (so not NaN), in `unit`, which the message names.
    public func double(_ name: String, in range: ClosedRange<Double>, unit: String) throws(UsageError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            throw invalid("--\(name) must be a number of \(unit) from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound)), not \(quoted(text))")
        }
        return value
    }

    /// `0.001`, `86400`: bounds as a person writes them, not `86400.0`.
    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// A usage error for this command: a check the parser cannot make (values that go together).
    public func invalid(_ message: String) -> UsageError {
        UsageError(message, usage: Help.usage(for: path), command: Help.commandName(path))
    }
}
