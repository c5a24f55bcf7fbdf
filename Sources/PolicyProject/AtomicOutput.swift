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
