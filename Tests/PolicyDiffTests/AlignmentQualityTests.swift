import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// The benchmark generator writes a pair of policies and the truth of its edits; the diff must report
/// at least 98% of them as what they are, and not many more.
@Suite struct AlignmentQualityTests {
    struct Truth: Decodable {
        struct Side: Decodable { let line: Int }
        struct Edit: Decodable {
            let kind: String
            let old: Side?
            let new: Side?
            let reworded: Bool
        }
        let edits: [Edit]
    }

    static var python: URL? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].map(URL.init(fileURLWithPath:))
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func generatedPair(shuffle: Bool) throws -> (old: Document, new: Document, truth: Truth) {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = Fixtures.packageRoot.appendingPathComponent("bench/generate_policy.py").path
        var arguments = [generator, "pair", "--size", "1MB", "--seed", "7", "--old", folder.appendingPathComponent("old.md").path,
                         "--new", folder.appendingPathComponent("new.md").path,
                         "--truth", folder.appendingPathComponent("truth.json").path]
        if shuffle { arguments.append("--shuffle") }
        let result = try Fixtures.run(try #require(Self.python), arguments)
        try #require(result.status == 0, "\(result.stderr)")
        let old = PolicyParser.parse(try Data(contentsOf: folder.appendingPathComponent("old.md")), path: "old.md")
        let new = PolicyParser.parse(try Data(contentsOf: folder.appendingPathComponent("new.md")), path: "new.md")
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: folder.appendingPathComponent("truth.json")))
        return (old, new, truth)
    }

    func score(_ changes: ChangeSet, _ truth: Truth) -> (recall: Double, precision: Double) {
        var reported: [String: Change] = [:]
        for change in changes.changes where change.subject == .clause {
            reported["\(change.old?.line ?? -1):\(change.new?.line ?? -1)"] = change
        }
        var found = 0
        for edit in truth.edits {
            guard let change = reported["\(edit.old?.line ?? -1):\(edit.new?.line ?? -1)"],
                  change.kind.rawValue == edit.kind else { continue }
            if edit.kind == "moved", edit.reworded, change.words == nil { continue }
            found += 1
        }
        return (Double(found) / Double(truth.edits.count), Double(found) / Double(max(reported.count, 1)))
    }

    @Test(.enabled(if: python != nil)) func aGeneratedMegabytePairIsAlignedAsItWasEdited() throws {
        let pair = try generatedPair(shuffle: false)
        let changes = PolicyDiffer.diff(pair.old, pair.new)
        let quality = score(changes, pair.truth)
        #expect(pair.truth.edits.count > 100)
        #expect(quality.recall >= 0.98, "recall \(quality.recall)")
        #expect(quality.precision >= 0.95, "precision \(quality.precision)")
    }

    @Test(.enabled(if: python != nil)) func everyClauseShuffledIsFoundAsMoved() throws {
        let pair = try generatedPair(shuffle: true)
        let changes = PolicyDiffer.diff(pair.old, pair.new)
        let quality = score(changes, pair.truth)
        #expect(pair.truth.edits.count > 1000)
        #expect(quality.recall >= 0.98, "recall \(quality.recall)")
        #expect(quality.precision >= 0.95, "precision \(quality.precision)")
    }
}
