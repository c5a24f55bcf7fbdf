import Foundation
import PolicyProject
import PolicyTestSupport
import Testing

@Suite struct PolicySourceTests {
    @Test func aFileReadsWhole() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("policy.md")
        let text = String(repeating: "# Privacy\n\nWe collect “nothing”.\n", count: 20_000)
        try Data(text.utf8).write(to: url)
        let data = try PolicySource.readBytes(url, displayPath: "policy.md")
        #expect(data == Data(text.utf8))
        let empty = folder.appendingPathComponent("empty.md")
        try Data().write(to: empty)
        #expect(try PolicySource.readBytes(empty, displayPath: "empty.md").isEmpty)
    }

    /// The size is known before reading: a 300 MB (sparse) file is refused without being read.
    @Test func aHugeFileIsRefusedBeforeItIsRead() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("huge.md")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(PolicySource.maximumBytes) + 1)
        try handle.close()
        do {
            _ = try PolicySource.readBytes(url, displayPath: "huge.md")
            Issue.record("a file over the limit was read")
        } catch {
            #expect(error.description == "huge.md: error: cannot read: larger than 256 MB")
        }
    }

    @Test func aDirectoryOrAMissingFileIsAClearError() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: ProjectError.unreadable(path: "policy", reason: "is a directory")) {
            try PolicySource.readBytes(folder, displayPath: "policy")
        }
        #expect(throws: ProjectError.notFound(path: "gone.md", what: "file")) {
            try PolicySource.readBytes(folder.appendingPathComponent("gone.md"), displayPath: "gone.md")
        }
        #expect(throws: ProjectError.notFound(path: "x/y.md", what: "file")) {
            try PolicySource.readBytes(folder.appendingPathComponent("gone.md/y.md"), displayPath: "x/y.md")
        }
    }

    /// `policyc diff <(git show HEAD~1:policy/x.md) policy/x.md` reads a pipe: no size to know first.
    @Test func aPipeReadsToItsEnd() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let text = String(repeating: "A clause of a policy that came through a pipe.\n\n", count: 5_000)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo.path) {
                handle.write(Data(text.utf8))
                try? handle.close()
            }
        }
        writer.start()
        let data = try PolicySource.readBytes(fifo, displayPath: "fifo")
        #expect(data == Data(text.utf8))
    }
}
