import Foundation
import PolicyModel
@testable import PolicyParser
import PolicyTestSupport
import Testing

/// Two revisions parsed together (`RevisionPair`): what they share is parsed once, and the documents
/// are exactly those each revision gives alone.
struct RevisionPairTests {
    private struct Parsed {
        var old: Document
        var new: Document
        /// Bytes of the new body that cmark parsed; the rest came from the old revision.
        var newBytesParsed: Int
        var newBodyBytes: Int
    }

    /// Both revisions parsed together, in pieces of `pieceBytes` (1: every chunk its own parse).
    private func parseTogether(_ old: [UInt8], _ new: [UInt8], pieceBytes: Int = 1) -> Parsed {
        old.withUnsafeBytes { oldBytes in
            new.withUnsafeBytes { newBytes in
                let documents = PolicyParser.parse(old: oldBytes, oldPath: "policy.md", new: newBytes, newPath: "policy.md",
                                                   analysis: .all, pieceBytes: pieceBytes,
                                                   finishingOld: { $0 }, finishingNew: { $0 })
                let pair = RevisionPair.convert(old: oldBytes, new: newBytes, pieceBytes: pieceBytes)
                return Parsed(old: documents.old, new: documents.new, newBytesParsed: pair.newBytesParsed,
                              newBodyBytes: pair.new.bytes.count)
            }
        }
    }

    private func parseTogether(_ old: String, _ new: String, pieceBytes: Int = 1) -> Parsed {
        parseTogether(Array(old.utf8), Array(new.utf8), pieceBytes: pieceBytes)
    }

    private func alone(_ bytes: [UInt8]) -> Document {
        PolicyParser.parse(bytes, path: "policy.md")
    }

    /// The pair, checked against each revision parsed alone, at every piece size that matters.
    private func expectSameAsAlone(_ old: [UInt8], _ new: [UInt8],
                                   sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Parsed {
        let expectedOld = alone(old), expectedNew = alone(new)
        for pieceBytes in [Int.max / 4, 64, 1] {
            let parsed = parseTogether(old, new, pieceBytes: pieceBytes)
            #expect(parsed.old == expectedOld, "old side, pieces of \(pieceBytes)", sourceLocation: sourceLocation)
            #expect(parsed.new == expectedNew, "new side, pieces of \(pieceBytes)", sourceLocation: sourceLocation)
        }
        return parseTogether(old, new)
    }

    private func expectSameAsAlone(_ old: String, _ new: String,
                                   sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Parsed {
        expectSameAsAlone(Array(old.utf8), Array(new.utf8), sourceLocation: sourceLocation)
    }

    @Test func movedAndRewordedParagraphsTakeTheirNewLines() {
        let old = "# Policy\n\nFirst we say this.\n\nThen that.\n\n## 1. Data\n\nWe collect your name.\n\nAnd your email.\n"
        let new = "# Policy\n\nThen that.\n\nFirst we say this.\n\n## 1. Data\n\nA new paragraph\nover two lines.\n\nWe collect your name.\n\nAnd your email.\n"
        let parsed = expectSameAsAlone(old, new)
        let lines = parsed.new.allClauses.map { "\($0.clause.text)@\($0.clause.location?.line ?? 0)" }
        #expect(lines == ["Then that.@3", "First we say this.@5", "A new paragraph over two lines.@9",
                          "We collect your name.@12", "And your email.@14"])
        // Only the new paragraph was parsed: the moved ones came from the old revision.
        #expect(parsed.newBytesParsed == "A new paragraph\nover two lines.\n\n".utf8.count)
    }

    @Test func identicalRevisionsAreParsedOnce() {
        let text = "# Policy\n\n_Last Updated: May 1, 2025_\n\nWe collect data.\n\n## 1. Rights\n\nYou may object.\n"
        let parsed = expectSameAsAlone(text, text)
        #expect(parsed.newBytesParsed == 0)
        #expect(parsed.old.allClauses.map(\.clause) == parsed.new.allClauses.map(\.clause))
    }

    /// Every kind of block, and content flattened past the nesting limit, shifted down and up.
    @Test func everyBlockKindShiftsWithItsLines() {
        let deep = (0..<30).map { String(repeating: "  ", count: $0) + "- level \($0)" }.joined(separator: "\n")
        let body = """
            # Policy

            Intro.

            \(deep)

            | Vendor | Country |
            |---|---|
            | Acme | US |

            > Quoted text.

            ```
            code
            ```

            <div>html</div>

            ***

            ## 1. Last

            - [x] done
            - [ ] open

            End.

            """
        let inserted = "Two new\nlines.\n\n"
        // Lists are never cut before (see `SourcePieces`): the insertion goes where everything follows it.
        let down = body.replacingOccurrences(of: "# Policy\n\n", with: "# Policy\n\n" + inserted)
        let shiftedDown = expectSameAsAlone(body, down)
        #expect(shiftedDown.newBytesParsed == inserted.utf8.count)
        let flattenedBefore = alone(Array(body.utf8)).source.flattenedAt.map(\.line)
        #expect(!flattenedBefore.isEmpty)
        #expect(shiftedDown.new.source.flattenedAt.map(\.line) == flattenedBefore.map { $0 + 3 })
        let shiftedUp = expectSameAsAlone(down, body)
        #expect(shiftedUp.newBytesParsed == 0)
    }

    @Test func frontMatterAndByteOrderMarkShiftTheBody() {
        let body = "# Policy\n\nOne.\n\n## 1. Two\n\nThree.\n"
        let withFrontMatter = "\u{FEFF}---\ntitle: Policy\nversion: 2\n---\n" + body
        let parsed = expectSameAsAlone(body, withFrontMatter)
        #expect(parsed.newBytesParsed == 0)
        #expect(parsed.new.allClauses.map { $0.clause.location?.line } == [7, 11])
        _ = expectSameAsAlone(withFrontMatter, body)
    }

    @Test func revisionsThatCannotBeCutShareOnlyWhatIsWhole() {
        // A link reference definition serves the whole document: no cuts, so nothing is shared.
        let old = "# T\n\nSee [the terms][t].\n\nMore.\n\n[t]: https://example.com/terms\n"
        let new = old.replacingOccurrences(of: "More.", with: "Less.")
        let parsed = expectSameAsAlone(old, new)
        #expect(parsed.newBytesParsed == parsed.newBodyBytes)
        // Line endings are bytes too: the same text with CRLF shares nothing with LF.
        let crlf = expectSameAsAlone("# T\n\nA.\n\nB.\n", "# T\r\n\r\nA.\r\n\r\nB.\r\n")
        #expect(crlf.newBytesParsed == crlf.newBodyBytes)
    }

    @Test func invalidUTF8OnOneSideSharesNothing() {
        // cmark replaces bad bytes only when asked to validate, which one revision needs and the other does not.
        let old = Array("# T\n\nBad ".utf8) + [0xFF, 0xFE] + Array(" bytes.\n\nSame.\n".utf8)
        let new = Array("# T\n\nGood bytes.\n\nSame.\n".utf8)
        let parsed = expectSameAsAlone(old, new)
        #expect(parsed.newBytesParsed == parsed.newBodyBytes)
        let bothBad = expectSameAsAlone(old, old + Array("\nAdded.\n".utf8))
        #expect(bothBad.newBytesParsed < bothBad.newBodyBytes)
    }

    @Test func emptyRevisions() {
        _ = expectSameAsAlone("", "# T\n\nText.\n")
        _ = expectSameAsAlone("# T\n\nText.\n", "")
        #expect(expectSameAsAlone("", "").newBytesParsed == 0)
    }

    /// Old blocks are placed in chunks by their lines; a line unknown (0) or out of order leaves no
    /// chunk sure of its blocks, and then the new side parses every chunk it would have taken.
    @Test func chunksWithoutSureLinesAreNotShared() {
        let text = Array("# T\n\nA.\n\nB.\n\nC.\n".utf8)
        text.withUnsafeBytes { bytes in
            let chunks = Chunks(Body(bytes))
            #expect(chunks.count == 4)
            #expect(chunks.ranges(of: [1, 3, 5, 7]) == [0..<1, 1..<2, 2..<3, 3..<4])
            #expect(chunks.ranges(of: [1, 5, 7]) == [0..<1, 1..<1, 1..<2, 2..<3])
            #expect(chunks.ranges(of: [1, 0, 5, 7]) == [nil, nil, nil, nil])
            #expect(chunks.ranges(of: [1, 5, 3, 7]) == [nil, nil, nil, nil])
        }
    }

    /// Every consecutive pair of real revisions: the same documents as alone, and most of each new
    /// revision taken from the old one.
    @Test(.enabled(if: Fixtures.hasCorpus, "needs ../shared/corpus"))
    func everyCorpusPairIsTheSameAsAlone() throws {
        let revisions = try Fixtures.corpusRevisions()
        var differing: [String] = []
        var parsedBytes = 0, bodyBytes = 0
        var previousAlone: (file: String, document: Document)?
        for (index, revision) in revisions.enumerated() where revision.prev != nil {
            let previous = revisions[index - 1]
            try #require(previous.file == revision.prev && previous.doc == revision.doc)
            let old = [UInt8](try Data(contentsOf: previous.url)), new = [UInt8](try Data(contentsOf: revision.url))
            let expectedOld = previousAlone?.file == previous.file ? previousAlone!.document : alone(old)
            let expectedNew = alone(new)
            let parsed = parseTogether(old, new, pieceBytes: ParseOptions.fast.revisionPieceBytes)
            if parsed.old != expectedOld || parsed.new != expectedNew { differing.append("\(revision.doc)/\(revision.file)") }
            parsedBytes += parsed.newBytesParsed
            bodyBytes += parsed.newBodyBytes
            previousAlone = (revision.file, expectedNew)
        }
        #expect(differing.isEmpty)
        // Real revisions change little: most of their text must come from the revision before.
        #expect(Double(parsedBytes) < 0.5 * Double(bodyBytes), "parsed \(parsedBytes) of \(bodyBytes) bytes")
    }
}
