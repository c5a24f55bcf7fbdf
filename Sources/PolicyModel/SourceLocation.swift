/// A position in a policy's source text: 1-based line and 1-based UTF-8 byte column.
///
/// cmark reports 0 for positions it does not know; those become `nil` locations, never zero.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// A location from cmark's numbers, or nil where cmark does not know the position.
    public init?(knownLine line: Int, column: Int) {
        guard line > 0 else { return nil }
        self.init(line: line, column: max(column, 1))
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}
