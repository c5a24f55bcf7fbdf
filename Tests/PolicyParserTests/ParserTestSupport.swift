import PolicyTestSupport
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

/// Markers in Markdown: see `MarkedText` in PolicyTestSupport.
typealias Marked = MarkedText
