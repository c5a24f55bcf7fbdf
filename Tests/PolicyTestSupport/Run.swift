import Foundation

/// What a finished process said and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: Data
}

extension Fixtures {
    /// Runs the built `policyc` with `arguments` in `directory`, waiting for it to end.
    /// `input`: what the process reads on its standard input (nothing, when nil: it reads end of file).
    public static func policyc(_ arguments: [String], in directory: URL? = nil,
                               environment: [String: String] = [:], input: Data? = nil) throws -> ProcessResult {
        try run(policycBinary, arguments, in: directory, environment: environment, input: input)
    }

    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:], input: Data? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let standardInput = Pipe()
        process.standardInput = standardInput
        try process.run()
        // Small inputs only: the pipe's buffer holds them whole while the process starts.
        try standardInput.fileHandleForWriting.write(contentsOf: input ?? Data())
        try standardInput.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: outputData, as: UTF8.self),
                             stderr: String(decoding: errorData, as: UTF8.self),
                             stdoutBytes: outputData)
    }

    /// A project that has never been released, in a scratch folder, for commands that write: the
    /// project's own privacy policy (its current draft) and its config, with the built-in templates.
    /// Not its release archive nor its other policies: tests make their own releases from v1.
    public static func scratchProject() throws -> URL {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("policy"), withIntermediateDirectories: true)
        for file in ["policy/privacy-policy.md", "policy/policyc.yml"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(file), to: root.appendingPathComponent(file))
        }
        return root
    }
}
