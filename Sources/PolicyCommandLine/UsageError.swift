/// A command line that cannot be run as written: exit status 2, with the command's usage.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// `policyc diff [--project <project>] <old> ...`
    public let usage: String
    /// `policyc diff`: where to ask for help.
    public let command: String

    public init(_ message: String, usage: String, command: String) {
        self.message = message
        self.usage = usage
        self.command = command
    }

    /// The message, then how the command is used and where its help is.
    public var description: String {
        "\(message)\n\(help)"
    }

    /// How the command is used and where its help is: the lines after the message.
    public var help: String {
        "Usage: \(usage)\n  See '\(command) --help' for more information."
    }
}

/// A word from the command line, quoted for a message: control characters (a CR or LF in a file
/// name) are shown escaped rather than breaking the message's line.
func quoted(_ word: String) -> String {
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
