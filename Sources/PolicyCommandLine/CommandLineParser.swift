/// What the command line asks for.
public enum Invocation: Sendable, Equatable {
    /// Run the command at `command` (names below the root: `["diff"]`, `["notices", "status"]`).
    case run(command: [String], arguments: ParsedArguments)
    /// Print this help text and succeed.
    case help(String)
    case version
}

/// Parses a command line against declared commands, without reflection.
///
/// - `--name value` and `--name=value`; a value may start with one dash (`-1`), not two.
/// - `--` ends the options: every later word is an argument, even one that starts with dashes.
/// - `-h` or `--help` anywhere before `--` asks for the command's help; `policyc help diff` too.
/// - An option given twice keeps its last value.
public struct CommandLineParser: Sendable {
    public let root: CommandSpec

    public init(root: CommandSpec) {
        self.root = root
    }

    public func parse(_ words: [String]) throws(UsageError) -> Invocation {
        var path = [root]
        var index = words.startIndex
        // Down the command groups to the command that runs.
        while let group = path.last, !group.subcommands.isEmpty {
            guard index < words.endIndex else { return .help(Help.text(for: path)) }
            let word = words[index]
            index += 1
            switch word {
            case "-h", "--help":
                return .help(Help.text(for: path))
            case "--version" where path.count == 1:
                if let extra = words[index...].first { throw error(path, "unexpected argument \(quoted(extra))") }
                return .version
            case "help":
                return .help(Help.text(for: try commandPath(path, words[index...])))
            default:
                guard let command = group.subcommand(named: word) else {
                    throw error(path, word.hasPrefix("-") ? "unknown option \(quoted(word))"
                                                          : "unknown command \(quoted(word))")
                }
                path.append(command)
            }
        }
        let command = path[path.count - 1]
        var values: [String: [String]] = [:]
        var flags = Set<String>()
        var positionals: [String] = []
        var optionsEnded = false
        while index < words.endIndex {
            let word = words[index]
            index += 1
            if optionsEnded || !word.hasPrefix("-") || word == "-" {
                positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            if word == "-h" || word == "--help" { return .help(Help.text(for: path)) }
            let body = word.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inlineValue = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
            guard word.hasPrefix("--"), let parameter = command.parameter(named: name) else {
                throw error(path, "unknown option \(quoted(word.hasPrefix("--") ? "--" + name : word))")
            }
            if parameter.kind == .flag {
                guard inlineValue == nil else { throw error(path, "--\(name) takes no value") }
                flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < words.endIndex, !words[index].hasPrefix("--") {
                value = words[index]
                index += 1
            } else {
                throw error(path, "--\(name) needs a value <\(name)>")
            }
            if let choices = parameter.choices, !choices.contains(value) {
                throw error(path, "--\(name) must be one of \(choices.joined(separator: ", ")), not \(quoted(value))")
            }
            values[name] = [value]
        }
        var remaining = positionals[...]
        for parameter in command.arguments {
            guard case .argument(let count) = parameter.kind else { continue }
            switch count {
            case .one:
                guard let value = remaining.popFirst() else { throw error(path, "missing <\(parameter.name)>") }
                values[parameter.name] = [value]
            case .optional:
                if let value = remaining.popFirst() { values[parameter.name] = [value] }
            case .many:
                values[parameter.name] = Array(remaining)
                remaining = []
            }
        }
        if let extra = remaining.first { throw error(path, "unexpected argument \(quoted(extra))") }
        for parameter in command.parameters where parameter.kind == .option(required: true) && values[parameter.name] == nil {
            throw error(path, "missing --\(parameter.name) <\(parameter.name)>")
        }
        return .run(command: path.dropFirst().map(\.name),
                    arguments: ParsedArguments(values: values, flags: flags, path: path))
    }

    /// The commands `help` names: `policyc help notices status`.
    private func commandPath(_ path: [CommandSpec], _ names: ArraySlice<String>) throws(UsageError) -> [CommandSpec] {
        var path = path
        // `policyc help help` asks about help itself: the root's help says how to use it.
        for name in names where name != "help" {
            guard let command = path[path.count - 1].subcommand(named: name) else {
                throw error(path, "unknown command \(quoted(name))")
            }
            path.append(command)
        }
        return path
    }

    private func error(_ path: [CommandSpec], _ message: String) -> UsageError {
        UsageError(message, usage: Help.usage(for: path), command: Help.commandName(path))
    }
}
