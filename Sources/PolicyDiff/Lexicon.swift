/// The word lists of `Vocabulary`, read from the text files in `Lexicon/` (built into the binary), so that a
/// lawyer can read and review what materiality turns on without reading Swift. Each file: `#` comments,
/// then one entry a line.
enum Lexicon {
    static func words(_ file: [UInt8]) -> Set<String> {
        Set(entries(file))
    }

    /// Groups of spellings that stand for each other, `a | b` on a line, each as its words joined by a space
    /// ("e.g." is "e g", as a diff's word tokens read it).
    static func pairs(_ file: [UInt8]) -> [Set<String>] {
        entries(file).map { line in Set(line.split(separator: "|").map { words(of: $0).joined(separator: " ") }) }
    }

    /// Phrases as their words, one phrase a line; a stop splits words as a space does ("i.e." is `i`, `e`).
    static func phrases(_ file: [UInt8]) -> [[String]] {
        entries(file).map(words(of:))
    }

    /// Named groups of phrases, `name: phrase, phrase` on a line, in file order.
    static func groups(_ file: [UInt8]) -> [(name: String, phrases: [[String]])] {
        entries(file).compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let phrases = line[line.index(after: colon)...].split(separator: ",").map { words(of: $0) }.filter { !$0.isEmpty }
            return (String(line[..<colon]).trimmingSpaces, phrases)
        }
    }

    /// `groups` as one list of (name, phrase).
    static func namedPhrases(_ file: [UInt8]) -> [(name: String, phrase: [String])] {
        groups(file).flatMap { group in group.phrases.map { (group.name, $0) } }
    }

    private static func words(of phrase: some StringProtocol) -> [String] {
        phrase.split(whereSeparator: { (character: Character) in character == " " || character == "." }).map { String($0) }
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
