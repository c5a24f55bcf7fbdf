import Dispatch
import Foundation
import PolicyDiff
import PolicyModel
@testable import PolicyParser
import PolicyRender
import PolicyTestSupport
import Testing

/// The parser's fast paths against its reference pipeline (`ParseOptions`): the same bytes out of
/// `policyc parse` (JSON), `policyc render` (HTML) and `policyc diff --format json`, for generated
/// policies on every machine and for the shared corpus where it is there.
///
/// `make fuzz` runs the generated comparison for many more seeds (POLICYC_FUZZ_ITERATIONS, from
/// POLICYC_FUZZ_SEED); a difference names its seed and writes its inputs to a folder to replay.
struct DifferentialTests {
    /// The fast paths, each cutting as much as it can: pieces of one byte (every cut the rules allow,
    /// and every chunk of a revision its own), pieces of 64 bytes (cuts grouped, some chunks reused
    /// inside a parsed run), and the shipped sizes (whole parses of a small policy, with the www port
    /// and overlapping cmark parses).
    static let fastVariants: [(name: String, options: ParseOptions)] = [
        ("fast, 1-byte pieces", .fast(pieceBytes: 1)),
        ("fast, 64-byte pieces", .fast(pieceBytes: 64)),
        ("fast", .fast),
    ]

    /// What the three commands print for one pair of revisions.
    struct Outputs: Equatable {
        var parseJSON: [UInt8]
        var renderHTML: [UInt8]
        var diffJSON: [UInt8]
    }

    /// As the commands make them: `parse` reads the new revision with every analysis, `render` with
    /// none, `diff` reads both as `Comparison` does.
    static func outputs(old: [UInt8], new: [UInt8], options: ParseOptions) throws -> Outputs {
        let parsed = PolicyParser.parse(new, path: "policy.md", analysis: .all, options: options)
        let rendered = PolicyParser.parse(new, path: "policy.md", analysis: [], options: options)
        let (oldSide, newSide) = PolicyParser.parse(
            old: old, oldPath: "old/policy.md", new: new, newPath: "policy.md", analysis: [], options: options,
            finishingOld: { PolicyDiffer.Side($0, definesTerm: PolicyParser.definesTerm) },
            finishingNew: { PolicyDiffer.Side($0) })
        return Outputs(parseJSON: Array(try JSONRenderer.render(parsed).utf8),
                       renderHTML: HTMLRenderer.renderBytes(rendered),
                       diffJSON: try JSONRenderer.bytes(PolicyDiffer.diff(oldSide, newSide)))
    }

    /// Which outputs of which fast variants differ from the reference's, as `variant: output` lines.
    static func differences(old: [UInt8], new: [UInt8],
                            variants: [(name: String, options: ParseOptions)] = fastVariants) throws -> [String] {
        let expected = try outputs(old: old, new: new, options: .reference)
        var found: [String] = []
        for (name, options) in variants {
            let fast = try outputs(old: old, new: new, options: options)
            if fast.parseJSON != expected.parseJSON { found.append("\(name): parse JSON") }
            if fast.renderHTML != expected.renderHTML { found.append("\(name): render HTML") }
            if fast.diffJSON != expected.diffJSON { found.append("\(name): diff JSON") }
        }
        return found
    }

    /// Keeps a differing pair where it can be replayed, and says where.
    static func keep(old: String, new: String, seed: UInt64) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policyc-differential")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let prefix = folder.appendingPathComponent("seed-\(seed)")
        try Data(old.utf8).write(to: prefix.appendingPathExtension("old.md"))
        try Data(new.utf8).write(to: prefix.appendingPathExtension("new.md"))
        return prefix.path
    }

    static let iterations = ProcessInfo.processInfo.environment["POLICYC_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 150
    static let firstSeed = ProcessInfo.processInfo.environment["POLICYC_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1

    @Test func generatedPoliciesAreTheSameOnEveryPath() throws {
        var failures: [String] = []
        var cutPolicies = 0
        var reusingPairs = 0
        for seed in Self.firstSeed..<(Self.firstSeed + UInt64(Self.iterations)) {
            var generator = MarkdownGenerator(seed: seed)
            let old = generator.policy()
            let new = generator.revise(old)
            let (oldText, newText) = (old.text, new.text)
            let differing = try Self.differences(old: Array(oldText.utf8), new: Array(newText.utf8))
            if !differing.isEmpty {
                failures.append("seed \(seed) (\(try Self.keep(old: oldText, new: newText, seed: seed))): "
                                + differing.joined(separator: ", "))
            }
            if Self.pieceCount(newText) > 1 { cutPolicies += 1 }
            if Self.reusesChunks(old: oldText, new: newText) { reusingPairs += 1 }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(Self.iterations) differ:\n\(failures.joined(separator: "\n"))")
        // The generator must leave the fast paths something to do, or the comparison proves nothing.
        #expect(cutPolicies * 2 > Self.iterations, "only \(cutPolicies) of \(Self.iterations) policies were cut")
        #expect(reusingPairs * 4 > Self.iterations, "only \(reusingPairs) of \(Self.iterations) pairs reused a chunk")
    }

    /// Real revisions: each against the one before it (or itself, for the first), revisions side by
    /// side. The smallest pieces and the shipped sizes only: the 64-byte pieces lie between them, and
    /// the corpus is 23 MB.
    @Test(.enabled(if: Fixtures.hasCorpus, "needs ../shared/corpus"))
    func corpusRevisionsAreTheSameOnEveryPath() throws {
        let revisions = try Fixtures.corpusRevisions()
        let variants = Self.fastVariants.filter { $0.options != .fast(pieceBytes: 64) }
        let results = ParallelResults<[String]>(count: revisions.count)
        DispatchQueue.concurrentPerform(iterations: revisions.count) { index in
            let revision = revisions[index]
            do {
                let new = Array(try Data(contentsOf: revision.url))
                let old = try revision.prev.map {
                    Array(try Data(contentsOf: Fixtures.corpus.appendingPathComponent(revision.doc).appendingPathComponent($0)))
                } ?? new
                results.set(index, try Self.differences(old: old, new: new, variants: variants))
            } catch {
                results.set(index, ["\(error)"])
            }
        }
        let failures = revisions.indices.compactMap { index in
            results.value(index).isEmpty ? nil
                : "\(revisions[index].doc)/\(revisions[index].file): " + results.value(index).joined(separator: ", ")
        }
        #expect(failures.isEmpty, "\(failures.count) of \(revisions.count) differ:\n\(failures.joined(separator: "\n"))")
    }

    /// The reference is what a plain cmark-gfm parse gives: one parse of the whole body, www autolinks
    /// found by cmark, in a document whose lines are the file's.
    @Test func theReferenceTakesNoFastPath() {
        let text = "---\ntitle: T\n---\n# T\n\nSee www.example.com and ~~old~~.\n\n## 1. A\n\nx\n"
        let reference = PolicyParser.parse(text: text, options: .reference)
        var links: [String] = []
        for (_, clause) in reference.allClauses {
            Inline.forEach(in: clause.inlines) { if case .link(let destination, _, _) = $0 { links.append(destination) } }
        }
        #expect(links == ["http://www.example.com"])
        #expect(reference.allSections.map { $0.location?.line } == [8])
        #expect(reference == PolicyParser.parse(text: text, options: .fast(pieceBytes: 1)))
        #expect(Self.pieceCount(text) > 1)
    }

    static func pieceCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { SourcePieces.split(UnsafeRawBufferPointer($0), minimumBytes: 1).count }
    }

    /// Whether the fast pair parse takes any of the new revision's blocks from the old one.
    static func reusesChunks(old: String, new: String) -> Bool {
        Array(old.utf8).withUnsafeBytes { oldBytes in
            Array(new.utf8).withUnsafeBytes { newBytes in
                let pair = RevisionPair.convert(old: oldBytes, new: newBytes, pieceBytes: 1)
                return pair.newBytesParsed < pair.new.bytes.count
            }
        }
    }
}
