import Foundation
import PolicyTestSupport
import Testing

/// `policyc send` with numeric options out of range.
@Suite(.serialized)
struct SendCommandTests {
    static let release = ["--release", "privacy-policy@v2"]

    @Test(arguments: [
        ("--timeout", ["1e300", "0", "-1", "nan", "inf"], "must be a number of seconds from 0.001 to 86400"),
        ("--retry-delay", ["1e300", "-1", "nan"], "must be a number of seconds from 0 to 3600"),
        ("--rate", ["1e-300", "0", "-inf", "2e6"], "must be a number of messages a second from 0.001 to 1000000"),
        ("--limit", ["-1", "0"], "must be 1 or more"),
        ("--retries", ["-1", "101"], "must be from 0 to 100"),
        ("--retries", ["1e3"], "must be a whole number"),
    ])
    func numericOptionsOutOfRangeAreUsageErrors(option: String, values: [String], rule: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for value in values {
            let run = try Fixtures.policyc(["send"] + Self.release + [option, value], in: root)
            #expect(run.status == 2, "\(option) \(value): \(run.stderr)")
            #expect(run.stderr.contains("\(option) \(rule), not '\(value)'"), "\(run.stderr)")
            #expect(run.stderr.contains("Usage: policyc send"))
        }
    }
}
