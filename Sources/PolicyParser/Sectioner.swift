import Dispatch
import PolicyModel

/// Builds the section tree by meaning rather than raw heading level, and gives every
/// section and clause its structural id.
///
/// The rules (DESIGN.md): the first unnumbered H1 is the title; numbered headings build the
/// tree by their number (`4.2` under `4`); an unnumbered heading nests under the nearest
/// numbered section before it; among unnumbered headings, relative level decides.
struct Sectioner {
    struct Output {
        var title: String?
        var titleLocation: SourceLocation?
        /// The title is a lower heading taken for one (see `titleHeadingIndex`), not an H1.
        var titleIsInferred = false
        /// Anchors that land on the title heading: its GitHub slug and kramdown ids.
        var titleAnchors: [String] = []
        var preamble: [Block]
        var sections: [Section]
        /// The terms the clauses define, in document order (when asked for).
        var definedTerms: [DefinedTerm] = []
    }

    /// A section while the tree is being built: a reference, so that attaching under a parent is cheap.
    private final class Node {
        let level: Int
        let inlines: [Inline]
        let location: SourceLocation?
        let number: HeadingNumber?
        let title: String
        let titleInlines: [Inline]
        /// Unnumbered, but inside a numbered section: closed by the next number of that series.
        let underNumbered: Bool
        /// Kramdown `{: #id }` anchors written on the heading.
        let explicitIDs: [String]
        var content: [MarkdownBlock] = []
        var children: [Node] = []
        /// Given in document order once the tree is complete.
        var id = ""
        var aliases: [String] = []

        /// This node and every node under it, in document order.
        func walk(_ visit: (Node) -> Void) {
            visit(self)
            for child in children { child.walk(visit) }
        }

        init(level: Int, inlines: [Inline], location: SourceLocation?, number: HeadingNumber?, title: String,
             titleInlines: [Inline], underNumbered: Bool, explicitIDs: [String]) {
            self.level = level
            self.inlines = inlines
            self.location = location
            self.number = number
            self.title = title
            self.titleInlines = titleInlines
            self.underNumbered = underNumbered
            self.explicitIDs = explicitIDs
        }
    }

    /// The section tree of `blocks`; with `findingTerms`, also the terms its clauses define, found
    /// while each section's clauses are fresh.
    static func build(_ blocks: [MarkdownBlock], findingTerms: Bool = false) -> Output {
        var output = Output(title: nil, titleLocation: nil, preamble: [], sections: [])
        var preambleContent: [MarkdownBlock] = []
        var roots: [Node] = []
        var stack: [Node] = []
        var latestByNumber: [String: Node] = [:]
        // Each heading's text, read once: the title search and the tree both need it.
        let headings = blocks.map { block -> HeadingText? in
            guard case .heading(_, let inlines, _) = block else { return nil }
            return headingText(inlines)
        }
        let titleIndex = titleHeadingIndex(blocks, headings: headings)
        var titleIDs: [String] = []

        for (index, block) in blocks.enumerated() {
            guard case .heading(let level, _, let location) = block, let heading = headings[index] else {
                if let current = stack.last { current.content.append(block) } else { preambleContent.append(block) }
                continue
            }
            let (text, inlines, explicitIDs) = heading
            if index == titleIndex {
                output.title = text
                output.titleLocation = location
                output.titleIsInferred = level > 1
                titleIDs = explicitIDs
                continue
            }
            // An empty heading (Mozilla writes a bare `##` to end a list of sections) names nothing:
            // it separates, like a thematic break, and the text after it stays where it is.
            if text.isEmpty {
                if let current = stack.last {
                    current.content.append(.thematicBreak)
                } else {
                    preambleContent.append(.thematicBreak)
                }
                continue
            }
            let number = HeadingNumber.parse(text)

            if let number {
                if let parentNumber = number.parentText, let parent = latestByNumber[parentNumber],
                   let position = stack.lastIndex(where: { $0 === parent }) {
                    stack.removeSubrange((position + 1)...)
                } else {
                    while let top = stack.last, closes(top, numbered: number, level: level) { stack.removeLast() }
                }
            } else if level == 1 {
                stack.removeAll()
            } else if let outermost = stack.firstIndex(where: { $0.number == nil && $0.level >= level }) {
                // An unnumbered heading closes the outermost open unnumbered section at or below its
                // level, with everything inside it, numbered series included: after `## Intro` › `### 1.`
                // › `### 2.`, `## Other` is Intro's sibling. Numbered sections are not closed by level,
                // so the seed's setext H2s stay inside the `### 1\.` they follow.
                stack.removeSubrange(outermost...)
            }

            let parent = stack.last
            let title = number.map { String(text.dropFirst($0.prefixLength)).trimmingSpaces } ?? text
            let node = Node(level: level, inlines: inlines, location: location, number: number, title: title,
                            titleInlines: number.map { strip($0, from: inlines) } ?? inlines,
                            underNumbered: number == nil && parent.map { $0.number != nil || $0.underNumbered } == true,
                            explicitIDs: explicitIDs)
            if let parent { parent.children.append(node) } else { roots.append(node) }
            stack.append(node)
            if let number { latestByNumber[number.text] = node }
        }

        var ids = IdentifierAllocator()
        if let title = output.title, output.titleLocation != nil {
            // The title heading takes the first GitHub slug (a later "Privacy Policy" section is
            // `privacy-policy-1` there), and a table of contents may link to it.
            output.titleAnchors = [ids.githubSlug(title)] + titleIDs
        }
        for root in roots { assignIDs(root, parent: nil, ids: &ids) }

        // Ids are given; each section's clauses depend on nothing else, so they are built on every core.
        var nodes: [Node] = []
        for root in roots { root.walk { nodes.append($0) } }
        // What the workers read, as values: the nodes themselves are mutable classes.
        let work = nodes.map { (content: $0.content, id: $0.id) } + [(content: preambleContent, id: "preamble")]
        let built = ParallelResults<(blocks: [Block], terms: [DefinedTerm])>(count: nodes.count + 1)
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let blocks = makeBlocks(work[index].content, sectionID: work[index].id)
            var terms: [DefinedTerm] = []
            if findingTerms {
                for block in blocks { block.forEachClause { terms += DefinedTermFinder.find(in: $0) } }
            }
            built.set(index, (blocks, terms))
        }
        output.preamble = built.value(nodes.count).blocks
        output.definedTerms = built.value(nodes.count).terms + nodes.indices.flatMap { built.value($0).terms }
        var next = 0
        output.sections = roots.map { makeSection($0, blocks: built, next: &next) }
        return output
    }

    /// A heading's plain text without a kramdown attribute list, its inlines, and the ids that list names.
    private typealias HeadingText = (text: String, inlines: [Inline], ids: [String])

    private static func headingText(_ inlines: [Inline]) -> HeadingText {
        let text = Inline.plainText(inlines).trimmingSpaces
        let attributes = KramdownAttributes.split(text)
        guard !attributes.ids.isEmpty || attributes.text != text else { return (text, inlines, []) }
        return (attributes.text, [.text(attributes.text)], attributes.ids)
    }

    /// The index of the heading that is the document's title, if one is.
    ///
    /// The first heading is the title when it is an unnumbered H1 (DESIGN.md). Many policies have no
    /// H1 and open with a lower heading that plays the part: Automattic's `## Privacy Policy` above
    /// `###` sections, WordPress.com's `### Terms of Service` directly followed by `### The gist:`,
    /// Mozilla's `## Firefox Privacy Notice` with only its date under it. So in a document without
    /// any H1, an unnumbered heading that opens it (nothing but HTML comments before it) is the title
    /// when every other heading is deeper, or when nothing but a date line stands between it and the
    /// next heading. A first heading with content of its own among peers (`### The gist:`) is a section.
    private static func titleHeadingIndex(_ blocks: [MarkdownBlock], headings texts: [HeadingText?]) -> Int? {
        let headings = blocks.indices.compactMap { index -> (index: Int, level: Int, text: String)? in
            guard case .heading(let level, _, _) = blocks[index], let text = texts[index]?.text else { return nil }
            return text.isEmpty ? nil : (index, level, text)
        }
        guard let first = headings.first, HeadingNumber.parse(first.text) == nil else { return nil }
        if first.level == 1 { return first.index }

        let others = headings.dropFirst()
        guard let next = others.first, !others.contains(where: { $0.level == 1 }),
              blocks[..<first.index].allSatisfy({ if case .html = $0 { true } else { false } }) else { return nil }
        if others.allSatisfy({ $0.level > first.level }) { return first.index }
        let between = blocks[(first.index + 1)..<next.index]
        if between.isEmpty { return first.index }
        if between.count == 1, case .paragraph(let dateInlines, _)? = between.first,
           LastUpdatedFinder.isDateLine(Inline.plainText(dateInlines).trimmingSpaces) {
            return first.index
        }
        return nil
    }

    /// Whether a new numbered heading closes the open section `top`.
    private static func closes(_ top: Node, numbered number: HeadingNumber, level: Int) -> Bool {
        if let topNumber = top.number {
            return topNumber.style == number.style || top.level >= level
        }
        return top.underNumbered || top.level >= level
    }

    /// The heading's inlines without the number's characters at the front, where they are plain text.
    private static func strip(_ number: HeadingNumber, from inlines: [Inline]) -> [Inline] {
        guard case .text(let first)? = inlines.first, first.count >= number.prefixLength else {
            return [.text(String(Inline.plainText(inlines).trimmingSpaces.dropFirst(number.prefixLength)))]
        }
        var rest = Array(inlines.dropFirst())
        let remainder = String(first.dropFirst(number.prefixLength))
        if !remainder.isEmpty { rest.insert(.text(remainder), at: 0) }
        return rest
    }

    /// Gives `node` and everything under it their ids and aliases, in document order.
    private static func assignIDs(_ node: Node, parent: Node?, ids: inout IdentifierAllocator) {
        let base: String
        if let number = node.number {
            let bare = "sec-" + number.text.lowercased()
            // `4.2` under `4` and a series of its own are `sec-4.2`, `sec-1`. A series inside another
            // numbered section (GitHub's `B.` › `1.`) or repeated under other parents is qualified by
            // its parent, `sec-b.1`, rather than numbered `sec-1-2` by accident of order.
            let inOtherSeries = parent?.number.map { $0.text != number.parentText } ?? false
            if let parent, inOtherSeries || ids.isUsed(bare) {
                base = parent.id + "." + number.text.lowercased()
            } else {
                base = bare
            }
        } else if let parent {
            base = parent.id + "." + Slug.anchor(node.title)
        } else {
            base = "sec-" + Slug.anchor(node.title)
        }
        node.id = ids.unique(base)
        let alias = ids.githubSlug(Inline.plainText(node.inlines).trimmingSpaces)
        node.aliases = uniqueAliases([alias] + node.explicitIDs, besides: node.id)
        for child in node.children { assignIDs(child, parent: node, ids: &ids) }
    }

    /// The section for `node`, its blocks taken from `blocks` in the order `Node.walk` visits.
    private static func makeSection(_ node: Node, blocks: ParallelResults<(blocks: [Block], terms: [DefinedTerm])>,
                                    next: inout Int) -> Section {
        let ownBlocks = blocks.value(next).blocks
        next += 1
        var section = Section(id: node.id, number: node.number?.text, title: node.title, titleInlines: node.titleInlines,
                              level: node.level, location: node.location, aliases: node.aliases, blocks: ownBlocks,
                              sections: node.children.map { makeSection($0, blocks: blocks, next: &next) })
        section.pinnedIDs = node.explicitIDs
        return section
    }

    /// Mozilla writes `### Sync {: #sync }`: its slug and its explicit id are one alias, not two.
    private static func uniqueAliases(_ candidates: [String], besides id: String) -> [String] {
        var seen: Set<String> = [id]
        return candidates.filter { seen.insert($0).inserted }
    }

    // MARK: Clauses

    private static func makeBlocks(_ content: [MarkdownBlock], sectionID: String) -> [Block] {
        var counter = ClauseCounter(prefix: sectionID + ".p")
        return content.compactMap { makeBlock($0, counter: &counter) }
    }

    private struct ClauseCounter {
        let prefix: String
        var next = 1

        /// `prefix` and the next number, written as bytes into a string of the right size: a clause
        /// each, and `prefix + String(next)` went through `description` and a growing append.
        mutating func id() -> String {
            defer { next += 1 }
            var digits = 1
            var limit = 10
            while next >= limit, limit < Int.max / 10 {
                digits += 1
                limit *= 10
            }
            var prefix = prefix
            return prefix.withUTF8 { head in
                String(unsafeUninitializedCapacity: head.count + digits) { buffer in
                    if let source = head.baseAddress { buffer.baseAddress!.update(from: source, count: head.count) }
                    var value = next
                    for position in stride(from: head.count + digits - 1, through: head.count, by: -1) {
                        buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                        value /= 10
                    }
                    return head.count + digits
                }
            }
        }
    }

    private static func makeBlock(_ block: MarkdownBlock, counter: inout ClauseCounter) -> Block? {
        switch block {
        case .paragraph(let inlines, let location), .heading(_, let inlines, let location):
            // A kramdown attribute list on its own (`{: #telemetry }`) styles the block before it; it is not a clause.
            let content = KramdownAttributes.strippingTrailing(inlines)
            guard !content.isEmpty else { return nil }
            return .clause(clause(.paragraph, content, location, counter: &counter))
        case .code(let literal, let location):
            return .clause(Clause(id: counter.id(), kind: .code, inlines: [.code(literal)], text: literal,
                                  location: location))
        case .html(let literal, let location):
            return .clause(Clause(id: counter.id(), kind: .html, inlines: [.html(literal)], text: "",
                                  location: location))
        case .thematicBreak:
            return .thematicBreak
        case .quote(let children):
            return .quote(children.compactMap { makeBlock($0, counter: &counter) })
        case .list(let ordered, let start, let tight, let items):
            return .list(ListBlock(ordered: ordered, start: start, tight: tight, items: items.map { item in
                var rest = item.blocks[...]
                var inlines: [Inline] = []
                // The item's words are its first paragraph, or a heading written in the item (`- ## Title`).
                switch rest.first {
                case .paragraph(let first, _)?, .heading(_, let first, _)?:
                    inlines = KramdownAttributes.strippingTrailing(first)
                    rest = rest.dropFirst()
                default:
                    break
                }
                var itemClause = clause(.listItem, inlines, item.location, counter: &counter)
                itemClause.checked = item.checked
                return ListItem(clause: itemClause, children: rest.compactMap { makeBlock($0, counter: &counter) })
            }))
        case .table(let alignments, let rows):
            var clauses = rows.map { row in
                var rowClause = clause(.tableRow, [], row.location, counter: &counter)
                rowClause.cells = row.cells
                rowClause.text = row.cells.map { Inline.plainText($0).trimmingSpaces }.joined(separator: " | ")
                return rowClause
            }
            guard !clauses.isEmpty else { return nil }
            let header = clauses.removeFirst()
            return .table(TableBlock(alignments: alignments, header: header, rows: clauses))
        }
    }

    private static func clause(_ kind: Clause.Kind, _ inlines: [Inline], _ location: SourceLocation?,
                               counter: inout ClauseCounter) -> Clause {
        Clause(id: counter.id(), kind: kind, inlines: inlines, text: Inline.plainText(inlines).trimmingSpaces,
               location: location)
    }
}

/// Hands out anchors that are unique within one document.
struct IdentifierAllocator {
    private var used: Set<String> = []
    private var githubUsed: [String: Int] = [:]

    func isUsed(_ id: String) -> Bool { used.contains(id) }

    mutating func unique(_ base: String) -> String {
        var candidate = base
        var suffix = 2
        while used.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// The anchor GitHub (and most Markdown sites) give a heading: old deep links use these.
    mutating func githubSlug(_ heading: String) -> String {
        let base = Slug.github(heading)
        let count = githubUsed[base, default: 0]
        githubUsed[base] = count + 1
        return count == 0 ? base : "\(base)-\(count)"
    }
}

public enum Slug {
    /// Lowercase letters and digits joined by single hyphens, at most about 48 characters.
    public static func anchor(_ text: String) -> String {
        asciiAnchor(text) ?? scalarAnchor(text)
    }

    /// `anchor` scalar by scalar, for any text.
    static func scalarAnchor(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            if Slug.isLetter(scalar) || ("0"..."9").contains(scalar) {
                if pendingHyphen, !result.isEmpty { result += "-" }
                pendingHyphen = false
                result.unicodeScalars.append(scalar)
            } else if scalar == "’" || scalar == "'" {
                continue
            } else {
                pendingHyphen = true
            }
            if result.unicodeScalars.count >= 48 { break }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? "section" : result
    }

    /// `anchor` of an ASCII title (nearly every heading), byte by byte; nil for any other.
    static func asciiAnchor(_ text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var result: [UInt8] = []
        var pendingHyphen = false
        for byte in text.utf8 {
            let lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                if pendingHyphen, !result.isEmpty { result.append(UInt8(ascii: "-")) }
                pendingHyphen = false
                result.append(lower)
            } else if lower != UInt8(ascii: "'") {
                pendingHyphen = true
            }
            if result.count >= 48 { break }
        }
        return result.isEmpty ? "section" : String(decoding: result, as: UTF8.self)
    }

    /// Unicode's Alphabetic property, answered without a table lookup for ASCII (nearly every heading).
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return scalar.properties.isAlphabetic }
        return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    /// GitHub's heading anchors: lowercase, punctuation dropped, each space a hyphen.
    static func github(_ text: String) -> String {
        asciiGithub(text) ?? scalarGithub(text)
    }

    /// `github` of an ASCII heading, byte by byte: letters lowercased, digits, `-` and `_` kept, a space
    /// a hyphen; nil for any other heading.
    static func asciiGithub(_ text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            let lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) || lower == UInt8(ascii: "-")
                || lower == UInt8(ascii: "_") {
                result.append(lower)
            } else if lower == 0x20 {
                result.append(UInt8(ascii: "-"))
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `github` scalar by scalar, for any heading.
    static func scalarGithub(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isWordCharacter || scalar == "-" || scalar == "_" {
                result.unicodeScalars.append(scalar)
            } else if scalar == " " {
                result += "-"
            }
        }
        return result
    }
}

/// Kramdown attribute lists (`{: #personal-info .class }`) that Mozilla's policies put on headings and paragraphs.
enum KramdownAttributes {
    /// The inlines without an attribute list at their end, nor on a line of its own inside them ("* Tiles",
    /// "{: #tiles }", then the item's text as a lazy continuation): markup for kramdown, not words for readers.
    static func strippingTrailing(_ inlines: [Inline]) -> [Inline] {
        let inlines = strippingOwnLines(inlines)
        guard case .text(let last)? = inlines.last, endsWithBrace(last),
              let open = last.ranges(of: "{:").last else { return inlines }
        var result = Array(inlines.dropLast())
        var kept = Substring(last[..<open.lowerBound])
        while let end = kept.last, end.isWhitespace { kept.removeLast() }
        if !kept.isEmpty {
            result.append(.text(String(kept)))
        } else {
            while let tail = result.last, tail == .softBreak || tail == .lineBreak { result.removeLast() }
        }
        return result
    }

    /// Without the attribute lists that stand alone on a line between others.
    private static func strippingOwnLines(_ inlines: [Inline]) -> [Inline] {
        func isBreak(_ inline: Inline) -> Bool { inline == .softBreak || inline == .lineBreak }
        func isAttributeList(_ inline: Inline) -> Bool {
            guard case .text(let text) = inline, endsWithBrace(text) else { return false }
            let trimmed = text.trimmingSpaces
            return trimmed.hasPrefix("{:") && trimmed.firstIndex(of: "}") == trimmed.index(before: trimmed.endIndex)
        }
        guard inlines.count > 2, inlines.contains(where: isBreak) else { return inlines }
        var result: [Inline] = []
        var index = 0
        while index < inlines.count {
            let inline = inlines[index]
            let alone = (index == 0 || isBreak(inlines[index - 1])) && index + 1 < inlines.count && isBreak(inlines[index + 1])
            if alone, isAttributeList(inline) {
                index += 2
                continue
            }
            result.append(inline)
            index += 1
        }
        return result
    }

    /// Whether the text ends in `}` but for white space; by bytes, since every paragraph asks.
    private static func endsWithBrace(_ text: String) -> Bool {
        for byte in text.utf8.reversed() {
            if byte == UInt8(ascii: "}") { return true }
            if byte >= 0x80 { return text.trimmingSpaces.hasSuffix("}") }
            if byte != 0x20, !(0x09...0x0D).contains(byte) { return false }
        }
        return false
    }

    static func split(_ text: String) -> (text: String, ids: [String]) {
        guard text.hasSuffix("}"), let open = text.ranges(of: "{").last else { return (text, []) }
        let body = text[text.index(after: open.lowerBound)..<text.index(before: text.endIndex)]
        guard body.hasPrefix(":") || body.hasPrefix("#") else { return (text, []) }
        let ids = body.split(separator: " ").compactMap { token -> String? in
            let token = token.hasPrefix(":") ? token.dropFirst() : token
            return token.hasPrefix("#") && token.count > 1 ? String(token.dropFirst()) : nil
        }
        return (String(text[..<open.lowerBound]).trimmingSpaces, ids)
    }
}
