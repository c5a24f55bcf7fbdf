import Foundation
import PolicyModel
import PolicyTestSupport
import Testing

/// `StagedFile` is the one way policyc replaces a file: the old bytes or the new, never a part, and
/// no staged copy left behind, whatever fails.
@Suite struct StagedFileTests {
    static func names(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func replaceWritesTheNewBytesAndLeavesNothingStaged() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("file.json")
        try Data("old".utf8).write(to: target)
        #expect(DurableFile.replace(target.path, with: Array("new bytes".utf8)) == nil)
        #expect(try Data(contentsOf: target) == Data("new bytes".utf8))
        #expect(try Self.names(in: folder) == ["file.json"])
    }

    @Test func aLinkPlantedAtTheStagingPathIsRefusedAndTheTargetKept() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("file.json")
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try Data("old".utf8).write(to: target)
        try Data("theirs".utf8).write(to: elsewhere)
        let staging = folder.appendingPathComponent(".file.json.tmp")
        try FileManager.default.createSymbolicLink(at: staging, withDestinationURL: elsewhere)
        #expect(DurableFile.replace(target.path, with: Array("new".utf8), staging: staging.path) == ELOOP)
        #expect(try Data(contentsOf: target) == Data("old".utf8))
        #expect(try Data(contentsOf: elsewhere) == Data("theirs".utf8), "nothing written through the link")
    }

    @Test func aFailedRenameRemovesTheStagedCopy() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A folder where the file should go: rename(2) cannot put a file over it.
        let target = folder.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(DurableFile.replace(target.path, with: Array("new".utf8)) != nil)
        #expect(try Self.names(in: folder) == ["taken"])
    }

    @Test func aStagedFileDroppedUncommittedLeavesTheTargetAlone() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("batch.jsonl")
        try Data("old".utf8).write(to: target)
        do {
            let file = try StagedFile.create(replacing: target.path)
            #expect(file.write(Array("half of a ba".utf8)) == nil)
            #expect(try Self.names(in: folder).count == 2)
            withExtendedLifetime(file) {}
        }
        #expect(try Self.names(in: folder) == ["batch.jsonl"])
        #expect(try Data(contentsOf: target) == Data("old".utf8))
    }
}
