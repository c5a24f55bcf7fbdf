import PolicyModel

/// Counts the whole-word uses of each defined term after its (first) definition, in clause texts and
/// section titles taken in document order.
///
/// Texts are split into words (runs of letters and digits), so `Site’s` is `Site` and `s` and a possessive
/// needs no rule of its own. A capitalised term matches its capitals exactly, and its last word may carry a
/// plural suffix (`s`, `es`, `y`→`ies`) or, for a plural term, drop it (`Users` is used by "a User").
/// A lowercase term (`we`, `us`, `our`) matches in any case and is not inflected (`uses` is not `us`).
/// Mentions before the definition do not count: in "Google LLC (“Google”)" the name is what is defined.
struct TermUses {
    private struct Pattern {
        let words: [String]
        let caseSensitive: Bool
    }

    private struct Word {
        let text: String
        let start: String.Index
    }

    /// Uses of each term after its definition.
    private(set) var counts: [String: Int] = [:]
    private var patterns: [String: Pattern] = [:]
    /// Terms by each form their first word may take in the text, lowercased.
    private var termsByFirstWord: [String: [String]] = [:]

    init(_ document: Document) {
        var definitions: [String: DefinedTerm] = [:]
        for definition in document.definedTerms where definitions[definition.term] == nil {
            let words = Self.words(definition.term).map(\.text)
            guard let first = words.first else { continue }
            definitions[definition.term] = definition
            let pattern = Pattern(words: words, caseSensitive: definition.term.contains { $0.isUppercase })
            patterns[definition.term] = pattern
            var forms = [first.lowercased()]
            if words.count == 1, pattern.caseSensitive { forms += Self.inflections(of: forms[0]) }
            for form in forms where termsByFirstWord[form]?.contains(definition.term) != true {
                termsByFirstWord[form, default: []].append(definition.term)
            }
        }
        var termsDefinedIn: [String: [String]] = [:]
        for (term, definition) in definitions { termsDefinedIn[definition.clause, default: []].append(term) }

        // Section titles and clauses in document order: a section's own clauses come before its subsections.
        var texts: [(text: String, clause: String?)] = document.preambleClauses.map { ($0.text, $0.id) }
        for section in document.allSections {
            texts.append((section.title, nil))
            texts += section.clauses.map { ($0.text, $0.id) }
        }
        var defined: Set<String> = []
        for (text, clause) in texts {
            let definedHere = clause.flatMap { termsDefinedIn[$0] } ?? []
            let words = Self.words(text)
            var skippedDefinition: Set<String> = []
            for index in words.indices {
                guard let candidates = termsByFirstWord[words[index].text.lowercased()] else { continue }
                for term in candidates where matches(term, words, at: index) {
                    if definedHere.contains(term) {
                        // Count only what follows the definition; without a quoted definition to find,
                        // the first mention is taken as the defining one.
                        if let end = Self.definitionEnd(of: term, in: text) {
                            if words[index].start >= end { counts[term, default: 0] += 1 }
                        } else if !skippedDefinition.insert(term).inserted {
                            counts[term, default: 0] += 1
                        }
                    } else if defined.contains(term) {
                        counts[term, default: 0] += 1
                    }
                }
            }
            defined.formUnion(definedHere)
        }
    }

    private func matches(_ term: String, _ words: [Word], at start: Int) -> Bool {
        guard let pattern = patterns[term], start + pattern.words.count <= words.count else { return false }
        for (offset, expected) in pattern.words.enumerated() {
            var actual = words[start + offset].text
            var expected = expected
            if !pattern.caseSensitive {
                actual = actual.lowercased()
                expected = expected.lowercased()
            }
            let isLast = offset == pattern.words.count - 1
            guard actual == expected || (isLast && pattern.caseSensitive && Self.isInflection(actual, of: expected))
            else { return false }
        }
        return true
    }

    /// Where the quoted or parenthesised definition of `term` ends in its clause: `(“Site”)`, `"Site" means`.
    private static func definitionEnd(of term: String, in text: String) -> String.Index? {
        for opening in ["“", "\"", "‘", "«", "(the ", "("] {
            // `“we` must not be found in `“website”`.
            for range in text.ranges(of: opening + term) {
                guard range.upperBound < text.endIndex else { return range.upperBound }
                if !text.unicodeScalars[range.upperBound].isWordCharacter { return range.upperBound }
            }
        }
        return nil
    }

    /// `Sites` of `Site`, `Businesses` of `Business`, `Parties` of `Party`, `User` of `Users`.
    private static func isInflection(_ word: String, of term: String) -> Bool {
        inflections(of: term).contains(word)
    }

    private static func inflections(of term: String) -> [String] {
        var forms = [term + "s", term + "es"]
        if term.hasSuffix("y") { forms.append(term.dropLast() + "ies") }
        if term.hasSuffix("s"), term.count > 2 { forms.append(String(term.dropLast())) }
        return forms
    }

    private static func words(_ text: String) -> [Word] {
        var words: [Word] = []
        let scalars = text.unicodeScalars
        var start: String.Index?
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if scalars[index].isWordCharacter {
                if start == nil { start = index }
            } else if let wordStart = start {
                words.append(Word(text: String(scalars[wordStart..<index]), start: wordStart))
                start = nil
            }
            index = scalars.index(after: index)
        }
        if let wordStart = start { words.append(Word(text: String(scalars[wordStart...]), start: wordStart)) }
        return words
    }
}
