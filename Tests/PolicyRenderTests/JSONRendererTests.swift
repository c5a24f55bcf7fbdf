import Foundation
import PolicyDiff
import PolicyModel
import PolicyRender
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
}
