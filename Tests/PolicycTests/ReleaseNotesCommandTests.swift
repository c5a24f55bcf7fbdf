import Foundation
import PolicyTestSupport
import Testing

/// `policyc release DOC --notes …` through the binary: where notes come from, what is refused, how they
/// are archived and verified, and the notice email that leads with them.
@Suite struct ReleaseNotesCommandTests {
    let doc = "privacy-policy"
    let notesText = "You now have **60 days** to appeal our decision on a request.\n"

    /// A scratch project with v1 released and a material edit in the draft.
    func project() throws -> URL {
        let root = try Fixtures.scratchProject()
        #expect(try Fixtures.policyc(["release", doc, "--date", "2026-11-02"], in: root).status == 0)
        let draft = root.appendingPathComponent("policy/\(doc).md")
        try (try String(contentsOf: draft, encoding: .utf8)).replacing("45 days", with: "60 days", maxReplacements: 1)
            .write(to: draft, atomically: true, encoding: .utf8)
        return root
    }

    func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func write(_ text: String, _ root: URL, _ path: String) throws {
        try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    @Test func notesFromStandardInputAreArchivedAndShownFirstInTheChangelog() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        let released = try Fixtures.policyc(["release", doc, "--date", "2026-11-20", "--notes", "-"], in: root,
                                            input: Data(notesText.utf8))
        #expect(released.status == 0, "\(released.stderr)")
        #expect(released.stdout.contains("release notes: policy/archive/\(doc)/v2.notes.md"))
        #expect(try read(root, "policy/archive/\(doc)/v2.notes.md") == notesText)
        let history = try read(root, "policy/archive/\(doc)/releases.json")
        #expect(history.contains("\"notes\" : \"v2.notes.md\"") && history.contains("\"notesSHA256\" : \""))
        let changelog = try read(root, "CHANGELOG.md")
        #expect(changelog.contains("## Privacy Policy v2\n\n\(notesText)\n- Released: 2026-11-20\n"), "\(changelog)")
        #expect(try Fixtures.policyc(["check", "--today", "2026-11-20"], in: root).status == 0)
    }

    /// Notes changed after release are found by `check`, and never published or mailed.
    @Test func tamperedNotesAreReportedAndNeverPublished() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(notesText, root, "policy/\(doc).notes.md")
        let released = try Fixtures.policyc(["release", doc, "--date", "2026-11-20"], in: root)
        #expect(released.status == 0, "\(released.stderr)")
        #expect(try Data(contentsOf: root.appendingPathComponent("policy/\(doc).notes.md")).isEmpty, "used up")
        // An empty notes file is no notes: the next release is not fed the old ones, nor any.
        #expect(try Fixtures.policyc(["status", doc], in: root).stdout.contains("no unreleased changes"))

        try write("Nothing important changes.\n", root, "policy/archive/\(doc)/v2.notes.md")
        let check = try Fixtures.policyc(["check", "--today", "2026-11-20"], in: root)
        #expect(check.status == 1)
        #expect(check.stdout.contains("policy/archive/\(doc)/v2.notes.md: error: the notes of v2 do not match their SHA-256"),
                "\(check.stdout)")
        #expect(check.stdout.contains("[archive-tampered]"))
        let build = try Fixtures.policyc(["build", "--today", "2026-11-20"], in: root)
        #expect(build.status != 0)
        #expect(build.stderr.contains("the notes of v2 do not match their SHA-256"))

        try FileManager.default.removeItem(at: root.appendingPathComponent("policy/archive/\(doc)/v2.notes.md"))
        let missing = try Fixtures.policyc(["check", "--today", "2026-11-20"], in: root)
        #expect(missing.stdout.contains("the notes of v2 are missing"), "\(missing.stdout)")
        // Notes no record names are litter a pull request slipped in.
        try write(notesText, root, "policy/archive/\(doc)/v1.notes.md")
        #expect(try Fixtures.policyc(["check", "--today", "2026-11-20"], in: root).stdout
            .contains("v1.notes.md is in the archive but no release in releases.json names it"))
    }

    /// Each refusal names the file (and line) and writes nothing.
    @Test func badNotesAndTwoSourcesAreRefusedAndNothingIsWritten() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = root.appendingPathComponent("policy/archive/\(doc)/releases.json")
        let before = try Data(contentsOf: archive)
        try write("Fine.\n\nSee <a href=\"https://evil.example\">this</a>.\n", root, "hostile.md")
        let hostile = try Fixtures.policyc(["release", doc, "--date", "2026-11-20", "--notes", "hostile.md"], in: root)
        #expect(hostile.status == 1)
        #expect(hostile.stderr.contains("hostile.md:3:1: error: release notes hold raw HTML"), "\(hostile.stderr)")
        #expect(hostile.stderr.contains("[raw-html]"))
        let empty = try Fixtures.policyc(["release", doc, "--date", "2026-11-20", "--notes", "-"], in: root, input: Data("\n\n".utf8))
        #expect(empty.status == 1 && empty.stderr.contains("<standard input>: error: release notes are empty"), "\(empty.stderr)")
        let absent = try Fixtures.policyc(["release", doc, "--date", "2026-11-20", "--notes", "nowhere.md"], in: root)
        #expect(absent.status != 0 && absent.stderr.contains("nowhere.md"))

        try write(notesText, root, "policy/\(doc).notes.md")
        try write("Other notes.\n", root, "other.md")
        let both = try Fixtures.policyc(["release", doc, "--date", "2026-11-20", "--notes", "other.md"], in: root)
        #expect(both.status == 1)
        #expect(both.stderr.contains("policy/\(doc).notes.md: error: holds release notes, and --notes gives others"), "\(both.stderr)")
        #expect(try Data(contentsOf: archive) == before)
        #expect(try read(root, "policy/\(doc).notes.md") == notesText)
        // Naming the file beside the draft is the same as not naming it: it is used, then emptied.
        let named = try Fixtures.policyc(["release", doc, "--date", "2026-11-20", "--notes", "policy/\(doc).notes.md"], in: root)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try read(root, "policy/\(doc).notes.md").isEmpty)
        // The notes file is not a policy: check, status and build leave it alone.
        let check = try Fixtures.policyc(["check", "--today", "2026-11-20"], in: root)
        #expect(check.status == 0 && (check.stdout + check.stderr).contains("in 1 file"), "\(check.stdout)\(check.stderr)")
    }

    /// The notice email leads with the notes ("What is changing"), in both parts and every locale.
    @Test func theNoticeEmailLeadsWithTheNotes() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(notesText, root, "policy/\(doc).notes.md")
        #expect(try Fixtures.policyc(["release", doc, "--date", "2026-11-20"], in: root).status == 0)
        try write("id,email,name,locale,status\n1,ada@example.com,Ada,en,active\n2,bea@example.com,Béa,fr,active\n",
                  root, "users.csv")
        let notify = try Fixtures.policyc(["notify", doc, "--users", "users.csv", "--format", "eml", "--today", "2026-11-21"],
                                          in: root)
        #expect(notify.status == 0, "\(notify.stderr)")
        let batch = root.appendingPathComponent("notices/\(doc)-v2/batch-000001")
        let messages = try FileManager.default.contentsOfDirectory(atPath: batch.path).sorted()
        #expect(messages.count == 2)
        let parts = try messages.map { name in
            try decodedParts(String(decoding: Data(contentsOf: batch.appendingPathComponent(name)), as: UTF8.self))
        }
        let (englishText, englishHTML) = (parts[0][0], parts[0][1])
        let notes = try #require(englishText.firstRange(of: "WHAT IS CHANGING\n\nYou now have 60 days to appeal our decision on a request.\n\n"))
        let details = try #require(englishText.firstRange(of: "IN DETAIL, SECTION BY SECTION"))
        #expect(notes.upperBound <= details.lowerBound)
        #expect(englishHTML.contains("<h1 style=\"font-size:1.25em\">What is changing</h1>\n<p>You now have <strong>60 days</strong> to appeal"))
        let (frenchText, frenchHTML) = (parts[1][0], parts[1][1])
        #expect(frenchText.contains("entre en vigueur le 20 décembre 2026"), "\(frenchText)")
        #expect(frenchText.contains("CE QUI CHANGE\n\nYou now have 60 days to appeal"))
        #expect(frenchHTML.contains("<h1 style=\"font-size:1.25em\">Ce qui change</h1>\n<p>You now have <strong>60 days</strong>"))
    }

    /// The text and HTML parts of a MIME message, decoded (quoted-printable or base64).
    func decodedParts(_ message: String) throws -> [String] {
        let python = """
        import email, sys
        m = email.message_from_string(sys.stdin.read())
        for p in m.walk():
            if p.get_content_type() in ('text/plain', 'text/html'):
                sys.stdout.write(p.get_payload(decode=True).decode('utf-8') + '\\u0000')
        """
        let result = try Fixtures.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", python], input: Data(message.utf8))
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.replacing("\r\n", with: "\n").split(separator: "\u{0}", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }
}
