import PolicyModel

/// Markdown policy → `Document`. Parsing never fails: every byte string is some document;
/// what is wrong with it is recorded in the document for lint to report.
public enum PolicyParser {
    /// Parses a policy's bytes. `path` is used for the document id (its file stem) and in diagnostics.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, path: String) -> Document {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            parse(UnsafeRawBufferPointer(buffer), path: path)
        }
        if let contiguous { return contiguous }
        return Array(bytes).withUnsafeBytes { parse($0, path: path) }
    }

    /// Parses Markdown text (tests and tools that already hold a string).
    public static func parse(text: String, path: String = "policy.md") -> Document {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), path: path) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) -> Document {
        let scan = SourceScanner.scan(bytes)
        var converter = CommonMarkConverter()
        converter.lineOffset = scan.frontMatterLineCount
        let bodyStart = (scan.facts.hasByteOrderMark && scan.frontMatterByteCount > 0 ? 3 : 0) + scan.frontMatterByteCount
        let blocks = converter.parse(UnsafeRawBufferPointer(rebasing: bytes[bodyStart...]))
        let structure = Sectioner.build(blocks)
        var facts = scan.facts
        facts.flattenedAt = converter.flattenedAt

        let id = fileStem(path)
        let allSections: [Section] = structure.sections.flatMap { section in
            var result: [Section] = []
            section.walk { section, _ in result.append(section) }
            return result
        }
        var clauses: [Clause] = []
        for block in structure.preamble { block.appendClauses(to: &clauses) }
        for section in allSections { for block in section.blocks { block.appendClauses(to: &clauses) } }

        let title = structure.title.flatMap { $0.isEmpty ? nil : $0 }
            ?? scan.frontMatter["title"].flatMap { $0.isEmpty ? nil : $0 }
            ?? titleFromFileStem(id)
        let lastUpdated = LastUpdatedFinder.find(frontMatter: scan.frontMatter, clauses: clauses)
        let definedTerms = clauses.flatMap(DefinedTermFinder.find(in:))
        let finder = ReferenceFinder(sections: allSections, clauses: clauses, extraAnchors: [:])
        let references = clauses.flatMap(finder.references(in:))

        return Document(id: id, path: path, title: title, titleLocation: structure.titleLocation,
                        lastUpdated: lastUpdated, frontMatter: scan.frontMatter, preamble: structure.preamble,
                        sections: structure.sections, definedTerms: definedTerms, references: references,
                        source: facts)
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
