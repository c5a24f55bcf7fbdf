import Foundation
import PolicyModel

/// Writes that are all or nothing: a reader sees the old output or the new, never half of one.
public enum AtomicOutput {
    /// Replaces the folder `url` with exactly `files` (relative path → bytes).
    ///
    /// The new tree is built beside the old one, flushed, and exchanged with it in one rename
    /// (`renameat2(RENAME_EXCHANGE)`), so there is no moment without a site; where the kernel cannot
    /// exchange, the old folder is moved aside and the new one renamed in. When the folder already holds
    /// exactly these files, nothing is touched, so an unchanged build rewrites nothing. Returns whether
    /// anything changed.
    @discardableResult
    public static func replaceFolder(_ url: URL, with files: [String: Data], displayPath: String) throws(ProjectError) -> Bool {
        let manager = FileManager.default
        if folder(url, holdsExactly: files) { return false }
        let parent = url.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).new-\(pid)")
        let retired = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(pid)")
        do {
            try? manager.removeItem(at: staging)
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            var folders: Set<String> = [staging.path]
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                let target = staging.appendingPathComponent(path)
                let folder = target.deletingLastPathComponent()
                if !folders.contains(folder.path) {
                    try manager.createDirectory(at: folder, withIntermediateDirectories: true)
                    folders.insert(folder.path)
                }
                if let code = data.withUnsafeBytes({ DurableFile.write($0, to: target.path) }) {
                    throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
                }
            }
            for folder in folders { DurableFile.syncFolder(folder) }
            if manager.fileExists(atPath: url.path) {
                if exchange(staging.path, url.path) {
                    // The old site is now at `staging`.
                    DurableFile.syncFolder(parent.path)
                    try? manager.removeItem(at: staging)
                    return true
                }
                try manager.moveItem(at: url, to: retired)
                do {
                    try manager.moveItem(at: staging, to: url)
                } catch {
                    try? manager.moveItem(at: retired, to: url)
                    throw error
                }
                DurableFile.syncFolder(parent.path)
                try? manager.removeItem(at: retired)
            } else {
                try manager.moveItem(at: staging, to: url)
                DurableFile.syncFolder(parent.path)
            }
        } catch {
            try? manager.removeItem(at: staging)
            throw .unwritable(path: displayPath, reason: (error as NSError).localizedDescription)
        }
        return true
    }

    /// Swaps two paths in one step. Glibc's `renameat2` is not in Swift's view of its headers, so it is
    /// found by name; a system without it (or a file system that refuses, EINVAL) takes the two renames.
    private static func exchange(_ first: String, _ second: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(nil, "renameat2") else {
            return false
        }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0
        #else
        return false
        #endif
    }

    private static func folder(_ url: URL, holdsExactly files: [String: Data]) -> Bool {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: url.path) else { return false }
        var seen = 0
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.appendingPathComponent(path).path, isDirectory: &isDirectory) else {
                return false
            }
            if isDirectory.boolValue { continue }
            guard let expected = files[path],
                  let actual = manager.contents(atPath: url.appendingPathComponent(path).path),
                  actual == expected else { return false }
            seen += 1
        }
        return seen == files.count
    }
}

/// A file a command creates where there was none (`policyc init`, `policyc templates export`).
public struct NewFile: Sendable, Hashable {
    /// Relative to the folder it is created in.
    public var path: String
    public var bytes: [UInt8]
    public var executable: Bool

    public init(path: String, bytes: [UInt8], executable: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.executable = executable
    }
}

extension AtomicOutput {
    /// Creates `files` in `folder`, all or none, and never over anything: when a file (or anything in
    /// the way of one) exists, they are all named in the error and nothing is written.
    ///
    /// Every file is written and flushed in a staging folder first. A folder that does not exist or is
    /// empty then receives them all in one rename of the staging folder. In a folder that holds other
    /// things, each file is hard-linked into place (a link fails rather than replace a file that appeared
    /// since), and on any failure the ones already placed are taken back. Returns the paths created.
    @discardableResult
    public static func createFiles(_ files: [NewFile], in folder: URL, displayPath: String) throws(ProjectError) -> [String] {
        let manager = FileManager.default
        let folder = folder.standardizedFileURL
        let paths = files.map(\.path).sorted()
        let existing = paths.filter { path in
            // The file itself, or a file where one of its folders should be.
            var url = folder
            for part in path.split(separator: "/") {
                url.appendPathComponent(String(part))
                var status = stat()
                guard lstat(url.path, &status) == 0 else { return false }
                if status.st_mode & S_IFMT != S_IFDIR { return true }
            }
            return true
        }
        guard existing.isEmpty else {
            let shown = existing.prefix(10).map(Diagnostic.singleLine).joined(separator: ", ")
                + (existing.count > 10 ? " and \(existing.count - 10) more" : "")
            throw .refused(path: displayPath, message: "already holds \(shown): nothing was written (policyc overwrites "
                           + "no file here; move \(existing.count == 1 ? "it" : "them") aside, or choose another folder)")
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        var isFolder: ObjCBool = false
        let folderExists = manager.fileExists(atPath: folder.path, isDirectory: &isFolder)
        if folderExists && !isFolder.boolValue {
            throw .refused(path: displayPath, message: "is a file, not a folder; nothing was written")
        }
        let empty = !folderExists || ((try? manager.contentsOfDirectory(atPath: folder.path))?.isEmpty ?? false)
        let parent = folder.deletingLastPathComponent()
        let staging = empty ? parent.appendingPathComponent(".\(folder.lastPathComponent).policyc-new-\(pid)")
            : folder.appendingPathComponent(".policyc-new-\(pid)")
        func fail(_ error: Error, _ path: String) -> ProjectError {
            try? manager.removeItem(at: staging)
            return .unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? manager.removeItem(at: staging)
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
            var folders: Set<String> = [staging.path]
            for file in files {
                let target = staging.appendingPathComponent(file.path)
                let parent = target.deletingLastPathComponent()
                if !folders.contains(parent.path) {
                    try manager.createDirectory(at: parent, withIntermediateDirectories: true)
                    folders.insert(parent.path)
                }
                if let code = DurableFile.write(file.bytes, to: target.path, mode: file.executable ? 0o755 : 0o644) {
                    throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
                }
            }
            for path in folders { DurableFile.syncFolder(path) }
        } catch {
            throw fail(error, displayPath)
        }
        if empty {
            // rename(2) replaces an empty folder, and fails (ENOTEMPTY) if something arrived in it since.
            guard rename(staging.path, folder.path) == 0 else {
                throw fail(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO), displayPath)
            }
            DurableFile.syncFolder(parent.path)
            return paths
        }
        var placed: [URL] = []
        var madeFolders: [URL] = []
        for path in paths {
            let target = folder.appendingPathComponent(path)
            var missing: [URL] = []
            var ancestor = target.deletingLastPathComponent()
            while !manager.fileExists(atPath: ancestor.path) {
                missing.insert(ancestor, at: 0)
                ancestor = ancestor.deletingLastPathComponent()
            }
            var failure: Int32 = 0
            for made in missing where failure == 0 {
                if mkdir(made.path, 0o755) == 0 { madeFolders.append(made) } else { failure = errno }
            }
            if failure == 0, link(staging.appendingPathComponent(path).path, target.path) != 0 { failure = errno }
            if failure != 0 {
                for url in placed.reversed() { unlink(url.path) }
                for url in madeFolders.reversed() { rmdir(url.path) }
                throw fail(POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO), "\(displayPath)/\(path)")
            }
            placed.append(target)
        }
        try? manager.removeItem(at: staging)
        for url in Set(placed.map { $0.deletingLastPathComponent().path }) { DurableFile.syncFolder(url) }
        DurableFile.syncFolder(folder.path)
        return paths
    }
}
