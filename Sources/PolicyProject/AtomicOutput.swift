import Foundation

/// Writes that are all or nothing: a reader sees the old output or the new, never half of one.
public enum AtomicOutput {
    /// Replaces the folder `url` with exactly `files` (relative path → bytes).
    ///
    /// The new tree is built beside the old one and swapped in by renames; when the folder
    /// already holds exactly these files, nothing is touched, so an unchanged build rewrites nothing.
    /// Returns whether anything changed.
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
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                let target = staging.appendingPathComponent(path)
                try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: target)
            }
            let hadOld = manager.fileExists(atPath: url.path)
            if hadOld { try manager.moveItem(at: url, to: retired) }
            do {
                try manager.moveItem(at: staging, to: url)
            } catch {
                if hadOld { try? manager.moveItem(at: retired, to: url) }
                throw error
            }
            if hadOld { try? manager.removeItem(at: retired) }
        } catch {
            try? manager.removeItem(at: staging)
            throw .unwritable(path: displayPath, reason: (error as NSError).localizedDescription)
        }
        return true
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
