import PolicyModel

/// One side of a diff, flattened: sections and clauses in document order, with what alignment compares.
struct Revision {
    struct SectionEntry {
        let section: Section
        /// Index of the parent section, nil at the top.
        let parent: Int?
        /// The title, normalised and lowercased.
        let titleKey: String
        let titleBag: [Int]
    }

    struct ClauseEntry {
        let clause: Clause
        /// Index of the holding section, nil for the preamble.
        let section: Int?
        /// Position among the clauses of its section.
        let positionInSection: Int
        /// The words as read (see `readingText`), and their normalised form.
        let text: String
        let key: ClauseKey

        init(clause: Clause, section: Int?, positionInSection: Int, text: String) {
            self.clause = clause
            self.section = section
            self.positionInSection = positionInSection
            self.text = text
            self.key = ClauseKey(text)
        }
    }

    let document: Document
    let sections: [SectionEntry]
    let clauses: [ClauseEntry]
    /// Fields of `clauses` that passes over every clause read, side by side: an entry is large, and
    /// reading one field of each of 30,000 entries that have left the cache took longer than the work.
    let keyDigests: [UInt64]
    let clauseSections: [Int?]
    let clauseLines: [Int]
    /// The clause that carries "Last updated", which changes with every release.
    let lastUpdatedClause: Int?

    init(_ document: Document) {
        self.document = document
        var sections: [SectionEntry] = []
        var clauses: [ClauseEntry] = []
        func add(_ blocks: [Block], section: Int?) {
            var position = 0
            for block in blocks {
                block.forEachClause { clause in
                    var clause = clause
                    // An HTML block is read for the words it shows (the parser gives it no text): they are
                    // judged, quoted and diffed as a paragraph's are.
                    if let html = clause.htmlSource { clause.text = HTMLText.visible(html) }
                    // A list item that only holds a nested list has no words of its own: nothing to compare.
                    let text = Revision.readingText(clause)
                    guard !text.isEmpty else { return }
                    clauses.append(ClauseEntry(clause: clause, section: section, positionInSection: position, text: text))
                    position += 1
                }
            }
        }
        add(document.preamble, section: nil)
        func visit(_ section: Section, parent: Int?) {
            let index = sections.count
            let titleKey = String(decoding: TextNormalizer.exactKey(section.title), as: UTF8.self).lowercased()
            sections.append(SectionEntry(section: section, parent: parent, titleKey: titleKey,
                                         titleBag: TextNormalizer.wordBag(section.title)))
            add(section.blocks, section: index)
            for child in section.sections { visit(child, parent: index) }
        }
        for section in document.sections { visit(section, parent: nil) }
        self.sections = sections
        self.clauses = clauses
        keyDigests = clauses.map(\.key.digest)
        clauseSections = clauses.map(\.section)
        clauseLines = clauses.map { $0.clause.location?.line ?? 0 }
        let lastUpdatedID = document.lastUpdated?.clause
        self.lastUpdatedClause = lastUpdatedID.flatMap { id in clauses.firstIndex { $0.clause.id == id } }
    }

    private static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// What a reader takes from a clause. A code block is almost always prose indented by accident
    /// (four spaces turn a paragraph into code), so its Markdown link syntax is read as the link text.
    static func readingText(_ clause: Clause) -> String {
        // An HTML block shows its text (set by `init`); one that shows none (an anchor, a script) is
        // still compared, by its markup.
        if clause.text.isEmpty, let html = clause.htmlSource { return html }
        guard clause.kind == .code, clause.text.contains("](") else { return clause.text }
        var result = ""
        var remaining = Substring(clause.text)
        while let open = remaining.firstRange(of: "](") {
            result += remaining[..<open.lowerBound].replacing("[", with: "")
            remaining = remaining[open.upperBound...]
            if let close = remaining.firstIndex(of: ")") { remaining = remaining[remaining.index(after: close)...] }
        }
        return result + remaining.replacing("[", with: "")
    }

    func position(ofClause index: Int) -> Position {
        let entry = clauses[index]
        let section = entry.section.map { sections[$0].section }
        return Position(id: entry.clause.id, section: section?.id, sectionHeading: section?.heading,
                        line: entry.clause.location?.line)
    }

    func position(ofSection index: Int) -> Position {
        let entry = sections[index]
        let parent = entry.parent.map { sections[$0].section }
        return Position(id: entry.section.id, section: parent?.id, sectionHeading: parent?.heading,
                        line: entry.section.location?.line)
    }

    /// The category of every section, by index: configured by id or title, else guessed from its title,
    /// else its parent's. (A parent comes before its children, so one pass in order decides them all.)
    func sectionCategories(options: DiffOptions) -> [SectionCategory] {
        var categories: [SectionCategory] = []
        categories.reserveCapacity(sections.count)
        // Long policies repeat titles ("Your choices"): each is searched for keywords once.
        var guesses: [String: SectionCategory?] = [:]
        for entry in sections {
            let configured = options.sectionCategories[entry.section.id] ?? options.sectionCategories[entry.titleKey]
            let guessed = guesses[entry.titleKey] ?? {
                let title = Array(entry.titleKey.utf8)
                let guess = Self.categoryKeywords.first { _, keywords in
                    keywords.contains { Self.bytes(title, contain: $0) }
                }?.0
                guesses[entry.titleKey] = .some(guess)
                return guess
            }()
            categories.append(configured ?? guessed ?? entry.parent.map { categories[$0] } ?? .other)
        }
        return categories
    }

    /// `Vocabulary.categoryKeywords` as bytes, for searching titles.
    private static let categoryKeywords = Vocabulary.categoryKeywords.map { category, keywords in
        (category, keywords.map { Array($0.utf8) })
    }
}

/// A clause's normalised text (`TextNormalizer.exactKey`) and a digest of it, made in one pass.
///
/// Most clauses are already normal: their key is their own text, shared rather than copied, and the
/// digest is taken eight bytes at a time while the text is checked. Only exact matching reads the
/// digest, to find candidates; equal keys are confirmed with one `memcmp`, so the digest only has to
/// spread keys well, not be stable or the same as any other hash here.
struct ClauseKey: Hashable {
    private enum Storage {
        case text(String)
        case normalized([UInt8])
    }

    private let storage: Storage
    let digest: UInt64

    init(_ text: String) {
        var text = text
        if let digest = text.withUTF8({ TextNormalizer.digestIfAlreadyNormal(UnsafeRawBufferPointer($0)) }) {
            storage = .text(text)
            self.digest = digest
        } else {
            let bytes = TextNormalizer.normalizedKey(text)
            storage = .normalized(bytes)
            digest = bytes.withUnsafeBytes { KeyDigest.hash($0) }
        }
    }

    private func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        switch storage {
        case .text(var text): text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        case .normalized(let bytes): bytes.withUnsafeBytes(body)
        }
    }

    static func == (lhs: ClauseKey, rhs: ClauseKey) -> Bool {
        guard lhs.digest == rhs.digest else { return false }
        return lhs.withBytes { left in
            rhs.withBytes { right in
                left.bytesEqual(right)
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }
}
