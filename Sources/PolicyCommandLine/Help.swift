/// The help a command prints for `--help`: what it does, its usage line, and each parameter.
enum Help {
    static let width = 80
    /// Where the right column of the parameter lists starts.
    static let column = 26

    static func commandName(_ path: [CommandSpec]) -> String {
        path.map(\.name).joined(separator: " ")
    }

    static func usage(for path: [CommandSpec]) -> String {
        let command = path[path.count - 1]
        if !command.subcommands.isEmpty { return commandName(path) + " <subcommand>" }
        return ([commandName(path)] + command.parameters.map(\.synopsis)).joined(separator: " ")
    }

    static func text(for path: [CommandSpec]) -> String {
        let command = path[path.count - 1]
        var out = wrap("OVERVIEW: " + command.abstract, indent: 0) + "\n"
        if let discussion = command.discussion { out += "\n" + wrap(discussion, indent: 0) + "\n" }
        out += "\nUSAGE: \(usage(for: path))\n"
        let arguments = command.arguments
        if !arguments.isEmpty {
            out += "\nARGUMENTS:\n" + arguments.map { row($0.label, $0.help) }.joined()
        }
        var options = command.parameters.filter { !$0.isArgument }.map { row($0.label, $0.help + note($0)) }
        if path.count == 1 { options.append(row("--version", "Show the version.")) }
        options.append(row("-h, --help", "Show help information."))
        out += "\nOPTIONS:\n" + options.joined()
        if !command.subcommands.isEmpty {
            out += "\nSUBCOMMANDS:\n" + command.subcommands.map { row($0.name, $0.abstract) }.joined()
            out += "\n  See '\(commandName(path)) help <subcommand>' for detailed help.\n"
        }
        return out
    }

    /// `(values: text, json; default: text)`
    private static func note(_ parameter: Parameter) -> String {
        let parts = [parameter.choices.map { "values: " + $0.joined(separator: ", ") },
                     parameter.defaultValue.map { "default: " + $0 }].compactMap { $0 }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))"
    }

    /// One entry of a list: the label in the left column, its text wrapped in the right one
    /// (starting on the next line when the label does not leave room).
    private static func row(_ label: String, _ text: String) -> String {
        let left = "  " + label
        let body = wrap(text, indent: column)
        let first = body.dropFirst(column)
        if left.count <= column - 2 {
            return left + String(repeating: " ", count: column - left.count) + first + "\n"
        }
        return left + "\n" + body + "\n"
    }

    /// `text`'s words filled into lines of at most `width` columns, each line after `indent` spaces.
    /// A word longer than a line gets a line of its own.
    static func wrap(_ text: String, indent: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty, indent + line.count + 1 + word.count > width {
                lines.append(margin + line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        lines.append(margin + line)
        return lines.joined(separator: "\n")
    }
}
