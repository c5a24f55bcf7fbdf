import Foundation
import PolicyDiff
import PolicyProject
import PolicyTestSupport
import Testing

@Suite struct ProjectConfigTests {
    @Test func theProjectsOwnConfigReads() throws {
        let project = try Project(root: Fixtures.packageRoot)
        #expect(project.config.site.title == "Quillmate Legal")
        #expect(project.config.notice.periodDays == 30)
        #expect(project.config.glossary.contains("Terms of Service"))
    }

    @Test func anEmptyConfigIsTheDefaults() throws {
        let config = try ProjectConfig.parse("", path: "policy/policyc.yml")
        #expect(config.notice.periodDays == 30)
        #expect(config.glossary.isEmpty)
    }

    @Test func diffSettingsBecomeDiffOptions() throws {
        let config = try ProjectConfig.parse("""
            diff:
              categories: { sec-3: disclosure, Cookies: collection }
              sensitiveWords: [biometric]
              overrides:
                - fingerprint: 0123456789abcdef
                  tier: editorial
                  reason: Agreed with counsel.
            """, path: "policy/policyc.yml")
        let options = config.diffOptions
        #expect(options.sectionCategories["sec-3"] == .disclosure)
        #expect(options.sectionCategories["cookies"] == .collection)
        #expect(options.sensitiveWords == ["biometric"])
        #expect(options.overrides.first?.tier == .editorial)
    }

    @Test func invalidConfigsAreClearErrorsWithLines() {
        #expect(throws: ProjectError.self) { try ProjectConfig.parse("site: [unclosed", path: "policy/policyc.yml") }
        do {
            _ = try ProjectConfig.parse("notice:\n  periodDays: -3\n", path: "policy/policyc.yml")
            Issue.record("a negative notice period was accepted")
        } catch {
            #expect(error.description.contains("periodDays"))
        }
        do {
            _ = try ProjectConfig.parse("diff:\n  overrides:\n    - fingerprint: ab\n      tier: editorial\n      reason: \"\"\n",
                                        path: "policy/policyc.yml")
            Issue.record("an override without a reason was accepted")
        } catch {
            #expect(error.description.contains("needs a written reason"))
        }
    }

    @Test func categoryKeysThatDifferOnlyInCaseAreRefused() {
        #expect(throws: ProjectError.self) {
            try ProjectConfig.parse("diff:\n  categories: { Sharing: disclosure, sharing: contact }\n", path: "policy/policyc.yml")
        }
    }
}
