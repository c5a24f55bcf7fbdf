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

    @Test func aConfigOfCommentsOnlyIsTheDefaults() throws {
        let config = try ProjectConfig.parse("# nothing set yet\n\n# site:\n", path: "policy/policyc.yml")
        #expect(config == ProjectConfig())
    }

    /// Values are read from their text (the config is composed without YAML's tag rules).
    @Test func quotedPlainAndNullValuesRead() throws {
        let config = try ProjectConfig.parse("""
            site: { title: "Legal: 2026", baseURL: 'https://example.com/legal' }
            notice:
              periodDays: 1_4
              from: ~
              recipients: { eligible: recent, column: last_seen, months: "6" }
            glossary: [yes, 12, null]
            """, path: "policy/policyc.yml")
        #expect(config.site.title == "Legal: 2026")
        #expect(config.site.baseURL == "https://example.com/legal")
        #expect(config.notice.periodDays == 14)
        #expect(config.notice.from == nil)
        #expect(config.notice.recipients.rule == .activeWithin(column: "last_seen", months: 6))
        #expect(config.glossary == ["yes", "12", "null"])
    }

    /// Each mistake names the file, the line and the key, as a compiler would.
    @Test(arguments: [
        ("notice:\n  periodDays: 30\n  periodDays: 14\n", "policyc.yml:2: error: a key is given twice: periodDays"),
        ("site:\n  title: Legal\n  baseUrl: https://x\n", "policyc.yml:3: error: site.baseUrl: unknown key (known here: title, baseURL)"),
        ("notice:\n\n  periodDays: thirty\n", "policyc.yml:3: error: notice.periodDays: expected a whole number, found 'thirty'"),
        ("notice:\n  periodDays: -3\n", "policyc.yml:2: error: notice.periodDays: must be between 1 and 3650 days"),
        ("notice:\n  periodDays: 0\n", "policyc.yml:2: error: notice.periodDays: must be between 1 and 3650 days: Users get"),
        ("glossary: Service\n", "policyc.yml:1: error: glossary: expected a list, found 'Service'"),
        ("site: [Legal]\n", "policyc.yml:1: error: site: expected keys and values, found a list"),
        ("diff:\n  categories:\n    Cookies: cookies\n", "policyc.yml:3: error: diff.categories.Cookies: 'cookies' is not one of collection, use"),
        ("notice:\n  recipients:\n    eligible: verified\n", "policyc.yml:3: error: notice.recipients.eligible: verified needs notice.recipients.column"),
        ("diff:\n  overrides:\n    - tier: editorial\n", "policyc.yml:3: error: diff.overrides[0]: an override needs a fingerprint, a tier and a reason"),
        ("diff:\n  sameParty:\n    - [Facebook]\n", "policyc.yml:3: error: diff.sameParty[0]: each sameParty entry lists two or more names"),
    ])
    func mistakesAreErrorsWithLineAndKey(text: String, message: String) {
        do {
            _ = try ProjectConfig.parse(text, path: "policyc.yml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
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
