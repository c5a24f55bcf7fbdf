import Foundation
import PolicyTestSupport
import Testing

/// The project's own policies have a release history made by `policyc release` (never by hand). It must
/// stay true as the tool evolves: every recorded verdict is what `policyc diff` says of the archived texts
/// today, and `check` accepts the archive.
@Suite struct OwnArchiveTests {
    struct Record: Decodable {
        var version: String
        var verdict: String
    }

    struct History: Decodable {
        var document: String
        var releases: [Record]
    }

    static var histories: [History] {
        let archive = Fixtures.packageRoot.appendingPathComponent("policy/archive")
        let documents = (try? FileManager.default.contentsOfDirectory(atPath: archive.path)) ?? []
        return documents.sorted().compactMap { document in
            let url = archive.appendingPathComponent(document).appendingPathComponent("releases.json")
            return (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(History.self, from: $0) }
        }
    }

    @Test func theProjectHasAHistoryOfEveryKind() {
        let histories = Self.histories
        #expect(histories.count >= 2, "more than one policy has been released")
        let verdicts = Set(histories.flatMap { $0.releases.map(\.verdict) })
        #expect(verdicts.isSuperset(of: ["initial", "editorial", "material"]), "\(verdicts)")
    }

    @Test(arguments: histories.flatMap { history in
        zip(history.releases, history.releases.dropFirst()).map { "\(history.document) \($0.version) \($1.version) \($1.verdict)" }
    })
    func everyRecordedVerdictIsWhatDiffSaysToday(_ release: String) throws {
        let parts = release.split(separator: " ").map(String.init)
        let result = try Fixtures.policyc(["diff", "\(parts[0])@\(parts[1])", "\(parts[0])@\(parts[2])", "--format", "json"],
                                          in: Fixtures.packageRoot)
        #expect(result.status == 0, "\(result.stderr)")
        let diff = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let verdict = diff["verdict"] as? String == "unchanged" ? "editorial" : diff["verdict"] as? String
        #expect(verdict == parts[3], "\(parts[0]) \(parts[2]) was released as \(parts[3]); policyc diff now says \(verdict ?? "?")")
    }

    @Test func checkAcceptsTheArchiveOnEveryDayOfItsHistory() throws {
        // Before the material release takes effect, on the day it does, and after.
        for day in ["2026-11-02", "2026-12-02", "2026-12-07", "2027-06-01"] {
            let result = try Fixtures.policyc(["check", "--today", day], in: Fixtures.packageRoot)
            #expect(result.status == 0, "\(day): \(result.stdout)")
            #expect(!result.stdout.contains("warning:"), "\(day): \(result.stdout)")
        }
    }
}
