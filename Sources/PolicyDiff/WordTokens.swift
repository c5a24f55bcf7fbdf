import PolicyModel

/// A clause's words, spaces and punctuation as tokens that remember their markup, so that a word
/// diff can be shown as a redline with its links and emphasis.
struct WordToken: Sendable {
    enum Mark: Sendable, Hashable {
        case emphasis, strong, strikethrough, code
        case link(destination: String, title: String)
    }

    var text: String
    /// What the diff compares: quotes, dashes and whitespace normalised like `TextNormalizer.exactKey`.
    var key: String
    var marks: [Mark]

    var isSpace: Bool { key == " " }
    var isWord: Bool { key.unicodeScalars.first?.isWordCharacter ?? false }
}

enum WordTokenizer {
    static func tokens(_ inlines: [Inline]) -> [WordToken] {
        var tokens: [WordToken] = []
        append(inlines, marks: [], to: &tokens)
        return tokens
    }

    /// Tokens of plain text (table rows, joined splits).
    static func tokens(text: String) -> [WordToken] {
        var tokens: [WordToken] = []
        split(text, marks: [], into: &tokens)
        return tokens
    }

    private static func append(_ inlines: [Inline], marks: [WordToken.Mark], to tokens: inout [WordToken]) {
        for inline in inlines {
            switch inline {
            case .text(let text): split(text, marks: marks, into: &tokens)
            case .code(let text): split(text, marks: marks + [.code], into: &tokens)
            case .emphasis(let children): append(children, marks: marks + [.emphasis], to: &tokens)
            case .strong(let children): append(children, marks: marks + [.strong], to: &tokens)
            case .strikethrough(let children): append(children, marks: marks + [.strikethrough], to: &tokens)
            case .link(let destination, let title, let children):
                append(children, marks: marks + [.link(destination: destination, title: title)], to: &tokens)
            case .image(_, _, let alt): append(alt, marks: marks, to: &tokens)
            case .softBreak, .lineBreak: split(" ", marks: marks, into: &tokens)
            case .html: break
            }
        }
    }

    private enum Class { case word, space, other }

    /// Cuts `text` into tokens: each made once from its slice of the text, not grown scalar by scalar.
    /// Read by UTF-8 bytes: ASCII, nearly all of a policy, without decoding scalars.
    private static func split(_ text: String, marks: [WordToken.Mark], into tokens: inout [WordToken]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            var currentIsASCII = true
            var currentClass = Class.other
            func flush(upTo end: Int) {
                guard start < end else { return }
                if currentClass == .space {
                    // Spaces across markup boundaries are one space.
                    if tokens.last?.isSpace != true { tokens.append(WordToken(text: " ", key: " ", marks: marks)) }
                } else {
                    let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    // An ASCII word or sign is its own key: only spaces, quotes and dashes beyond ASCII normalise.
                    tokens.append(WordToken(text: token, key: currentIsASCII ? token : normalizedKey(token), marks: marks))
                }
                start = end
                currentIsASCII = true
            }
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let scalarClass: Class
                var length = 1
                if byte < 0x80 {
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                         UInt8(ascii: "0")...UInt8(ascii: "9"):
                        scalarClass = .word
                    case 0x20, 0x09...0x0D:
                        scalarClass = .space
                    case UInt8(ascii: "'") where currentClass == .word:
                        // Keep "don't" as one word.
                        index += 1
                        continue
                    default:
                        scalarClass = .other
                    }
                } else {
                    let decoded = bytes.scalarValue(at: index)
                    length = decoded.length
                    let scalar = Unicode.Scalar(decoded.value) ?? "\u{FFFD}"
                    if scalar.isWordCharacter {
                        scalarClass = .word
                    } else if scalar.properties.isWhitespace {
                        scalarClass = .space
                    } else if scalar == "’" && currentClass == .word {
                        // Keep "User’s" as one word.
                        currentIsASCII = false
                        index += length
                        continue
                    } else {
                        scalarClass = .other
                    }
                }
                if scalarClass != currentClass || scalarClass == .other { flush(upTo: index) }
                currentClass = scalarClass
                if byte >= 0x80 { currentIsASCII = false }
                index += length
            }
            flush(upTo: bytes.count)
        }
    }

    private static func normalizedKey(_ token: String) -> String {
        String(decoding: TextNormalizer.exactKey(token), as: UTF8.self)
    }

    /// The inlines of a run of tokens: text grouped by markup, wrapped in it.
    static func inlines(_ tokens: ArraySlice<WordToken>) -> [Inline] {
        var result: [Inline] = []
        var index = tokens.startIndex
        while index < tokens.endIndex {
            let marks = tokens[index].marks
            var text = ""
            while index < tokens.endIndex, tokens[index].marks == marks {
                text += tokens[index].text
                index += 1
            }
            var inline: Inline = marks.contains(.code) ? .code(text) : .text(text)
            for mark in marks.reversed() {
                switch mark {
                case .emphasis: inline = .emphasis([inline])
                case .strong: inline = .strong([inline])
                case .strikethrough: inline = .strikethrough([inline])
                case .code: break
                case .link(let destination, let title): inline = .link(destination: destination, title: title, children: [inline])
                }
            }
            result.append(inline)
        }
        return result
    }
}
