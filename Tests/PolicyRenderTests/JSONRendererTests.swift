import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
@testable import PolicyRender
import PolicyTestSupport
import Testing

/// The JSON of a long diff is encoded and written in chunks on every core: it must read exactly as
/// each change does alone, in order, and be the same bytes on every run.
@Suite struct JSONRendererTests {
    static func change(_ index: Int) -> Change {
        Change(kind: index.isMultiple(of: 3) ? .moved : .modified, subject: .clause, tier: index.isMultiple(of: 7) ? .material : .editorial,
               old: Position(id: "sec-\(index).p1", section: "sec-\(index)", sectionHeading: "\(index). Title", line: index),
               new: Position(id: "sec-\(index).p2", section: nil, sectionHeading: nil, line: nil),
               reasons: [Reason(rule: "words-changed", detail: "“\(index)” → \"quoted\"\n\t\u{1}")],
               oldText: "old \(index)", newText: nil,
               words: [WordRun(operation: .delete, text: "old", inlines: [.text("old")]),
                       WordRun(operation: .insert, text: "new <b>", inlines: [.text("new <b>")])],
               fingerprint: String(index, radix: 16))
    }

    static func object(_ bytes: [UInt8]) throws -> NSObject {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as! NSObject
    }

    @Test(arguments: [3, 511, 512, 1_500])
    func longChangeListsReadAsEachChangeAlone(count: Int) throws {
        let changes = (0..<count).map(Self.change)
        let set = ChangeSet(verdict: .material, changes: changes, verdictReasons: [], oldTitle: "Old", newTitle: "New",
                            oldLastUpdated: nil, newLastUpdated: nil)
        let bytes = try JSONRenderer.bytes(set)
        #expect(try JSONRenderer.bytes(set) == bytes)
        let decoded = try #require(try Self.object(bytes) as? [String: Any])
        let list = try #require(decoded["changes"] as? [NSObject])
        #expect(list.count == count)
        for (index, change) in changes.enumerated() {
            #expect(list[index] == (try Self.object(JSONRenderer.bytes(change))), "change \(index)")
        }
        // Pretty-printed like the short lists: each element indented under "changes".
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"changes\" : [\n    {\n      \"fingerprint\" : \"0\""))
    }

    /// Every optional present and absent, empty lists, an override, text that needs escaping.
    static func unusualChange(_ index: Int) -> Change {
        let position = Position(id: "sec-\(index).p1", section: index.isMultiple(of: 2) ? "sec-\(index)" : nil,
                                sectionHeading: index.isMultiple(of: 3) ? "\(index). Données \u{7F}\\" : nil,
                                line: index.isMultiple(of: 5) ? nil : index)
        return Change(kind: .split, subject: index.isMultiple(of: 4) ? .section : .clause, tier: .consent,
                      old: index.isMultiple(of: 2) ? position : nil, new: index.isMultiple(of: 3) ? nil : position,
                      reasons: index.isMultiple(of: 6) ? [] : [Reason(rule: "r", detail: "\"\u{0}\r\n"), Reason(rule: "", detail: "")],
                      oldText: index.isMultiple(of: 5) ? nil : "", newText: "✓ <script>",
                      words: index.isMultiple(of: 7) ? nil : (index.isMultiple(of: 2) ? [] : [WordRun(operation: .equal, text: " ", inlines: [])]),
                      fingerprint: "", override: index.isMultiple(of: 2) ? Override(fingerprint: "f\(index)", tier: .editorial, reason: "Counsel: “fine”.") : nil)
    }

    /// Changes are written straight to bytes (`ChangeWriter`); the result must be the very bytes that
    /// their `Encodable` conformance gives.
    @Test(arguments: [1, 42, 600])
    func changesWrittenDirectlyAreTheEncodableBytes(count: Int) throws {
        let changes = (0..<count).map { $0.isMultiple(of: 2) ? Self.unusualChange($0) : Self.change($0) }
        let set = ChangeSet(verdict: .consent, changes: changes, verdictReasons: [Reason(rule: "x", detail: "y")],
                            oldTitle: "Old", newTitle: "New", oldLastUpdated: CalendarDate(year: 2025, month: 4, day: 15),
                            newLastUpdated: nil)
        #expect(try JSONRenderer.bytes(set) == JSONRenderer.bytes(set, writingChangesDirectly: false))
        let empty = ChangeSet(verdict: .unchanged, changes: [], verdictReasons: [], oldTitle: "", newTitle: "",
                              oldLastUpdated: nil, newLastUpdated: nil)
        #expect(try JSONRenderer.bytes(empty) == JSONRenderer.bytes(empty, writingChangesDirectly: false))
    }

    /// A field added to `Change` must be written by `ChangeWriter` too: with every field set, the
    /// JSON has a key for each stored property.
    @Test func everyFieldOfAChangeIsWritten() throws {
        let position = Position(id: "sec-1.p1", section: "sec-1", sectionHeading: "1. Data", line: 3)
        let full = Change(kind: .modified, subject: .clause, tier: .material, old: position, new: position,
                          reasons: [Reason(rule: "r", detail: "d")], oldText: "a", newText: "b",
                          words: [WordRun(operation: .insert, text: "b", inlines: [.text("b")])], fingerprint: "f",
                          override: Override(fingerprint: "f", tier: .editorial, reason: "why"))
        let set = ChangeSet(verdict: .material, changes: [full], verdictReasons: [], oldTitle: "", newTitle: "",
                            oldLastUpdated: nil, newLastUpdated: nil)
        let decoded = try #require(try Self.object(JSONRenderer.bytes(set)) as? [String: Any])
        let written = try #require((decoded["changes"] as? [[String: Any]])?.first)
        #expect(written.count == Mirror(reflecting: full).children.count)
    }

    @Test(.enabled(if: Fixtures.hasCorpus))
    func corpusDiffsWrittenDirectlyAreTheEncodableBytes() throws {
        let revisions = try Fixtures.corpusRevisions()
        var compared = 0
        for (index, revision) in revisions.enumerated() where revision.prev != nil && index.isMultiple(of: 4) {
            let old = PolicyParser.parse(try Data(contentsOf: revisions[index - 1].url), path: revision.prev!, analysis: .definedTerms)
            let new = PolicyParser.parse(try Data(contentsOf: revision.url), path: revision.file, analysis: .definedTerms)
            let changes = PolicyDiffer.diff(old, new)
            #expect(try JSONRenderer.bytes(changes) == JSONRenderer.bytes(changes, writingChangesDirectly: false),
                    "\(revision.doc) \(revision.file)")
            compared += 1
        }
        #expect(compared > 150)
    }
}
