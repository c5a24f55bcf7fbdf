import Foundation
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

@testable import PolicyDiff

/// The diff's text keys and word tokens take byte-level shortcuts (eight bytes at a time, ASCII fast
/// paths); these tests hold them to plain scalar-by-scalar readings of the same rules, on every clause
/// of the seed, the project's policy and the corpus, and on strings made to hit the shortcuts' edges.
@Suite struct NormalizerTests {
    /// `exactKey` as its documentation states it, one scalar at a time.
    static func referenceKey(_ text: String) -> [UInt8] {
        var key = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let mapped: Unicode.Scalar
            switch scalar {
            case "“", "”", "„", "‟", "″", "«", "»": mapped = "\""
            case "‘", "’", "‚", "‛", "′": mapped = "'"
            case "–", "—", "‒", "―", "−": mapped = "-"
            case "\u{200B}", "\u{200C}", "\u{200D}", "\u{FEFF}", "\u{00AD}": continue
            default:
                if scalar.properties.isWhitespace {
                    pendingSpace = true
                    continue
                }
                mapped = scalar
            }
            if pendingSpace, !key.isEmpty { key += " " }
            pendingSpace = false
            key.unicodeScalars.append(mapped)
        }
        return Array(key.utf8)
    }

    /// `looseWords` as its documentation states it, one scalar at a time.
    static func referenceLooseWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar == "'" || scalar == "’" {
                if !current.isEmpty { current += "'" }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current += scalar.properties.lowercaseMapping
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Word, space and sign tokens as the tokenizer documents them, by Unicode properties alone.
    static func referenceTokens(_ text: String) -> [String] {
        enum Class { case word, space, other }
        var tokens: [String] = []
        var current = ""
        var currentClass = Class.other
        func flush() {
            guard !current.isEmpty else { return }
            if currentClass == .space {
                if tokens.last != " " { tokens.append(" ") }
            } else {
                tokens.append(current)
            }
            current = ""
        }
        for scalar in text.unicodeScalars {
            let scalarClass: Class
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                scalarClass = .word
            } else if scalar.properties.isWhitespace {
                scalarClass = .space
            } else if (scalar == "'" || scalar == "’") && currentClass == .word {
                current.unicodeScalars.append(scalar)
                continue
            } else {
                scalarClass = .other
            }
            if scalarClass != currentClass || scalarClass == .other { flush() }
            currentClass = scalarClass
            current.unicodeScalars.append(scalar)
        }
        flush()
        return tokens
    }

    /// Strings around the eight-byte steps: double spaces, controls and non-ASCII at every offset.
    static let edgeCases: [String] = {
        var cases = ["", " ", "a", " a", "a ", "a  b", "a\tb", "a\nb", "a\r\nb", "\u{7F}", "a\u{01}b", "“Users”", "don’t",
                     "x\u{200B}y", "a\u{00A0}b", "a\u{3000}b", "a\u{2028}b", "—", "emoji 🙂 here", "é", "\u{FEFF}lead",
                     "trailing soft\u{00AD}", "tab\t\tand  spaces   ", "<b>html</b> & [link](javascript:x)"]
        for length in 1...20 {
            for position in 0..<length {
                var bytes = Array(repeating: "x", count: length)
                bytes[position] = " "
                cases.append(bytes.joined())
                if position + 1 < length {
                    bytes[position + 1] = " "
                    cases.append(bytes.joined())
                }
                bytes = Array(repeating: "y", count: length)
                bytes[position] = "’"
                cases.append(bytes.joined())
                bytes[position] = "\u{1F}"
                cases.append(bytes.joined())
                // Not normal as a whole, so the key is made: eight-byte runs around spaces at every offset.
                bytes = Array(repeating: "z", count: length)
                bytes[position] = " "
                cases.append(" " + bytes.joined() + "”")
                cases.append("“" + bytes.joined() + " \n " + bytes.joined())
            }
        }
        return cases
    }()

    /// Every clause text of the seed, the project's policy and (where present) every corpus revision.
    static func realTexts() throws -> [String] {
        var documents = [try String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)]
        if Fixtures.hasSeed { documents.append(try String(contentsOf: Fixtures.seed, encoding: .utf8)) }
        for revision in try Fixtures.corpusRevisions() {
            documents.append(String(decoding: try Data(contentsOf: revision.url), as: UTF8.self))
        }
        return documents.flatMap { text in
            PolicyParser.parse(text: text, analysis: []).allClauses.map { Revision.readingText($0.clause) }
        }
    }

    /// Word bags are sorted by a heap sort of our own: it must give what the standard library's does.
    @Test(arguments: [0, 1, 2, 3, 17, 100, 4_096])
    func heapSortSortsLikeTheStandardLibrary(count: Int) {
        var generator = SystemRandomNumberGenerator()
        for duplicates in [false, true] {
            let values = (0..<count).map { _ in duplicates ? Int.random(in: -3...3, using: &generator) : Int.random(in: .min ... .max, using: &generator) }
            var sorted = values
            TextNormalizer.heapSort(&sorted)
            #expect(sorted == values.sorted())
        }
        var ascending = Array(0..<count), descending = Array((0..<count).reversed())
        TextNormalizer.heapSort(&ascending)
        TextNormalizer.heapSort(&descending)
        #expect(ascending == Array(0..<count) && descending == Array(0..<count))
    }

    @Test func keysMatchAScalarByScalarReading() throws {
        let texts = try Self.realTexts()
        // Without ../shared (outside CI), the project's policy is read alone.
        #expect(texts.count > (Fixtures.hasCorpus ? 10_000 : 10))
        for text in Self.edgeCases + texts {
            #expect(TextNormalizer.exactKey(text) == Self.referenceKey(text), "\(text.debugDescription)")
        }
    }

    /// A clause key holds a normal text as it is and normalises any other; both must meet.
    @Test func clauseKeysOfTextsThatReadTheSameAreEqual() throws {
        for text in try Self.realTexts() + Self.edgeCases {
            let key = ClauseKey(text)
            let normal = ClauseKey(String(decoding: Self.referenceKey(text), as: UTF8.self))
            #expect(key == normal && key.digest == normal.digest, "\(text.debugDescription)")
        }
        #expect(ClauseKey("We share  “data”.") == ClauseKey("We share \"data\"."))
        #expect(ClauseKey("We share data with partners.") != ClauseKey("We share data with partner."))
        #expect(ClauseKey("We share data with partners.") != ClauseKey("We share data with partnerz."))
    }

    @Test func tokensMatchAUnicodePropertyReading() throws {
        for text in try Self.realTexts() + Self.edgeCases {
            let tokens = WordTokenizer.tokens(text: text)
            #expect(tokens.map(\.text) == Self.referenceTokens(text), "\(text.debugDescription)")
            let keys = tokens.map { $0.text == " " ? " " : String(decoding: Self.referenceKey($0.text), as: UTF8.self) }
            #expect(tokens.map(\.key) == keys, "\(text.debugDescription)")
        }
    }

    @Test func looseWordsMatchAScalarByScalarReading() throws {
        for text in try Self.realTexts() + Self.edgeCases + ["İstanbul ǅemal ΣΑΣ ﬁne Ⅻ ٣ 𝟘x", "User’s 'quoted' DON'T"] {
            #expect(TextNormalizer.looseWords(text) == Self.referenceLooseWords(text), "\(text.debugDescription)")
        }
    }

    /// The classifier compares an old clause's loose words with the new one's without making strings
    /// of the old ones: it must answer as comparing the two lists does, neighbours and edge cases included.
    @Test func looseWordsCompareLikeTheirLists() throws {
        let texts = try Self.realTexts() + Self.edgeCases
        for (text, other) in zip(texts, texts.dropFirst()) + texts.map({ ($0, $0.uppercased()) }) {
            let words = TextNormalizer.looseWords(other)
            #expect(TextNormalizer.looseWords(of: text, equal: words) == (TextNormalizer.looseWords(text) == words),
                    "\(text.debugDescription) against \(other.debugDescription)")
        }
        #expect(TextNormalizer.looseWords(of: "We share data.", equal: TextNormalizer.looseWords("we SHARE, data")))
        #expect(!TextNormalizer.looseWords(of: "We share data.", equal: TextNormalizer.looseWords("We share data now.")))
        #expect(!TextNormalizer.looseWords(of: "We share data now.", equal: TextNormalizer.looseWords("We share data.")))
        // Canonically equivalent spellings (Å as a letter and as the ångström sign) are equal words for
        // String's ==, and so here, though their bytes differ.
        #expect(TextNormalizer.looseWords("\u{C5}ngstr\u{F6}m") == TextNormalizer.looseWords("\u{212B}ngstr\u{F6}m"))
        #expect(TextNormalizer.looseWords(of: "\u{C5}ngstr\u{F6}m", equal: TextNormalizer.looseWords("\u{212B}ngstr\u{F6}m")))
    }

    @Test func wordBagsAreTheSameOnEveryRun() {
        // FNV-1a, not Swift's per-process seeded hashing: bags (and so alignments) repeat across runs.
        #expect(TextNormalizer.wordBag("We share data") == TextNormalizer.wordBag("we SHARE data!"))
        #expect(TextNormalizer.wordBag("a") == [Int(bitPattern: UInt(0xaf63_dc4c_8601_ec8c))])
    }
}
