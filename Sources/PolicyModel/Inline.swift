/// Inline content of a clause or heading, as cmark-gfm parsed it.
///
/// Raw HTML is kept (as `.html`) so that lint can report it; renderers drop it.
public indirect enum Inline: Sendable, Hashable {
    case text(String)
    case code(String)
    case emphasis([Inline])
    case strong([Inline])
    case strikethrough([Inline])
    case link(destination: String, title: String, children: [Inline])
    case image(source: String, title: String, alt: [Inline])
    case softBreak
    case lineBreak
    case html(String)
}

extension Inline {
    /// The words a reader sees: markup removed, escapes resolved, breaks as spaces.
    public static func plainText(_ inlines: [Inline]) -> String {
        // Most clauses are one run of text: its string is the answer, shared rather than copied.
        if inlines.count == 1, case .text(let text) = inlines[0] { return text }
        var result = ""
        // Sized once: appending run after run to an empty string regrew it several times a clause.
        result.reserveCapacity(plainTextCount(inlines))
        appendPlainText(inlines, to: &result)
        return result
    }

    /// The UTF-8 length of `plainText(inlines)`.
    private static func plainTextCount(_ inlines: [Inline]) -> Int {
        var count = 0
        for inline in inlines {
            switch inline {
            case .text(let text), .code(let text): count += text.utf8.count
            case .emphasis(let children), .strong(let children), .strikethrough(let children),
                 .link(_, _, let children), .image(_, _, let children):
                count += plainTextCount(children)
            case .softBreak, .lineBreak: count += 1
            case .html: break
            }
        }
        return count
    }

    public static func appendPlainText(_ inlines: [Inline], to result: inout String) {
        for inline in inlines {
            switch inline {
            case .text(let text), .code(let text):
                result += text
            case .emphasis(let children), .strong(let children), .strikethrough(let children):
                appendPlainText(children, to: &result)
            case .link(_, _, let children):
                appendPlainText(children, to: &result)
            case .image(_, _, let alt):
                appendPlainText(alt, to: &result)
            case .softBreak, .lineBreak:
                result += " "
            case .html:
                break
            }
        }
    }

    /// Visits this inline and every inline inside it, outermost first.
    public static func forEach(in inlines: [Inline], _ body: (Inline) -> Void) {
        for inline in inlines {
            body(inline)
            switch inline {
            case .emphasis(let children), .strong(let children), .strikethrough(let children),
                 .link(_, _, let children), .image(_, _, let children):
                forEach(in: children, body)
            default:
                break
            }
        }
    }
}

extension Inline: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, children, destination, title
    }

    private enum Kind: String, Codable {
        case text, code, emphasis, strong, strikethrough, link, image, softBreak, lineBreak, html
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode(Kind.text, forKey: .type)
            try container.encode(text, forKey: .text)
        case .code(let text):
            try container.encode(Kind.code, forKey: .type)
            try container.encode(text, forKey: .text)
        case .html(let text):
            try container.encode(Kind.html, forKey: .type)
            try container.encode(text, forKey: .text)
        case .emphasis(let children):
            try container.encode(Kind.emphasis, forKey: .type)
            try container.encode(children, forKey: .children)
        case .strong(let children):
            try container.encode(Kind.strong, forKey: .type)
            try container.encode(children, forKey: .children)
        case .strikethrough(let children):
            try container.encode(Kind.strikethrough, forKey: .type)
            try container.encode(children, forKey: .children)
        case .link(let destination, let title, let children):
            try container.encode(Kind.link, forKey: .type)
            try container.encode(destination, forKey: .destination)
            try container.encode(title, forKey: .title)
            try container.encode(children, forKey: .children)
        case .image(let source, let title, let alt):
            try container.encode(Kind.image, forKey: .type)
            try container.encode(source, forKey: .destination)
            try container.encode(title, forKey: .title)
            try container.encode(alt, forKey: .children)
        case .softBreak:
            try container.encode(Kind.softBreak, forKey: .type)
        case .lineBreak:
            try container.encode(Kind.lineBreak, forKey: .type)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func children() throws -> [Inline] { try container.decode([Inline].self, forKey: .children) }
        switch try container.decode(Kind.self, forKey: .type) {
        case .text: self = .text(try container.decode(String.self, forKey: .text))
        case .code: self = .code(try container.decode(String.self, forKey: .text))
        case .html: self = .html(try container.decode(String.self, forKey: .text))
        case .emphasis: self = .emphasis(try children())
        case .strong: self = .strong(try children())
        case .strikethrough: self = .strikethrough(try children())
        case .link:
            self = .link(destination: try container.decode(String.self, forKey: .destination),
                         title: try container.decode(String.self, forKey: .title), children: try children())
        case .image:
            self = .image(source: try container.decode(String.self, forKey: .destination),
                          title: try container.decode(String.self, forKey: .title), alt: try children())
        case .softBreak: self = .softBreak
        case .lineBreak: self = .lineBreak
        }
    }
}
