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
        var preamble: [Block]
        var sections: [Section]
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

    static func build(_ blocks: [MarkdownBlock]) -> Output {
        var output = Output(title: nil, titleLocation: nil, preamble: [], sections: [])
        var preambleContent: [MarkdownBlock] = []
        var roots: [Node] = []
        var stack: [Node] = []
        var latestByNumber: [String: Node] = [:]
        var sawHeading = false

        for block in blocks {
            guard case .heading(let level, let headingInlines, let location) = block else {
                if let current = stack.last { current.content.append(block) } else { preambleContent.append(block) }
                continue
            }
            var inlines = headingInlines
            var text = Inline.plainText(inlines).trimmingSpaces
            let attributes = KramdownAttributes.split(text)
            if !attributes.ids.isEmpty || attributes.text != text {
                text = attributes.text
                inlines = [.text(text)]
            }
            let number = HeadingNumber.parse(text)
            if !sawHeading, level == 1, number == nil, output.title == nil {
                output.title = text
                output.titleLocation = location
                sawHeading = true
                continue
            }
            sawHeading = true

            if let number {
                if let parentNumber = number.parentText, let parent = latestByNumber[parentNumber],
                   let position = stack.lastIndex(where: { $0 === parent }) {
                    stack.removeSubrange((position + 1)...)
                } else {
                    while let top = stack.last, closes(top, numbered: number, level: level) { stack.removeLast() }
                }
            } else if level == 1 {
                stack.removeAll()
            } else {
                while let top = stack.last, top.number == nil, top.level >= level { stack.removeLast() }
            }

            let parent = stack.last
            let title = number.map { String(text.dropFirst($0.prefixLength)).trimmingSpaces } ?? text
            let node = Node(level: level, inlines: inlines, location: location, number: number, title: title,
                            titleInlines: number.map { strip($0, from: inlines) } ?? inlines,
                            underNumbered: number == nil && parent.map { $0.number != nil || $0.underNumbered } == true,
                            explicitIDs: attributes.ids)
            if let parent { parent.children.append(node) } else { roots.append(node) }
            stack.append(node)
            if let number { latestByNumber[number.text] = node }
        }

        var ids = IdentifierAllocator()
        output.preamble = makeBlocks(preambleContent, sectionID: "preamble")
        output.sections = roots.map { makeSection($0, parentID: nil, ids: &ids) }
        return output
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

    private static func makeSection(_ node: Node, parentID: String?, ids: inout IdentifierAllocator) -> Section {
        let base: String
        if let number = node.number {
            base = "sec-" + number.text.lowercased()
        } else if let parentID {
            base = parentID + "." + Slug.anchor(node.title)
        } else {
            base = "sec-" + Slug.anchor(node.title)
        }
        let id = ids.unique(base)
        let alias = ids.githubSlug(Inline.plainText(node.inlines).trimmingSpaces)
        return Section(id: id, number: node.number?.text, title: node.title, titleInlines: node.titleInlines,
                       level: node.level, location: node.location,
                       aliases: ([alias] + node.explicitIDs).filter { $0 != id },
                       blocks: makeBlocks(node.content, sectionID: id),
                       sections: node.children.map { makeSection($0, parentID: id, ids: &ids) })
    }

    // MARK: Clauses

    private static func makeBlocks(_ content: [MarkdownBlock], sectionID: String) -> [Block] {
        var counter = ClauseCounter(prefix: sectionID + ".p")
        return content.compactMap { makeBlock($0, counter: &counter) }
    }

    private struct ClauseCounter {
        let prefix: String
        var next = 1

        mutating func id() -> String {
            defer { next += 1 }
            return prefix + String(next)
        }
    }

    private static func makeBlock(_ block: MarkdownBlock, counter: inout ClauseCounter) -> Block? {
        switch block {
        case .paragraph(let inlines, let location), .heading(_, let inlines, let location):
            return .clause(clause(.paragraph, inlines, location, counter: &counter))
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
                if case .paragraph(let first, _)? = rest.first {
                    inlines = first
                    rest = rest.dropFirst()
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

enum Slug {
    /// Lowercase letters and digits joined by single hyphens, at most about 48 characters.
    static func anchor(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
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

    /// GitHub's heading anchors: lowercase, punctuation dropped, each space a hyphen.
    static func github(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "-" || scalar == "_" {
                result.unicodeScalars.append(scalar)
            } else if scalar == " " {
                result += "-"
            }
        }
        return result
    }
}

/// Kramdown attribute lists (`{: #personal-info .class }`) that Mozilla's policies put on headings.
enum KramdownAttributes {
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
