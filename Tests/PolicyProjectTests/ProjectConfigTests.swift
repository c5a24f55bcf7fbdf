import Foundation
import PolicyDiff
import PolicyModel
import PolicyProject
import PolicyTestSupport
import Testing

@Suite struct ProjectConfigTests {
    @Test func theProjectsOwnConfigReads() throws {
        let project = try Project(root: Fixtures.packageRoot)
        #expect(project.config.site.title == "Quillmate Legal")
        #expect(project.config.notice.periodDays == 30)
        #expect(project.config.site.baseURL == "https://quillmate.example/legal")
        #expect(project.config.locations["site.baseURL"] == SourceLocation(line: 10, column: 12))
    }

    @Test func anEmptyConfigIsTheDefaults() throws {
        let config = try ProjectConfig.parse("", path: "policy/policyc.yml")
        #expect(config.notice.periodDays == 30)
        #expect(config.site.baseURL.isEmpty)
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
              recipients: { eligible: recent, column: last_seen, months: "6", statuses: [yes, 12, null] }
            """, path: "policy/policyc.yml")
        #expect(config.site.title == "Legal: 2026")
        #expect(config.site.baseURL == "https://example.com/legal")
        #expect(config.notice.periodDays == 14)
        #expect(config.notice.from == nil)
        #expect(config.notice.recipients.rule == .activeWithin(column: "last_seen", months: 6))
        #expect(config.notice.recipients.statuses == ["yes", "12", "null"])
    }

    /// Each mistake names the file, the line and the key, as a compiler would.
    @Test(arguments: [
        ("notice:\n  periodDays: 30\n  periodDays: 14\n", "policyc.yml:2:3: error: a key is given twice: periodDays"),
        ("site:\n  title: Legal\n  baseUrl: https://x\n", "policyc.yml:3: error: site.baseUrl: unknown key (known here: title, baseURL, locale)"),
        ("site:\n  locale: it\n",
         "policyc.yml:2: error: site.locale: dates can be written in en, fr, de, es or pt (or a region of them, such as fr-CA), not it"),
        ("site:\n  locale: \"fr\\n<x>\"\n", "policyc.yml:2: error: site.locale: dates can be written in en, fr, de, es or pt"),
        ("notice:\n\n  periodDays: thirty\n", "policyc.yml:3: error: notice.periodDays: expected a whole number, found 'thirty'"),
        ("notice:\n  periodDays: -3\n", "policyc.yml:2: error: notice.periodDays: must be between 1 and 3650 days"),
        ("notice:\n  periodDays: 0\n", "policyc.yml:2: error: notice.periodDays: must be between 1 and 3650 days: Users get"),
        ("notice:\n  recipients:\n    statuses: active\n", "policyc.yml:3: error: notice.recipients.statuses: expected a list, found 'active'"),
        // The glossary was never read by any rule: it is gone, and a config that still has it is told so.
        ("glossary: [Service]\n", "policyc.yml:1: error: glossary: unknown key (known here: site, notice, diff)"),
        ("site: [Legal]\n", "policyc.yml:1: error: site: expected keys and values, found a list"),
        ("diff:\n  categories:\n    Cookies: cookies\n", "policyc.yml:3: error: diff.categories.Cookies: 'cookies' is not one of collection, use"),
        ("notice:\n  recipients:\n    eligible: verified\n", "policyc.yml:3: error: notice.recipients.eligible: verified needs notice.recipients.column"),
        ("diff:\n  overrides:\n    - tier: editorial\n", "policyc.yml:3: error: diff.overrides[0]: an override needs a fingerprint, a tier and a reason"),
        ("diff:\n  sameParty:\n    - [Facebook]\n", "policyc.yml:3: error: diff.sameParty[0]: each sameParty entry lists two or more names"),
        ("diff:\n  lexicon:\n    place: [Quebec]\n", "policyc.yml:3: error: diff.lexicon: there is no lexicon “place”; the lexicons are ad-tech-words"),
        ("diff:\n  lexicon:\n    places: [\"Quebec\\nEvil\"]\n", "policyc.yml:3: error: diff.lexicon.places: lexicon entry \"Quebec\\nEvil\" must be one line"),
        // policyc.yml is committed: a ledger password there would be in git for good.
        ("notice:\n  ledger: postgresql://ops:hunter2@db.example/notices\n", "policyc.yml:2: error: notice.ledger: holds a password, and policyc.yml goes in git"),
        ("notice:\n  ledger: mysql://db.example/notices\n", "policyc.yml:2: error: notice.ledger: must be a path, sqlite:PATH or a postgresql:// URL"),
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

    /// A YAML syntax error names the file, the line and the column (in UTF-8 bytes, as every diagnostic),
    /// in words an author can act on.
    @Test(arguments: [
        ("site:\n  title: Legal: the site\n", "policyc.yml:2:15: error: YAML syntax: a ':' inside a value; put the value in quotes"),
        ("site: [unclosed\nnotice: {}\n", "policyc.yml:2:7: error: YAML syntax: a list in [brackets] is not closed with ']' (the '[' at line 1"),
        ("site:\n  title: \"x\n", "policyc.yml:3:1: error: YAML syntax: the file ends before a quote is closed (the quote at line 2"),
        ("site:\n  title: a\n baseURL: b\n", "policyc.yml:3:2: error: YAML syntax: this line's indentation does not match the keys above it"),
        ("site:\n\ttitle: x\n", "policyc.yml:2:1: error: YAML syntax: this character cannot start a value (YAML indents with spaces"),
        ("site:\n  title: «été»: x\n", "policyc.yml:2:19: error: YAML syntax: a ':' inside a value"),
    ])
    func syntaxErrorsNameLineAndColumn(text: String, message: String) {
        do {
            _ = try ProjectConfig.parse(text, path: "policyc.yml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func baseURLsMustBeAbsoluteHTTP() {
        for good in ["https://example.com", "http://example.com/legal/", "https://policies.example.co.uk:8443/x"] {
            #expect(ProjectConfig.baseURLProblem(good) == nil, "\(good)")
        }
        let bad = ["", "/legal", "legal", "example.com", "//example.com", "javascript:alert(1)", "JavaScript://x%0Aalert(1)",
                   "data:text/html,x", "file:///etc/passwd", "https://", "https:///path", "https://exa mple.com",
                   "https://example.com/\nx", "https://user:pass@example.com", "https://example.com/?a=1",
                   "https://example.com/#top", "ftp://example.com"]
        for text in bad { #expect(ProjectConfig.baseURLProblem(text) != nil, "\(text)") }
    }

    @Test func sendersAreAddrSpecsWithoutLineBreaks() {
        for good in ["legal@example.com", "Example Legal <legal@example.com>", "\"Legal, Inc.\" <legal@example.com>"] {
            #expect(ProjectConfig.senderProblem(good) == nil, "\(good)")
        }
        for bad in ["Legal <legal@example.com>\r\nBcc: x@evil.com", "legal@example.com\n", "Legal\r <legal@example.com>",
                    "legal", "Legal <legal>", "légal@example.com", "Legal <a@b.com", "<>", "legal@@example.com"] {
            #expect(ProjectConfig.senderProblem(bad) != nil, "\(bad)")
        }
        #expect(ProjectConfig.senderProblem("a@b.com\r\nBcc: x@evil.com")!.contains("line break"))
    }
}
