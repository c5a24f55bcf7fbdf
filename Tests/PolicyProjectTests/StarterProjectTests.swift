import Foundation
import PolicyModel
import PolicyNotice
import PolicyProject
import PolicyTestSupport
import Testing

/// What `policyc init` writes, held to what the code reads.
@Suite struct StarterProjectTests {
    let today = CalendarDate(year: 2026, month: 5, day: 4)!

    func file(_ path: String) throws -> String {
        let file = try #require(try StarterProject.files(today: today).first { $0.path == path })
        return String(decoding: file.bytes, as: UTF8.self)
    }

    /// Every key the config loader reads is documented, and every key documented is one it reads.
    @Test func theStarterConfigDocumentsEveryKeyAndNoOther() throws {
        let text = try file("policy/policyc.yml")
        let leaves = Set(ProjectConfig.keys.map { String($0.split(separator: ".").last!) })
        var documented: Set<String> = []
        for line in text.split(separator: "\n") {
            // `  key:`, `# key:` and `#   - key:` at the start of a line: a key, set or commented out.
            let body = line.drop { $0 == " " || $0 == "#" }.drop { $0 == "-" || $0 == " " }
            guard let colon = body.firstIndex(of: ":"), body[..<colon].allSatisfy({ $0.isLetter }),
                  !body[..<colon].isEmpty, [nil, " "].contains(body[colon...].dropFirst().first) else { continue }
            documented.insert(String(body[..<colon]))
        }
        #expect(leaves.subtracting(documented).isEmpty, "undocumented: \(leaves.subtracting(documented).sorted())")
        #expect(documented.subtracting(leaves).isEmpty, "documented but never read: \(documented.subtracting(leaves).sorted())")
    }

    /// The defaults it states are the defaults, and the commented-out block reads once uncommented.
    @Test func theStarterConfigStatesTheDefaultsAndItsExamplesRead() throws {
        let text = try file("policy/policyc.yml")
        let config = try ProjectConfig.parse(text, path: "policy/policyc.yml")
        #expect(config.notice == ProjectConfig.Notice())
        #expect(config.diff == ProjectConfig.Diff())
        #expect(config.site.baseURL == StarterProject.placeholderBaseURL)
        #expect(config.locations["site.baseURL"]?.line == text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("  baseURL: ") }.map { $0 + 1 })
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "# diff:"))
        for index in start..<lines.count where lines[index].hasPrefix("#") {
            lines[index] = String(lines[index].dropFirst(2))
        }
        let uncommented = try ProjectConfig.parse(lines.joined(separator: "\n"), path: "policy/policyc.yml")
        #expect(uncommented.diff.categories["sec-3"] == .disclosure)
        #expect(uncommented.diff.sensitiveWords == ["biometric", "precise location"])
        #expect(uncommented.diff.sameParty == [["Facebook", "Meta"]])
        #expect(uncommented.diff.overrides.first?.tier == .editorial)
    }

    @Test func theStarterPolicyIsDatedToday() throws {
        #expect(try file("policy/privacy-policy.md").contains("\n_Last updated: May 4, 2026_\n"))
    }

    /// `init` writes the repository's own pipeline, byte for byte.
    @Test func theStarterPipelineIsTheRepositorysScript() throws {
        let script = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("script/policy-pipeline"))
        let starter = try #require(try StarterProject.files(today: today).first { $0.path == StarterProject.pipelinePath })
        #expect(Data(starter.bytes) == script, "Sources/PolicyProject/Starter/policy-pipeline must be a copy of script/policy-pipeline")
        #expect(starter.executable)
    }

    @Test func theExportedTemplatesAreTheBuiltInOnes() {
        let paths = ProjectTemplates.defaults.map(\.path)
        #expect(paths.contains("style.css") && paths.contains("email/notice.text.mustache"))
        #expect(paths.count == Set(paths).count)
        #expect(ProjectTemplates.defaults.allSatisfy { !$0.bytes.isEmpty })
    }

    /// A project's `templates/email/` replaces the built-in emails file by file: one French HTML part
    /// leaves the French subject and text, and every default, as they were.
    @Test func anEmailOverrideReplacesOneFileOnly() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A full translation (a localised part must use all its default uses), with a mark of its own.
        let mine = String(decoding: NoticeTemplateSources.builtIn["notice.fr.html.mustache"]!, as: UTF8.self) + "<!-- mine -->\n"
        try mine.write(to: folder.appendingPathComponent("notice.fr.html.mustache"), atomically: true, encoding: .utf8)
        let builtIn = try NoticeTemplateSources.load(folder: nil, displayFolder: "templates/email")
        let overridden = try NoticeTemplateSources.load(folder: folder, displayFolder: "templates/email")
        #expect(overridden.sets["fr"]?.html == mine)
        #expect(overridden.sets["fr"]?.text == builtIn.sets["fr"]?.text && overridden.sets["fr"]?.subject == builtIn.sets["fr"]?.subject)
        #expect(overridden.sets[""] == builtIn.sets[""])
        #expect(overridden.fileDigests.keys.contains("templates/email/notice.fr.html.mustache"))
        #expect(!overridden.fileDigests.keys.contains("built-in:notice.fr.html.mustache"))
        #expect(try NoticeTemplateSources.load(folder: folder.appendingPathComponent("missing"), displayFolder: "x").sets == builtIn.sets)
    }
}
