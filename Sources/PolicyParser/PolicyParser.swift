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
    /// `options`: the reference pipeline, or its fast paths (`ParseOptions`); the document is the same.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, path: String, analysis: Analysis = .all,
                                                       options: ParseOptions = .reference) -> Document {
        withContiguousBytes(bytes) { parse($0, path: path, analysis: analysis, options: options) }
    }

    /// Parses two revisions of a policy, each as `parse` would. With the fast paths, the text they
    /// share is parsed once (`RevisionPair`), so that the second costs little more than its changes.
    public static func parse<Bytes: Collection<UInt8>>(old: Bytes, oldPath: String, new: Bytes, newPath: String,
                                                       analysis: Analysis = .all, options: ParseOptions = .reference)
        -> (old: Document, new: Document) {
        parse(old: old, oldPath: oldPath, new: new, newPath: newPath, analysis: analysis, options: options,
              finishingOld: { $0 }, finishingNew: { $0 })
    }

    /// The same, each document handed to its `finishing` function as soon as it is made; with the fast
    /// paths, on the core that made it, so that what the caller makes of one document overlaps the
    /// making of the other.
    public static func parse<Bytes: Collection<UInt8>, Old: Sendable, New: Sendable>(
        old: Bytes, oldPath: String, new: Bytes, newPath: String, analysis: Analysis = .all,
        options: ParseOptions = .reference,
        finishingOld: (Document) -> Old, finishingNew: @escaping @Sendable (Document) -> New) -> (old: Old, new: New) {
        guard options.fastPaths else {
            // The reference: one revision, then the other, each parsed alone.
            let oldResult = finishingOld(parse(old, path: oldPath, analysis: analysis, options: .reference))
            return (oldResult, finishingNew(parse(new, path: newPath, analysis: analysis, options: .reference)))
        }
        return withContiguousBytes(old) { oldBytes in
            withContiguousBytes(new) { newBytes in
                parse(old: oldBytes, oldPath: oldPath, new: newBytes, newPath: newPath, analysis: analysis,
                      pieceBytes: options.revisionPieceBytes, finishingOld: finishingOld,
                      finishingNew: finishingNew)
            }
        }
    }

    private static func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
        _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        return Array(bytes).withUnsafeBytes(body)
    }

    /// Parses Markdown text (tests and tools that already hold a string).
    public static func parse(text: String, path: String = "policy.md", analysis: Analysis = .all,
                             options: ParseOptions = .reference) -> Document {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), path: path, analysis: analysis, options: options) }
    }

    /// Whether a clause defines a term, as a parse with `.definedTerms` decides it, for a document parsed
    /// without. A diff asks this of the old clauses that were reworded, not of every clause.
    public static func definesTerm(_ clause: Clause) -> Bool {
        !DefinedTermFinder.find(in: clause).isEmpty
    }

    /// One policy's bytes, through the pipeline `options` picks.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, analysis: Analysis, options: ParseOptions) -> Document {
        guard options.fastPaths else {
            let body = Body(bytes)
            return document(body, referenceBlocks(body), path: path, analysis: analysis)
        }
        return parse(bytes, path: path, analysis: analysis, pieceBytes: options.pieceBytes)
    }

    /// The reference's blocks: the whole body in one cmark parse, with cmark-gfm's own rules.
    static func referenceBlocks(_ body: Body) -> ConvertedBlocks {
        var converter = CommonMarkConverter()
        converter.lineOffset = body.lineOffset
        let blocks = CommonMarkConverter.parseAlone(body.bytes, validateUTF8: body.validateUTF8)
            .map { converter.convert($0) } ?? []
        return ConvertedBlocks(blocks: blocks, lines: converter.topLevelLines, flattenedAt: converter.flattenedAt)
    }

    /// Fast paths: pieces of at least `pieceBytes`, converted on every core.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, analysis: Analysis,
                      pieceBytes: Int) -> Document {
        let body = Body(bytes)
        let pieces = SourcePieces.split(body.bytes, minimumBytes: pieceBytes)
        let jobs = pieces.indices.map { body.job($0..<($0 + 1), of: pieces) }
        let converted = ConvertedBlocks(joining: convert(jobs))
        return document(body, converted, path: path, analysis: analysis)
    }

    /// Fast paths: the new revision's blocks are put together on its own core, beside the old revision's document.
    static func parse<Old: Sendable, New: Sendable>(
        old: UnsafeRawBufferPointer, oldPath: String, new: UnsafeRawBufferPointer, newPath: String, analysis: Analysis,
        pieceBytes: Int, finishingOld: (Document) -> Old,
        finishingNew: @escaping @Sendable (Document) -> New) -> (old: Old, new: New) {
        let start = ContinuousClock.now
        let pair = RevisionPair.convert(old: old, new: new, pieceBytes: pieceBytes)
        if Trace.enabled {
            Trace.report("convert both (the new one: \(pair.newBytesParsed) of \(pair.new.bytes.count) bytes parsed)", since: start)
        }
        return inParallel({ finishingOld(document(pair.old, pair.oldBlocks, path: oldPath, analysis: analysis)) },
                          { finishingNew(document(pair.new, pair.newBlocks(), path: newPath, analysis: analysis)) })
    }

    /// The document from its body's converted blocks: sections, clauses, title, date and references.
    static func document(_ body: Body, _ converted: ConvertedBlocks, path: String, analysis: Analysis) -> Document {
        let scan = body.scan
        let structure = Sectioner.build(converted.blocks, findingTerms: analysis.contains(.definedTerms))
        var facts = scan.facts
        facts.flattenedAt = converted.flattenedAt

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

    /// Each job's blocks. Where cmark parses may overlap, each job is parsed and converted on any core;
    /// otherwise cmark parses the jobs one after another while other cores convert the ones already parsed.
    static func convert(_ jobs: [ParseJob]) -> [ConvertedBlocks] {
        let results = ParallelResults<ConvertedBlocks>(count: jobs.count)
        // cmark leaves www autolinks to the converter (see `WWWAutolinks`) unless the job's source has
        // what the converted text cannot show; where the converter declines, the job is parsed again.
        let finders = jobs.map { WWWAutolinks.finder(for: $0.text) }
        @Sendable func parse(_ index: Int) -> CommonMarkConverter.Tree? {
            CommonMarkConverter.parse(jobs[index].text, validateUTF8: jobs[index].validateUTF8,
                                      wwwSpecial: finders[index] == .cmark)
        }
        @Sendable func converted(_ index: Int, _ tree: CommonMarkConverter.Tree?, findingWWW: Bool) -> ConvertedBlocks {
            var converter = CommonMarkConverter()
            converter.lineOffset = jobs[index].lineOffset
            converter.findsWWWAutolinks = findingWWW
            let blocks = tree.map { converter.convert($0) } ?? []
            guard !converter.declined else {
                let exact = CommonMarkConverter.parse(jobs[index].text, validateUTF8: jobs[index].validateUTF8, wwwSpecial: true)
                return converted(index, exact, findingWWW: false)
            }
            return ConvertedBlocks(blocks: blocks, lines: converter.topLevelLines, flattenedAt: converter.flattenedAt)
        }
        @Sendable func convert(_ index: Int, _ tree: CommonMarkConverter.Tree?) {
            results.set(index, converted(index, tree, findingWWW: finders[index] == .port))
        }
        if jobs.count == 1 {
            convert(0, parse(0))
        } else if CommonMarkConverter.parsesMayOverlap {
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                convert(index, parse(index))
            }
        } else {
            let conversions = DispatchGroup()
            for index in jobs.indices {
                let tree = parse(index)
                DispatchQueue.global().async(group: conversions) { convert(index, tree) }
            }
            conversions.wait()
        }
        return jobs.indices.map(results.value)
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
