import PolicyModel
import PolicyParser

/// Parses inline Markdown the way every test here does.
func parse(_ markdown: String, path: String = "policy.md") -> Document {
    PolicyParser.parse(text: markdown, path: path)
}

func parse(bytes: [UInt8], path: String = "policy.md") -> Document {
    PolicyParser.parse(bytes, path: path)
}

extension Document {
    func section(_ id: String) -> Section? {
        allSections.first { $0.id == id }
    }

    func clause(_ id: String) -> Clause? {
        allClauses.first { $0.clause.id == id }?.clause
    }

    /// Every section as `id` indented by depth: the shape of the tree in one comparable value.
    var outline: [String] {
        var lines: [String] = []
        for section in sections {
            section.walk { section, depth in
                lines.append(String(repeating: "  ", count: depth) + section.id)
            }
        }
        return lines
    }

    /// The references as `kind target -> resolved`, for comparing in one expectation.
    var referenceSummary: [String] {
        references.map { "\($0.kind.rawValue) \($0.target) -> \($0.resolved ?? "nil")" }
    }
}

/// Markdown with location markers (`⟨a⟩`) written where a clause or heading starts, so that nobody
/// counts lines and columns by hand. The markers are removed before parsing.
struct Marked {
    let text: String
    /// Each marker's position in `text`: 1-based line, 1-based UTF-8 byte column.
    let locations: [String: SourceLocation]

    init(_ marked: String) {
        var text = ""
        var locations: [String: SourceLocation] = [:]
        var line = 1
        var column = 1
        var rest = marked[...]
        while let character = rest.first {
            if character == "⟨", let close = rest.firstIndex(of: "⟩") {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                precondition(locations[name] == nil, "marker ⟨\(name)⟩ used twice")
                locations[name] = SourceLocation(line: line, column: column)
                rest = rest[rest.index(after: close)...]
                continue
            }
            text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.utf8.count
            }
            rest = rest.dropFirst()
        }
        self.text = text
        self.locations = locations
    }

    subscript(marker: String) -> SourceLocation {
        guard let location = locations[marker] else { preconditionFailure("no marker ⟨\(marker)⟩") }
        return location
    }
}
