import Foundation

/// Where the tests find their inputs: the package itself, and `../shared` (the seed and the corpus),
/// which CI has beside the clone and a bare checkout may not.
public enum Fixtures {
    /// The package root, found from this file's path.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `../shared` beside the package, or `POLICYC_SHARED` when set.
    public static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["POLICYC_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    public static var seed: URL { shared.appendingPathComponent("seed/privacy-policy.md") }
    public static var corpus: URL { shared.appendingPathComponent("corpus") }

    public static var hasSeed: Bool { FileManager.default.fileExists(atPath: seed.path) }
    public static var hasCorpus: Bool {
        FileManager.default.fileExists(atPath: corpus.appendingPathComponent("manifest.jsonl").path)
    }

    /// The project's own policy.
    public static var ownPolicy: URL { packageRoot.appendingPathComponent("policy/privacy-policy.md") }

    public static func data(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    /// One corpus revision as listed in `manifest.jsonl`.
    public struct Revision: Sendable, Decodable {
        public let doc: String
        public let file: String
        public let date: String
        public let message: String
        public let prev: String?
        public var url: URL { Fixtures.corpus.appendingPathComponent(doc).appendingPathComponent(file) }
    }

    /// Every corpus revision, in manifest order; empty where the corpus is absent.
    public static func corpusRevisions() throws -> [Revision] {
        guard hasCorpus else { return [] }
        let text = try String(contentsOf: corpus.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(Revision.self, from: Data($0.utf8)) }
    }

    /// A scratch directory, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("policyc-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The built `policyc` executable, beside the test bundle.
    public static var policycBinary: URL {
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle.deletingLastPathComponent().appendingPathComponent("policyc"),
                          bundle.appendingPathComponent("policyc")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }
}
