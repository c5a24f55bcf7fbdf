import PolicyModel

/// Markdown with location markers (`⟨1⟩`, `⟨b⟩`) written where something is expected, so that
/// nobody counts columns by hand. The markers are stripped before parsing.
public struct MarkedText: Sendable {
    /// The Markdown without its markers.
    public let text: String
    /// Each marker's position in `text`: 1-based line, 1-based UTF-8 byte column.
    public let locations: [String: SourceLocation]
    /// Each marker's 0-based UTF-8 byte offset in `text`.
    public let offsets: [String: Int]

    public init(_ marked: String) {
        var text = ""
        var locations: [String: SourceLocation] = [:]
        var offsets: [String: Int] = [:]
        var line = 1
        var column = 1
        var rest = marked[...]
        while let character = rest.first {
            if character == "⟨", let close = rest.firstIndex(of: "⟩") {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                precondition(locations[name] == nil, "marker ⟨\(name)⟩ used twice")
                locations[name] = SourceLocation(line: line, column: column)
                offsets[name] = text.utf8.count
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
        self.offsets = offsets
    }

    public subscript(marker: String) -> SourceLocation {
        guard let location = locations[marker] else { preconditionFailure("no marker ⟨\(marker)⟩") }
        return location
    }
}
