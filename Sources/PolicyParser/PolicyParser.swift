import Dispatch
import PolicyModel

/// Markdown policy → `Document`. Parsing never fails: every byte string is some document;
/// what is wrong with it is recorded in the document for lint to report.
public enum PolicyParser {
    /// What to find beyond the structure. Rendering needs none of it; lint, diff and JSON need all.
    public struct Analysis: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let definedTerms = Analysis(rawValue: 1)
        public static let references = Analysis(rawValue: 2)
        public static let all: Analysis = [.definedTerms, .references]
    }

    /// Parses a policy's bytes. `path` is used for the document id (its file stem) and in diagnostics.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, path: String, analysis: Analysis = .all) -> Document {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            parse(UnsafeRawBufferPointer(buffer), path: path, analysis: analysis)
        }
        if let contiguous { return contiguous }
        return Array(bytes).withUnsafeBytes { parse($0, path: path, analysis: analysis) }
    }

    /// Parses Markdown text (tests and tools that already hold a string).
    public static func parse(text: String, path: String = "policy.md", analysis: Analysis = .all) -> Document {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), path: path, analysis: analysis) }
    }

    /// The ids of the clauses that define a term: the clauses of `document.definedTerms`, found again
    /// in a document parsed without `.definedTerms`. A diff needs only these, and only of its old side;
    /// it asks for them once the parse is over, beside the alignment, where a core is free.
    public static func definingClauses(of document: Document) -> Set<String> {
        var ids: Set<String> = []
        func visit(_ blocks: [Block]) {
            for block in blocks {
                block.forEachClause { if !DefinedTermFinder.find(in: $0).isEmpty { ids.insert($0.id) } }
            }
        }
        visit(document.preamble)
        for section in document.sections { section.walk { section, _ in visit(section.blocks) } }
        return ids
    }

    /// Long policies are cut into pieces of at least this many bytes, converted on every core.
    static let pieceBytes = 256 << 10

    /// `cmarkFindsWWW`: every piece parsed with cmark finding www autolinks itself, as tests need to
    /// hold `WWWAutolinks` to cmark.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, analysis: Analysis,
                      pieceBytes: Int = pieceBytes, cmarkFindsWWW: Bool = false) -> Document {
        let scan = SourceScanner.scan(bytes)
        // cmark skips a byte order mark but counts its bytes in columns; cut it so that line 1 starts at column 1.
        let bodyStart = (scan.facts.hasByteOrderMark ? 3 : 0) + scan.frontMatterByteCount
        let (blocks, flattenedAt) = convert(UnsafeRawBufferPointer(rebasing: bytes[bodyStart...]),
                                            lineOffset: scan.frontMatterLineCount,
                                            validateUTF8: scan.facts.flaws.contains { $0.kind == .invalidUTF8 },
                                            pieceBytes: pieceBytes, cmarkFindsWWW: cmarkFindsWWW)
        let structure = Sectioner.build(blocks, findingTerms: analysis.contains(.definedTerms))
        var facts = scan.facts
        facts.flattenedAt = flattenedAt

        let id = fileStem(path)
        let allSections: [Section] = structure.sections.flatMap { section in
            var result: [Section] = []
            section.walk { section, _ in result.append(section) }
            return result
        }
        // References read every clause (the sectioner found the defined terms); the date is only looked
        // for near the top.
        let clauseLimit = analysis.contains(.references) ? Int.max : LastUpdatedFinder.clausesSearched
        var clauses: [Clause] = []
        for blocks in [structure.preamble] + allSections.lazy.map(\.blocks) where clauses.count < clauseLimit {
            for block in blocks {
                block.forEachClause { if clauses.count < clauseLimit { clauses.append($0) } }
            }
        }

        // An H1 is the title as readers see it; front matter names the page where no H1 does, and
        // outranks a lower heading that was only inferred to be the title.
        let headingTitle = structure.title.flatMap { $0.isEmpty ? nil : $0 }
        let frontMatterTitle = scan.frontMatter["title"].flatMap { $0.isEmpty ? nil : $0 }
        let title: String
        var titleLocation = structure.titleLocation
        if let headingTitle, !(structure.titleIsInferred && frontMatterTitle != nil) {
            title = headingTitle
        } else if let frontMatterTitle {
            title = frontMatterTitle
            titleLocation = nil
        } else {
            title = titleFromFileStem(id)
            titleLocation = nil
        }
        let lastUpdated = LastUpdatedFinder.find(frontMatter: scan.frontMatter, clauses: clauses)
        // Links to the title heading land on the page's title (`<h1 id="title">` when rendered).
        let titleAnchors = Dictionary(structure.titleAnchors.map { ($0, Document.titleAnchor) },
                                      uniquingKeysWith: { first, _ in first })
        var references: [Reference] = []
        if analysis.contains(.references) {
            let finder = ReferenceFinder(sections: allSections, clauses: clauses, extraAnchors: titleAnchors)
            references = clauses.flatMap(finder.references(in:))
        }

        var document = Document(id: id, path: path, title: title, titleLocation: titleLocation,
                                lastUpdated: lastUpdated, frontMatter: scan.frontMatter, preamble: structure.preamble,
                                sections: structure.sections, definedTerms: structure.definedTerms, references: references,
                                source: facts)
        document.titleAliases = structure.titleAnchors.filter { $0 != Document.titleAnchor }
        return document
    }

    /// The body's blocks, from its pieces (see `SourcePieces`) joined in order. Where cmark parses may
    /// overlap, each piece is parsed and converted on any core; otherwise cmark parses the pieces one
    /// after another while other cores convert the pieces already parsed.
    private static func convert(_ body: UnsafeRawBufferPointer, lineOffset: Int, validateUTF8: Bool, pieceBytes: Int,
                                cmarkFindsWWW: Bool) -> (blocks: [MarkdownBlock], flattenedAt: [SourceLocation]) {
        let pieces = SourcePieces.split(body, minimumBytes: pieceBytes)
        let results = ParallelResults<(blocks: [MarkdownBlock], flattenedAt: [SourceLocation])>(count: pieces.count)
        // The caller keeps the bytes alive until every piece is converted.
        nonisolated(unsafe) let source = body
        @Sendable func text(_ index: Int) -> UnsafeRawBufferPointer {
            let end = index + 1 < pieces.count ? pieces[index + 1].start : source.count
            return UnsafeRawBufferPointer(rebasing: source[pieces[index].start..<end])
        }
        // cmark leaves www autolinks to the converter (see `WWWAutolinks`) unless the piece's source has
        // what the converted text cannot show; where the converter declines, the piece is parsed again.
        let finders = pieces.indices.map { cmarkFindsWWW ? .cmark : WWWAutolinks.finder(for: text($0)) }
        @Sendable func parse(_ index: Int) -> CommonMarkConverter.Tree? {
            CommonMarkConverter.parse(text(index), validateUTF8: validateUTF8, wwwSpecial: finders[index] == .cmark)
        }
        @Sendable func converted(_ index: Int, _ tree: CommonMarkConverter.Tree?,
                                 findingWWW: Bool) -> (blocks: [MarkdownBlock], flattenedAt: [SourceLocation]) {
            var converter = CommonMarkConverter()
            converter.lineOffset = lineOffset + pieces[index].lineOffset
            converter.findsWWWAutolinks = findingWWW
            let blocks = tree.map { converter.convert($0) } ?? []
            guard !converter.declined else {
                let exact = CommonMarkConverter.parse(text(index), validateUTF8: validateUTF8, wwwSpecial: true)
                return converted(index, exact, findingWWW: false)
            }
            return (blocks, converter.flattenedAt)
        }
        @Sendable func convert(_ index: Int, _ tree: CommonMarkConverter.Tree?) {
            results.set(index, converted(index, tree, findingWWW: finders[index] == .port))
        }
        if pieces.count == 1 {
            convert(0, parse(0))
        } else if CommonMarkConverter.parsesMayOverlap {
            DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
                convert(index, parse(index))
            }
        } else {
            let conversions = DispatchGroup()
            for index in pieces.indices {
                let tree = parse(index)
                DispatchQueue.global().async(group: conversions) { convert(index, tree) }
            }
            conversions.wait()
        }
        var blocks: [MarkdownBlock] = []
        var flattenedAt: [SourceLocation] = []
        for index in pieces.indices {
            let piece = results.value(index)
            blocks.append(contentsOf: piece.blocks)
            flattenedAt.append(contentsOf: piece.flattenedAt)
        }
        return (blocks, flattenedAt)
    }

    static func fileStem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name.isEmpty ? "policy" : name }
        return String(name[..<dot])
    }

    /// `privacy-policy` → `Privacy Policy`, for documents without any title.
    static func titleFromFileStem(_ stem: String) -> String {
        let words = stem.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
        let title = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return title.isEmpty ? "Untitled Policy" : title
    }
}
