import PolicyModel
import Yams

/// One value of `policyc.yml`, read by hand rather than through `Decodable`: the dynamic casts of
/// Yams' decoder cost a small command more than its own work, and reading by hand names the key and
/// the line of whatever is wrong.
struct ConfigNode {
    let node: Node
    /// Where the value sits, as a user writes it: `notice.recipients.months`.
    let keyPath: String
    let file: String
    let source: ConfigSource

    init(_ node: Node, keyPath: String, file: String, source: ConfigSource) {
        self.node = node
        self.keyPath = keyPath
        self.file = file
        self.source = source
    }

    var line: Int? { node.mark?.line }

    /// Where the value starts, as `check` reports it (the column in UTF-8 bytes, like every diagnostic).
    var location: SourceLocation? {
        node.mark.map { source.location(line: $0.line, scalarColumn: $0.column) }
    }

    func error(_ message: String) -> ProjectError {
        .invalidConfig(path: file, line: line, message: keyPath.isEmpty ? message : "\(keyPath): \(message)")
    }

    /// A mapping's values by key. A key the config does not know is an error (a misspelt key would
    /// otherwise be a setting silently not set).
    func fields(_ known: [String]) throws(ProjectError) -> [String: ConfigNode] {
        guard let mapping = node.mapping else { throw error("expected keys and values, found \(shape)") }
        var fields: [String: ConfigNode] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let child = ConfigNode(value, keyPath: keyPath.isEmpty ? name : "\(keyPath).\(name)", file: file, source: source)
            guard known.contains(name) else {
                throw child.error("unknown key (known here: \(known.joined(separator: ", ")))")
            }
            fields[name] = child
        }
        return fields
    }

    /// A mapping whose keys are names the user chooses (section titles, for instance).
    func entries() throws(ProjectError) -> [(key: String, value: ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected keys and values, found \(shape)") }
        return mapping.map { key, value in
            let name = key.string ?? ""
            return (name, ConfigNode(value, keyPath: "\(keyPath).\(name)", file: file, source: source))
        }
    }

    func items() throws(ProjectError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list, found \(shape)") }
        return sequence.enumerated().map { index, item in ConfigNode(item, keyPath: "\(keyPath)[\(index)]", file: file, source: source) }
    }

    func string() throws(ProjectError) -> String {
        guard let scalar = node.scalar else { throw error("expected text, found \(shape)") }
        return scalar.string
    }

    /// `null`, `~` or nothing at all, written where a value may be left out.
    var isNull: Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func int() throws(ProjectError) -> Int {
        let text = try string()
        guard let value = Int(text.filter { $0 != "_" }) else { throw error("expected a whole number, found '\(text)'") }
        return value
    }

    func strings() throws(ProjectError) -> [String] {
        var values: [String] = []
        for item in try items() { values.append(try item.string()) }
        return values
    }

    func oneOf<Value: RawRepresentable & CaseIterable>(_: Value.Type) throws(ProjectError) -> Value where Value.RawValue == String {
        let text = try string()
        guard let value = Value(rawValue: text) else {
            throw error("'\(text)' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    private var shape: String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "keys and values"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

/// The text of the config, to turn YAML's positions (columns in Unicode scalars) into UTF-8 byte
/// columns, as every other diagnostic gives them.
struct ConfigSource {
    let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func location(line: Int, scalarColumn: Int) -> SourceLocation {
        guard line >= 1, line <= lines.count, scalarColumn > 1 else { return SourceLocation(line: max(line, 1), column: max(scalarColumn, 1)) }
        let scalars = lines[line - 1].unicodeScalars
        let before = scalars.prefix(scalarColumn - 1)
        return SourceLocation(line: line, column: before.reduce(0) { $0 + UTF8.width($1) } + 1 + max(0, scalarColumn - 1 - before.count))
    }
}
