/// The word lists of `Vocabulary`, read from the text files in `Lexicon/` (built into the binary), so that a
/// lawyer can read and review what materiality turns on without reading Swift. Each file: `#` comments,
/// then one entry a line.
enum Lexicon {
    static func words(_ file: [UInt8]) -> Set<String> {
        Set(entries(file))
    }

    /// Groups of spellings that stand for each other, `a | b` on a line.
    static func pairs(_ file: [UInt8]) -> [Set<String>] {
        entries(file).map { line in Set(line.split(separator: "|").map { $0.trimmingSpaces }) }
    }

    /// Phrases as their words, one phrase a line.
    static func phrases(_ file: [UInt8]) -> [[String]] {
        entries(file).map { $0.split(separator: " ").map(String.init) }
    }

    private static func entries(_ file: [UInt8]) -> [String] {
        String(decoding: file, as: UTF8.self).split(separator: "\n").map(\.trimmingSpaces)
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
