/// One thing a command takes on its command line: a positional argument, an option with a value, or a flag.
public struct Parameter: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `<name>`: required, optional (`[<name>]`) or any number (`[<name> ...]`), in the order declared.
        case argument(Count)
        /// `--name <name>`, or `--name=<name>`.
        case option(required: Bool)
        /// `--name`, no value.
        case flag
    }

    public enum Count: Sendable, Equatable {
        case one, optional, many
    }

    /// As written on the command line without dashes: `format`, `exit-code`, `old`.
    public let name: String
    public let kind: Kind
    public let help: String
    /// Shown in help; the command supplies the value itself when the option is absent.
    public let defaultValue: String?
    /// The only values accepted, when there is a fixed set; checked while parsing.
    public let choices: [String]?

    public static func argument(_ name: String, _ count: Count = .one, help: String) -> Parameter {
        Parameter(name: name, kind: .argument(count), help: help, defaultValue: nil, choices: nil)
    }

    public static func option(_ name: String, required: Bool = false, default defaultValue: String? = nil,
                              choices: [String]? = nil, help: String) -> Parameter {
        Parameter(name: name, kind: .option(required: required), help: help, defaultValue: defaultValue, choices: choices)
    }

    /// An option whose value is one of an enumeration's raw values.
    public static func option<Choice: RawRepresentable & CaseIterable>(
        _ name: String, choices: Choice.Type, default defaultValue: Choice? = nil, help: String
    ) -> Parameter where Choice.RawValue == String {
        option(name, default: defaultValue?.rawValue, choices: Choice.allCases.map(\.rawValue), help: help)
    }

    public static func flag(_ name: String, help: String) -> Parameter {
        Parameter(name: name, kind: .flag, help: help, defaultValue: nil, choices: nil)
    }

    var isArgument: Bool {
        if case .argument = kind { return true }
        return false
    }

    /// `<old>`, `[<new>]`, `--format <format>`, `--exit-code`: how usage lines show it.
    var synopsis: String {
        switch kind {
        case .argument(.one): "<\(name)>"
        case .argument(.optional): "[<\(name)>]"
        case .argument(.many): "[<\(name)> ...]"
        case .option(let required): required ? "--\(name) <\(name)>" : "[--\(name) <\(name)>]"
        case .flag: "[--\(name)]"
        }
    }

    /// How the help's left column names it.
    var label: String {
        switch kind {
        case .argument(.many): "<\(name)> ..."
        case .argument: "<\(name)>"
        case .option: "--\(name) <\(name)>"
        case .flag: "--\(name)"
        }
    }
}
