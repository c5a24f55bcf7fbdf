import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// Every consecutive pair of the corpus diffs without error, and the result is coherent.
@Suite(.enabled(if: Fixtures.hasCorpus)) struct CorpusDiffTests {
    @Test func everyConsecutivePairDiffs() throws {
        let revisions = try Fixtures.corpusRevisions()
        var documents: [String: Document] = [:]
        func document(_ revision: Fixtures.Revision) throws -> Document {
            if let known = documents[revision.file + revision.doc] { return known }
            let parsed = PolicyParser.parse(try Data(contentsOf: revision.url), path: revision.file, analysis: .definedTerms)
            documents[revision.file + revision.doc] = parsed
            return parsed
        }
        var pairs = 0
        var verdicts: [Tier: Int] = [:]
        for (index, revision) in revisions.enumerated() where revision.prev != nil {
            let previous = revisions[index - 1]
            try #require(previous.file == revision.prev && previous.doc == revision.doc)
            let changes = PolicyDiffer.diff(try document(previous), try document(revision))
            pairs += 1
            verdicts[changes.verdict, default: 0] += 1
            // The verdict is the highest tier among the changes, and every change says why.
            #expect(changes.verdict == (changes.changes.map(\.tier).max() ?? .unchanged))
            for change in changes.changes {
                #expect(!change.reasons.isEmpty, "\(revision.doc) \(revision.file): a change without a reason")
                #expect(change.old != nil || change.new != nil || change.subject == .document)
            }
            // Revisions in the corpus differ byte for byte, so none is unchanged.
            #expect(changes.verdict != .unchanged, "\(revision.doc) \(revision.file)")
            documents[previous.file + previous.doc] = nil
        }
        // 717 revisions of 12 documents: 705 consecutive pairs.
        #expect(pairs == revisions.count - Set(revisions.map(\.doc)).count)
        #expect(pairs == 705)
        #expect((verdicts[.editorial] ?? 0) > 50)
        #expect((verdicts[.material] ?? 0) > 100)
    }
}
