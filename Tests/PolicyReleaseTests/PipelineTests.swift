import Foundation
import PolicyTestSupport
import Testing

/// The CI recipe, `script/policy-pipeline`, on a scratch project: a pull request, then the main branch.
@Suite struct PipelineTests {
    func pipeline(_ mode: String, in root: URL) throws -> ProcessResult {
        try Fixtures.run(URL(fileURLWithPath: "/bin/bash"),
                         [Fixtures.packageRoot.appendingPathComponent("script/policy-pipeline").path, mode],
                         in: root, environment: ["POLICYC": Fixtures.policycBinary.path, "NO_COLOR": "1",
                                                 "POLICYC_USERS": root.appendingPathComponent("users.csv").path])
    }

    @Test func pullRequestThenMainBranch() throws {
        let root = try Fixtures.scratchProject()
        defer { try? FileManager.default.removeItem(at: root) }
        try "id,email,name,locale,status\n1,ada@example.com,Ada,en,active\n2,bob@example.com,Bob,en,active\n"
            .write(to: root.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)

        let firstPR = try pipeline("pr", in: root)
        #expect(firstPR.status == 0, "\(firstPR.stdout)\(firstPR.stderr)")
        #expect(firstPR.stdout.contains("never been released"))

        let firstMain = try pipeline("main", in: root)
        #expect(firstMain.status == 0, "\(firstMain.stderr)")
        #expect(firstMain.stdout.contains("v1 released: initial"))
        #expect(firstMain.stdout.contains("privacy-policy@v1 is initial: no notice needed"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("_site/privacy-policy.html").path))

        // A material edit on a branch: the PR run says so and still passes; main releases it with notice.
        let draft = root.appendingPathComponent("policy/privacy-policy.md")
        try (try String(contentsOf: draft, encoding: .utf8)).replacing("45 days", with: "90 days", maxReplacements: 1)
            .write(to: draft, atomically: true, encoding: .utf8)
        // Without release notes the pull request fails, saying where they go.
        let withoutNotes = try pipeline("pr", in: root)
        #expect(withoutNotes.status == 1)
        #expect(withoutNotes.stdout.contains("Verdict: material"))
        #expect(withoutNotes.stderr.contains("policy/privacy-policy.notes.md: error: a material change needs release notes"),
                "\(withoutNotes.stderr)")
        let notes = root.appendingPathComponent("policy/privacy-policy.notes.md")
        try "You now have 90 days to appeal a decision on your request.\n".write(to: notes, atomically: true, encoding: .utf8)
        let materialPR = try pipeline("pr", in: root)
        #expect(materialPR.status == 0, "\(materialPR.stderr)")
        #expect(materialPR.stdout.contains("30 days' notice"))
        let materialMain = try pipeline("main", in: root)
        #expect(materialMain.status == 0, "\(materialMain.stderr)")
        #expect(materialMain.stdout.contains("v2 released: material"))
        // The release took the notes, archived them, and emptied the file for the next one.
        #expect(try Data(contentsOf: notes).isEmpty)
        #expect(try String(contentsOf: root.appendingPathComponent("policy/archive/privacy-policy/v2.notes.md"), encoding: .utf8)
                == "You now have 90 days to appeal a decision on your request.\n")
        #expect(materialMain.stdout.contains("notified by email"))
        #expect(materialMain.stdout.contains("privacy-policy@v2: 2 notices planned in 1 batch"), "\(materialMain.stdout)")

        // Main again with nothing new: every step is a no-op.
        let again = try pipeline("main", in: root)
        #expect(again.status == 0)
        #expect(again.stdout.contains("up to date"))
        #expect(again.stdout.contains("0 notices planned") && again.stdout.contains("already planned: 2"), "nobody twice")

        // A policy with errors fails the pull request.
        try "Broken\n======\n\n_Last updated: May 1, 2026_\n\nSee [x](#nowhere).\n"
            .write(to: root.appendingPathComponent("policy/broken.md"), atomically: true, encoding: .utf8)
        let broken = try pipeline("pr", in: root)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("[anchor-unresolved]"))
    }
}
