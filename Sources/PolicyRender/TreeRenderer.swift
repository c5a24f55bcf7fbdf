import PolicyModel

/// A readable, indented dump of a document's structure with source positions, for people and golden tests.
public enum TreeRenderer {
    public static func render(_ document: Document) -> String {
        var out = "Document \(quoted(document.title))"
        if let location = document.titleLocation { out += " @\(location)" }
        out += "\n"
        if let lastUpdated = document.lastUpdated {
            out += "  LastUpdated \(lastUpdated.date?.description ?? "unreadable") \(quoted(lastUpdated.text))"
            out += lastUpdated.location.map { " @\($0)" } ?? ""
            out += "\n"
        }
        for clause in document.preambleClauses { clauseLine(clause, indent: 1, into: &out) }
        for section in document.sections {
            section.walk { section, depth in
                let indent = String(repeating: "  ", count: depth + 1)
                out += "\(indent)Section \(section.id)"
                out += section.number.map { " number: \($0)" } ?? ""
                out += " level: \(section.level) \(quoted(section.title))"
                out += section.location.map { " @\($0)" } ?? ""
                out += "\n"
                for clause in section.clauses { clauseLine(clause, indent: depth + 2, into: &out) }
            }
        }
        for term in document.definedTerms {
            out += "  Term \(quoted(term.term)) in \(term.clause)\(term.location.map { " @\($0)" } ?? "")\n"
        }
        for reference in document.references {
            out += "  Reference \(reference.kind.rawValue) \(quoted(reference.target)) → \(reference.resolved ?? "unresolved")"
            out += " in \(reference.clause)\n"
        }
        return out
    }

    private static func clauseLine(_ clause: Clause, indent: Int, into out: inout String) {
        out += String(repeating: "  ", count: indent)
        out += "\(clause.kind.rawValue) \(clause.id)"
        out += clause.location.map { " @\($0)" } ?? ""
        out += " \(quoted(excerpt(clause.text)))\n"
    }

    static func excerpt(_ text: String, limit: Int = 60) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 { result += "\\u{\(String(scalar.value, radix: 16))}" } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}
