/// A seeded source of policies written to stress the rules that decide where the fast paths may cut
/// a policy and reuse a revision's blocks (`SourcePieces`, `RevisionPair`), and where the Swift port
/// of cmark-gfm's www autolinks must agree with cmark: lists and quotes across blank lines, fences,
/// HTML blocks, link reference definitions, tables, setext headings, lazy continuation lines, tabs,
/// CRLF and lone CR, deep nesting, autolinks and www links, entities and escapes.
///
/// The same seed gives the same text on every machine (`SplitMix64`, no system randomness).
struct MarkdownGenerator {
    private var random: SplitMix64
    /// Whether this policy may hold what forbids every cut (`SourcePieces`): link reference
    /// definitions, HTML blocks that run to an end marker, indented fences. Most policies hold none,
    /// so that most are cut and their revisions share chunks.
    private var hazards = true

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// A policy: its blocks, what comes before them, and how its lines end.
    struct Policy {
        var prefix: String
        var blocks: [String]
        /// What follows each block: a line end, and blank lines (some with spaces or a tab) or none.
        var gaps: [String]
        var lineEnd: String

        var text: String {
            var text = prefix
            for (block, gap) in zip(blocks, gaps) { text += block + gap }
            return lineEnd == "\n" ? text : text.replacingOccurrences(of: "\n", with: lineEnd)
        }
    }

    mutating func policy() -> Policy {
        hazards = chance(0.3)
        let count = int(1...40)
        var blocks: [String] = []
        for _ in 0..<count { blocks.append(block(depth: 0)) }
        if chance(0.7) { blocks.insert("# " + words(1...4), at: 0) }
        let prefix = pick(["", "", "", "\u{FEFF}", "---\ntitle: Generated \(word())\n---\n",
                           "\u{FEFF}---\nlast_updated: 2024-05-01\n---\n"])
        let lineEnd = pick(["\n", "\n", "\n", "\r\n", "\r"])
        return Policy(prefix: prefix, blocks: blocks, gaps: blocks.map { _ in gap() }, lineEnd: lineEnd)
    }

    /// The next revision: blocks reworded, moved, added and removed, the rest untouched byte for byte
    /// (what `RevisionPair` reuses).
    mutating func revise(_ old: Policy) -> Policy {
        var new = old
        for _ in 0..<int(0...6) {
            let index = int(0...max(0, new.blocks.count - 1))
            switch int(0...5) {
            case 0 where !new.blocks.isEmpty:
                new.blocks[index] = block(depth: 0)
            case 1 where !new.blocks.isEmpty:
                new.blocks.remove(at: index)
                new.gaps.remove(at: index)
            case 2 where new.blocks.count > 1:
                let moved = new.blocks.remove(at: index)
                let gap = new.gaps.remove(at: index)
                let to = int(0...new.blocks.count)
                new.blocks.insert(moved, at: to)
                new.gaps.insert(gap, at: to)
            case 3 where !new.blocks.isEmpty:
                // One word changed: the block's neighbours stay the same bytes.
                var words = new.blocks[index].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                words[int(0...words.count - 1)] = word()
                new.blocks[index] = words.joined(separator: " ")
            case 4 where !new.blocks.isEmpty:
                new.gaps[index] = gap()
            default:
                new.blocks.insert(block(depth: 0), at: min(index, new.blocks.count))
                new.gaps.insert(gap(), at: min(index, new.gaps.count))
            }
        }
        if chance(0.1) { new.lineEnd = pick(["\n", "\r\n"]) }
        return new
    }

    // MARK: Blocks

    private mutating func gap() -> String {
        pick(["\n\n", "\n\n", "\n\n", "\n\n", "\n", "\n\n\n", "\n \n", "\n\t\n", "\n   \n\n"])
    }

    private mutating func block(depth: Int) -> String {
        let kinds = depth > 3 ? 6 : 20
        switch int(0...kinds) {
        case 0: return heading()
        case 1: return words(1...5) + "\n" + pick(["===", "---", "-", "  ====  ", "= ="])
        case 2, 3: return paragraph()
        case 4: return list(depth: depth)
        case 5: return quote(depth: depth)
        case 6: return pick(["***", "---", "___", "- - -", " * * *", "  ---  ", "+++"])
        case 7: return fence()
        case 8: return pick(["    indented code\n\n    more code", "\tcode with a tab", "    # not a heading\n    - nor a list"])
        case 9, 10: return html()
        case 11: return hazards ? definition() : paragraph()
        case 12: return table()
        case 13: return nested()
        case 14: return pick(["_Last updated: May 1, 2025_", "Last Updated: 2024-01-31", "Effective date: March 3, 2023"])
        case 15: return paragraph() + "\n" + pick(["> lazy quote", "- a list right after", "1. one", "```", "<div>", "| a | b |\n|---|---|",
                                                  "===", "    not code: lazy", hazards ? "[x]: /url" : "[x]"])
        case 16: return "> " + paragraph().replacingOccurrences(of: "\n", with: "\n" + pick(["> ", "", " "]))
        case 17: return "- [ ] " + words(1...4) + "\n- [x] " + words(1...4)
        case 18: return pick(["1", "10", "2"]) + pick([".", ")"]) + pick([" ", "\t"]) + words(1...6)
        default: return paragraph()
        }
    }

    private mutating func heading() -> String {
        let level = int(1...6)
        let number = pick(["", "", "1. ", "2.3 ", "\(int(1...12)). ", "Section 4: ", "A. "])
        return String(repeating: "#", count: level) + " " + number + words(1...5) + pick(["", "", " ##", " #"])
    }

    private mutating func paragraph() -> String {
        (0..<int(1...3)).map { _ in (0..<int(1...8)).map { _ in inline() }.joined(separator: " ") }
            .joined(separator: pick(["\n", "\n", "  \n", "\\\n"]))
    }

    private mutating func list(depth: Int) -> String {
        let ordered = chance(0.4)
        let delimiter = pick([".", ")"])
        let bullet = pick(["-", "*", "+"])
        var items: [String] = []
        for number in 0..<int(1...4) {
            let marker = ordered ? "\(number + int(0...1))\(delimiter)" : bullet
            let space = pick([" ", " ", " ", "  ", "\t"])
            let indent = String(repeating: " ", count: marker.count + 1)
            var item = marker + space + words(1...6)
            switch int(0...7) {
            case 0: item += "\n" + words(1...4) // lazy continuation
            case 1: item += "\n\n" + indent + paragraph().replacingOccurrences(of: "\n", with: "\n" + indent)
            case 2 where depth < 4: item += "\n" + indent + list(depth: depth + 1).replacingOccurrences(of: "\n", with: "\n" + indent)
            case 3 where hazards: item += "\n\n" + indent + "```\n" + indent + "code\n\n" + indent + "## in code\n" + indent + "```"
            case 4: item += "\n" + indent + "> " + words(1...3)
            case 5: item += "\n\n\n" + indent + words(1...3) // two blank lines: still the item's
            default: break
            }
            items.append(item)
        }
        return items.joined(separator: pick(["\n", "\n", "\n\n", "\n \n"]))
    }

    private mutating func quote(depth: Int) -> String {
        var lines: [String] = []
        for _ in 0..<int(1...4) {
            switch int(0...5) {
            case 0: lines.append(">")
            case 1: lines.append(words(1...4)) // lazy continuation
            case 2 where depth < 4: lines.append("> " + list(depth: depth + 1).replacingOccurrences(of: "\n", with: "\n> "))
            case 3: lines.append(">> " + words(1...4))
            default: lines.append(pick(["> ", ">", ">\t"]) + (0..<int(1...4)).map { _ in inline() }.joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n")
    }

    private mutating func fence() -> String {
        let marker = pick(["`", "~"])
        let open = String(repeating: marker, count: int(3...5))
        let indent = hazards ? pick(["", "", " ", "   "]) : ""
        let body = (0..<int(0...4)).map { _ in
            pick(["", "## not a heading", "- not a list", hazards ? "<!--" : "<div>", hazards ? "[x]: /not-a-definition" : "[x]",
                  "    code", "| a |", String(repeating: marker, count: 3) + "inner", "www.example.com", "\tcode"])
        }.joined(separator: "\n")
        let close = chance(0.9) ? "\n" + indent + open + pick(["", "", marker, " "]) : ""
        return indent + open + pick(["", "md", " json", "text {.x}"]) + "\n" + body + close
    }

    private mutating func html() -> String {
        if chance(0.4) { return comment() }
        let runToEndMarker = [
            "<pre>\n\n## kept\n\n</pre>",
            "<SCRIPT>\nvar a = 1;\n\n</SCRIPT>",
            "<style>\np { }\n\n</style>",
            "<textarea>\n\n# in textarea\n</textarea>",
            "<?php\n\n echo 1;\n?>",
            "<!DOCTYPE html>",
            "<![CDATA[\n\n]]>",
        ]
        if hazards, chance(0.5) { return pick(runToEndMarker) }
        return pick([
            "<div>\n" + words(1...3) + "\n\n" + words(1...3) + "\n</div>",
            "<div class=\"x\">\n\n**" + words(1...3) + "**\n\n</div>",
            "<details>\n<summary>" + words(1...2) + "</summary>\n\n" + paragraph() + "\n\n</details>",
            "<custom-tag data-x=\"1\">\n" + words(1...3),
            "<table><tr><td>" + words(1...2) + "</td></tr></table>",
            "<a name=\"anchor\"></a>",
            "<span>" + words(1...3) + "</span> " + words(1...3),
            "<br>\n" + words(1...2),
        ])
    }

    /// HTML comments, which `SourcePieces` follows line by line: on one line, across blank lines and
    /// headings, inside containers, with fence-like lines, and the odd ends cmark reads its own way.
    private mutating func comment() -> String {
        pick([
            "<!-- markdownlint-disable MD0" + String(int(10...99)) + " -->",
            "<!-- " + words(1...3) + " -->",
            "<!--\n\n## hidden " + word() + "\n\n" + words(1...3) + "\n-->",
            "<!--\n- not a list\n\n" + words(1...2) + " -->" + pick(["", " " + words(1...2)]),
            "  <!-- " + words(1...2) + "\n\n# hidden\n   -->",
            "<!-- a --> " + words(1...2) + " <!--\n\n## hidden\n\n-->",
            "<!-->",
            "<!--->\n\n## after " + word(),
            "--> " + words(1...2),
            "<!--\n```\n-->\n\n## after " + word(),
            "<!--\n\n    indented " + word() + "\n\n-->",
            "- " + words(1...2) + "\n\n  <!-- " + words(1...2) + "\n\n  -->\n\n- " + words(1...2),
            "> <!-- " + words(1...2) + "\n>\n> -->",
            "> <!--\n\n## after a quote " + word() + "\n\n-->",
            words(1...3) + " <!-- " + words(1...2) + "\n\n## after " + word(),
            words(1...3) + "\n<!--\n\n" + words(1...2) + "\n-->",
        ])
    }

    private mutating func definition() -> String {
        let label = pick(["terms", "privacy", "Terms", "t", "x"])
        return pick([
            "[\(label)]: https://example.com/\(word())",
            "[\(label)]: <https://example.com/a b> \"Title\"",
            "[\(label)]:\n  https://example.com/next-line\n  'Title on its own line'",
            "   [\(label)]: /relative (paren title)",
            "[\(label)]: https://example.com/\(word()) \"unclosed title",
        ])
    }

    private mutating func table() -> String {
        let columns = int(1...3)
        func row(_ cells: [String], edges: Bool) -> String {
            edges ? "| " + cells.joined(separator: " | ") + " |" : cells.joined(separator: " | ")
        }
        let edges = chance(0.8)
        var lines = [row((0..<columns).map { _ in words(1...2) }, edges: edges),
                     row((0..<columns).map { _ in pick(["---", ":--", "--:", ":-:"]) }, edges: edges)]
        for _ in 0..<int(0...3) { lines.append(row((0..<columns).map { _ in inline() }, edges: edges)) }
        if chance(0.2) { lines.append(words(1...3)) } // a line without pipes: one more row
        return lines.joined(separator: "\n")
    }

    /// Quotes and lists nested past the model's nesting limit (`NestingLimit`).
    private mutating func nested() -> String {
        let depth = int(3...30)
        var prefix = ""
        for _ in 0..<depth { prefix += pick(["> ", "- ", "1. ", ">"]) }
        var text = prefix + words(1...3)
        if chance(0.5) { text += "\n" + words(1...3) }
        if chance(0.3) { text += "\n\n" + String(repeating: " ", count: int(0...8)) + words(1...3) }
        return text
    }

    // MARK: Inlines

    private mutating func inline() -> String {
        switch int(0...30) {
        case 0: return "**" + words(1...3) + "**"
        case 1: return "_" + words(1...2) + "_"
        case 2: return "~~" + word() + "~~"
        case 3: return "`" + words(1...2) + "`"
        case 4: return "[" + words(1...2) + "](https://example.com/" + word() + ")"
        case 5: return "[" + word() + "][" + pick(["terms", "privacy", "missing"]) + "]"
        case 6: return "[" + pick(["terms", "Terms", "t"]) + "]"
        case 7: return "<https://example.com/" + word() + ">"
        case 8: return "https://example.com/" + word() + pick(["", ".", ")", "?q=1&b=2"])
        case 9, 10: return pick(["www.example.com", "www.example.com/a_b", "(www.example.org).", "www.x.example/path)",
                                 "www.commercial.example,", "**www.bold.example**", "_www.em.example_", "www.a-b.example?x=1",
                                 "Www.case.example", "www.", "www.x", "wwww.four.example", "www.ex_ample.com",
                                 "www.example.com&amp;", "www.example.com&hellip;", "~~www.struck.example~~",
                                 "www.example.com<", "awww.example.com"])
        case 11: return pick(["&#119;ww.example.com", "www\\.example.com", "&amp;", "&copy;", "&#x77;", "&period;", "&nbsp;"])
        case 12: return pick(["privacy@example.com", "mailto:a@b.example", "a.b-c@d.example."])
        case 13: return pick(["\\*not emphasis\\*", "\\[x]", "\\<b>", "\\#"])
        case 14: return pick(["<span>" + word() + "</span>", "<b>", "</b>", "<!-- c -->", "<!--", "-->", "<i>"])
        case 15: return pick(["a|b", "\\|", "|"])
        case 16: return pick(["\t", "\t" + word()])
        case 17: return pick(["“quoted”", "café", "naïve", "日本語", "—", "€5"])
        case 18: return pick(["![alt](/img.png)", "![](x \"t\")"])
        case 19: return pick(["*a **b** c*", "***x***", "**a*b**", "_a_b_"])
        default: return word()
        }
    }

    private static let vocabulary = [
        "we", "collect", "your", "personal", "data", "share", "with", "partners", "you", "may", "object", "the",
        "service", "cookies", "retain", "for", "years", "sell", "information", "consent", "advertising", "will",
        "not", "process", "lawful", "basis", "rights", "access", "delete", "www", "w", "ww", "within", "without",
        "Section", "1.", "2)", "—", "Terms", "Privacy", "Policy", "GDPR", "CCPA", "email", "address", "and", "or",
    ]

    private mutating func word() -> String { pick(Self.vocabulary) }

    private mutating func words(_ count: ClosedRange<Int>) -> String {
        (0..<int(count)).map { _ in word() }.joined(separator: " ")
    }

    // MARK: Randomness

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double(random.next() >> 11) / Double(1 << 53) < probability
    }

    private mutating func pick<Element>(_ choices: [Element]) -> Element {
        choices[int(0...choices.count - 1)]
    }
}

/// Steele, Lea and Flood's SplitMix64: small, fast, the same sequence everywhere.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
