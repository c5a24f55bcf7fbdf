import Foundation
import Crypto
import PolicyModel
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// `notify` end to end on real files and a real ledger (SQLite, and PostgreSQL where a test takes a
/// `LedgerKind`): batches, rejects, manifest, re-runs, later exports, provider limits.
struct NotifierTests {
    let folder: URL
    /// The SQLite file, or a fresh PostgreSQL database's URL.
    var ledger: String

    init() throws {
        folder = try Fixtures.temporaryDirectory()
        ledger = folder.appendingPathComponent("ledger.sqlite").path
    }

    init(folder: URL) {
        self.folder = folder
        ledger = folder.appendingPathComponent("ledger.sqlite").path
    }

    /// These tests against a ledger of this kind.
    func on(_ kind: LedgerKind) throws -> NotifierTests {
        var tests = self
        if kind == .postgres { tests.ledger = try PostgresServer.freshDatabase() }
        return tests
    }

    func request(users: String, format: BatchFormat = .jsonl, provider: Provider = .generic, batchSize: Int? = nil,
                 out: String = "out") throws -> NotifyRequest {
        let templates = try NoticeTemplateSources.load(folder: nil, displayFolder: "templates/email")
        return NotifyRequest(
            document: "privacy-policy", version: "v2", policySHA256: String(repeating: "ab", count: 32), facts: MessageTests.facts,
            templates: templates, templatesFolder: "templates/email", fromName: "Quillmate Legal",
            fromAddress: "legal@quillmate.example", format: format, provider: provider,
            batchSize: batchSize ?? provider.defaultBatch, outFolder: folder.appendingPathComponent(out),
            ledgerPath: ledger, usersPath: folder.appendingPathComponent(users).path,
            usersFormat: nil, columns: RecipientColumns(), rule: .status(values: ["active"]),
            today: CalendarDate(year: 2026, month: 11, day: 29)!, now: 1_795_779_193)
    }

    func writeUsers(_ name: String, ids: ClosedRange<Int>, extra: String = "") throws {
        var text = "id,email,name,locale,status\n"
        for id in ids { text += "\(id),user\(id)@example.com,User \(id),\(id % 3 == 0 ? "fr" : "en"),active\n" }
        try (text + extra).write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func ledgerRows(_ sql: String) throws -> [LedgerRow] {
        try NoticeLedger(path: ledger, migrate: false).run { db in try db.rows(sql: sql) }
    }

    /// A change made behind policyc's back, as a crash or a hand edit leaves the ledger.
    func ledgerExecute(_ sql: String) throws {
        try NoticeLedger(path: ledger, migrate: false).run { db in try db.execute(sql: sql) }
    }

    func jsonLines(_ out: String = "out") throws -> [[String: String]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(out).path)
            .filter { $0.hasSuffix(".jsonl") }.sorted()
        return try files.flatMap { file in
            try String(contentsOf: folder.appendingPathComponent(out).appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n").map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        }
    }

    @Test(arguments: LedgerKind.allCases) func everyEligibleUserInExactlyOneBatchWithRejectsAndManifest(_ kind: LedgerKind) throws {
        try on(kind).everyEligibleUserInExactlyOneBatchWithRejectsAndManifest()
    }

    func everyEligibleUserInExactlyOneBatchWithRejectsAndManifest() throws {
        try writeUsers("users.csv", ids: 1...2500, extra: """
            9001,USER1@EXAMPLE.COM,Shouting,en,active
            9002,user2@EXAMPLE.com,Same Mailbox,en,active
            9003,not-an-address,Nobody,en,active
            9004,gone@example.com,Gone,en,deleted

            """)
        let report = try Notifier.run(request(users: "users.csv", batchSize: 1000))
        #expect(report.rows == 2504)
        #expect(report.planned == 2500, "USER1@EXAMPLE.COM is user1's mailbox (notice.dedupe: mailbox, the default)")
        #expect(report.merged == 2 && report.rejected == 1 && report.ineligible == 1)
        #expect(report.batchesWritten == 3 && report.totalNotices == 2500)

        let lines = try jsonLines()
        #expect(lines.count == 2500)
        #expect(Set(lines.map { $0["user"]! }).count == 2500)
        let ledger = try ledgerRows("SELECT user_id, message_id, effective_state FROM notice_state")
        #expect(ledger.count == 2500)
        #expect(ledger.allSatisfy { $0["effective_state"] == "written" })
        #expect(Set(ledger.map { $0["message_id"] as String }) == Set(lines.map { $0["messageId"]! }))

        let merged = try ledgerRows("SELECT m.user_id, n.user_id AS owner FROM merged m JOIN notice n ON n.id = m.covered_by")
        #expect(merged.map { [$0["user_id"] as String, $0["owner"] as String] } == [["9001", "1"], ["9002", "2"]],
                "the ledger records which notice covers a merged row")
        #expect(report.run == 1 && report.rejectsFile == "rejects-000001.csv")
        let rejects = try String(contentsOf: folder.appendingPathComponent("out/rejects-000001.csv"), encoding: .utf8)
        #expect(rejects.contains("2503,9002,merged,same mailbox as user 2\r\n"))
        #expect(rejects.contains("2504,9003,rejected,invalid address: no @ in the address\r\n"))
        #expect(rejects.contains("2505,9004,ineligible,status is 'deleted': not active\r\n"), "ineligible rows say why too")

        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/manifest.json")))
            as! [String: Any]
        let batches = manifest["batches"] as! [[String: Any]]
        #expect(batches.map { $0["messages"] as! Int } == [1000, 1000, 500])
        for batch in batches {
            let data = try Data(contentsOf: folder.appendingPathComponent("out").appendingPathComponent(batch["file"] as! String))
            #expect(Data(SHA256Digest.of(data)) == Data(hex: batch["sha256"] as! String))
        }
        #expect((manifest["templates"] as! [String: String]).keys.contains("built-in:notice.text.mustache"))
    }

    @Test(arguments: LedgerKind.allCases) func reRunsPlanNobodyTwiceAndALaterExportAddsOnlyNewUsers(_ kind: LedgerKind) throws {
        try on(kind).reRunsPlanNobodyTwiceAndALaterExportAddsOnlyNewUsers()
    }

    func reRunsPlanNobodyTwiceAndALaterExportAddsOnlyNewUsers() throws {
        try writeUsers("users.csv", ids: 1...300)
        let first = try Notifier.run(request(users: "users.csv", batchSize: 100))
        #expect(first.planned == 300)
        let again = try Notifier.run(request(users: "users.csv", batchSize: 100))
        #expect(again.planned == 0 && again.alreadyPlanned == 300 && again.batchesWritten == 0)
        try writeUsers("later.csv", ids: 1...350)
        let later = try Notifier.run(request(users: "later.csv", batchSize: 100))
        #expect(later.planned == 50 && later.alreadyPlanned == 300)
        #expect(later.totalNotices == 350 && later.totalBatches == 4)
        let lines = try jsonLines()
        #expect(lines.count == 350 && Set(lines.map { $0["user"]! }).count == 350)
    }

    @Test(arguments: LedgerKind.allCases) func anInterruptedBatchIsWrittenFromTheLedgerOnTheNextRun(_ kind: LedgerKind) throws {
        try on(kind).anInterruptedBatchIsWrittenFromTheLedgerOnTheNextRun()
    }

    func anInterruptedBatchIsWrittenFromTheLedgerOnTheNextRun() throws {
        try writeUsers("users.csv", ids: 1...250)
        _ = try Notifier.run(request(users: "users.csv", batchSize: 100))
        // As a run killed between planning batch 3 and writing it leaves things.
        try ledgerExecute("UPDATE batch SET state = 'planned', sha256 = NULL WHERE number = 3")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("out/batch-000003.jsonl"))
        let report = try Notifier.run(request(users: "users.csv", batchSize: 100))
        #expect(report.batchesRecovered == 1 && report.planned == 0)
        #expect(try jsonLines().count == 250)
        #expect(try ledgerRows("SELECT * FROM notice_state WHERE effective_state != 'written'").isEmpty)
    }

    @Test(arguments: LedgerKind.allCases) func changedTemplatesAreRefusedForAReleaseAlreadyPlanned(_ kind: LedgerKind) throws {
        try on(kind).changedTemplatesAreRefusedForAReleaseAlreadyPlanned()
    }

    func changedTemplatesAreRefusedForAReleaseAlreadyPlanned() throws {
        try writeUsers("users.csv", ids: 1...10)
        _ = try Notifier.run(request(users: "users.csv"))
        var changed = try request(users: "users.csv")
        changed.templates.sets[""]!.text += "\nP.S. something new\n"
        #expect(throws: NoticeError.self) { try Notifier.run(changed) }
    }

    @Test(arguments: LedgerKind.allCases) func emlBatchesHoldOneFilePerMessage(_ kind: LedgerKind) throws {
        try on(kind).emlBatchesHoldOneFilePerMessage()
    }

    func emlBatchesHoldOneFilePerMessage() throws {
        try writeUsers("users.csv", ids: 1...25)
        let report = try Notifier.run(request(users: "users.csv", format: .eml, batchSize: 10))
        #expect(report.batchesWritten == 3)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out/batch-000003").path)
        #expect(files.sorted() == ["000001.eml", "000002.eml", "000003.eml", "000004.eml", "000005.eml"])
        let message = try String(contentsOf: folder.appendingPathComponent("out/batch-000001/000001.eml"), encoding: .utf8)
        #expect(message.hasPrefix("Date: ") && message.contains("\r\nTo: User 1 <user1@example.com>\r\n"))
    }

    @Test(arguments: [(Provider.ses, 50), (.sendgrid, 1000), (.mailgun, 1000), (.postmark, 500)])
    func providerBatchesStayWithinTheProvidersLimit(provider: Provider, limit: Int) throws {
        try writeUsers("users.csv", ids: 1...(limit * 2 + 7))
        let report = try Notifier.run(request(users: "users.csv", provider: provider))
        #expect(report.planned == limit * 2 + 7)
        let out = folder.appendingPathComponent("out")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".\(provider.rawValue).json") }
        var total = 0
        for file in files {
            let body = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(file)))
            let count: Int
            switch provider {
            case .ses: count = ((body as! [String: Any])["BulkEmailEntries"] as! [Any]).count
            case .sendgrid: count = ((body as! [String: Any])["personalizations"] as! [Any]).count
            case .mailgun: count = ((body as! [String: Any])["to"] as! [Any]).count
            case .postmark, .generic: count = (body as! [Any]).count
            }
            #expect(count <= limit)
            total += count
        }
        #expect(total == limit * 2 + 7)
        #expect(throws: NoticeError.self) { try Notifier.run(request(users: "users.csv", provider: provider, batchSize: limit + 1)) }
    }

    @Test func sendGridBodiesSubstituteEscapedNamesInHTML() throws {
        try "id,email,name,locale,status\n1,a@example.com,<b>Ada</b>,en,active\n"
            .write(to: folder.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        _ = try Notifier.run(request(users: "users.csv", provider: .sendgrid))
        let body = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/batch-000001.sendgrid.json")))
            as! [String: Any]
        let personalization = (body["personalizations"] as! [[String: Any]])[0]
        let substitutions = personalization["substitutions"] as! [String: String]
        #expect(substitutions["-policyc.nameHTML-"] == "&lt;b&gt;Ada&lt;/b&gt;" && substitutions["-policyc.name-"] == "<b>Ada</b>")
        let content = body["content"] as! [[String: String]]
        #expect(substitutions["-policyc.spacedNameHTML-"] == " &lt;b&gt;Ada&lt;/b&gt;")
        #expect(content[0]["type"] == "text/plain" && content[0]["value"]!.contains("Hello-policyc.spacedName-,"),
                "the space before a name goes with it")
        #expect(content[1]["type"] == "text/html" && content[1]["value"]!.contains("Hello-policyc.spacedNameHTML-,"))
    }

    @Test func sendGridRequestsNeverNameAnAddressTwiceInAnyCase() throws {
        // Two mailboxes to policyc (notice.dedupe: exact keeps the local parts' case), one address to SendGrid.
        try "id,email,name,locale,status\n1,Ada@example.com,Ada,en,active\n2,ada@example.com,Ada Two,en,active\n"
            .write(to: folder.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        var exact = try request(users: "users.csv", provider: .sendgrid)
        exact.dedupe = .exact
        let report = try Notifier.run(exact)
        #expect(report.planned == 2 && report.batchesWritten == 2)
    }

    @Test(arguments: LedgerKind.allCases) func aWrittenBatchCutShortOnDiskIsWrittenAgain(_ kind: LedgerKind) throws {
        try on(kind).aWrittenBatchCutShortOnDiskIsWrittenAgain()
    }

    func aWrittenBatchCutShortOnDiskIsWrittenAgain() throws {
        try writeUsers("users.csv", ids: 1...250)
        _ = try Notifier.run(request(users: "users.csv", batchSize: 100))
        // As a power cut can leave a renamed file that never reached the disk whole.
        let batch = folder.appendingPathComponent("out/batch-000002.jsonl")
        try Data("{}\n".utf8).write(to: batch)
        let report = try Notifier.run(request(users: "users.csv", batchSize: 100))
        #expect(report.batchesRecovered == 1 && report.planned == 0)
        #expect(try jsonLines().count == 250)
    }

    @Test(arguments: LedgerKind.allCases) func templatesMayChangeUntilTheFirstBatch(_ kind: LedgerKind) throws {
        try on(kind).templatesMayChangeUntilTheFirstBatch()
    }

    func templatesMayChangeUntilTheFirstBatch() throws {
        // A run that failed before planning anyone (here: no such export) does not fix the templates.
        #expect(throws: NoticeError.self) { try Notifier.run(request(users: "missing.csv")) }
        try writeUsers("users.csv", ids: 1...3)
        var changed = try request(users: "users.csv")
        changed.templates.sets[""]!.subject = "A corrected subject"
        #expect(try Notifier.run(changed).planned == 3)
    }

    @Test func sesBodiesEscapeHTMLAndEncodeNonASCIINames() throws {
        try "id,email,name,locale,status\n1,a@example.com,<b>Zoë</b>,en,active\n"
            .write(to: folder.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        _ = try Notifier.run(request(users: "users.csv", provider: .ses))
        let body = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/batch-000001.ses.json")))
            as! [String: Any]
        let content = ((body["DefaultContent"] as! [String: Any])["Template"] as! [String: Any])["TemplateContent"] as! [String: String]
        #expect(content["Html"]!.contains("Hello{{spacedNameHTML}},") && content["Text"]!.contains("Hello{{spacedName}},"))
        let entry = (body["BulkEmailEntries"] as! [[String: Any]])[0]
        let data = ((entry["ReplacementEmailContent"] as! [String: Any])["ReplacementTemplate"] as! [String: String])["ReplacementTemplateData"]!
        let values = try JSONDecoder().decode([String: String].self, from: Data(data.utf8))
        #expect(values["nameHTML"] == "&lt;b&gt;Zoë&lt;/b&gt;" && values["name"] == "<b>Zoë</b>")
        let to = ((entry["Destination"] as! [String: Any])["ToAddresses"] as! [String])[0]
        #expect(to.hasPrefix("=?UTF-8?B?") && to.hasSuffix(" <a@example.com>"))
    }
}

/// Text a policy author or a User controls, written in every provider's template syntax.
struct HostileProviderText {
    static let policy = #"Added: {{email}} \{{email}} {\#u{301}{{email}}} -policyc.email- %recipient.id% %unsubscribe_url% https://x.example/a%E2%80%99b \"#
    static let name = #"{{email}} -policyc.email- %recipient.email% \"#

    func run(_ tests: NotifierTests, provider: Provider) throws -> [String: Any] {
        try "id,email,name,locale,status\n1,a@example.com,\"\(Self.name.replacingOccurrences(of: "\"", with: "\"\""))\",en,active\n2,b@example.com,Bo,en,active\n"
            .write(to: tests.folder.appendingPathComponent("users.csv"), atomically: true, encoding: .utf8)
        var request = try tests.request(users: "users.csv", provider: provider)
        request.facts.sections = [NoticeSection(heading: "2. Information We Collect", changes: [Self.policy])]
        _ = try Notifier.run(request)
        let file = tests.folder.appendingPathComponent("out/batch-000001.\(provider.rawValue).json")
        let body = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        return (body as? [String: Any]) ?? ["messages": body]
    }

    /// Each `{{key}}` replaced by its value, in one pass: what Handlebars does to a template with no
    /// backslash and no other braces, which is what the SES body must be.
    static func renderHandlebars(_ template: String, _ data: [String: String]) -> String {
        render(template, token: #"\{\{([A-Za-z]+)\}\}"#, data)
    }

    /// `template` with each match of `token` replaced, in one pass, by the value its first group names.
    static func render(_ template: String, token: String, _ data: [String: String]) -> String {
        template.replacingOccurrences(of: token, with: "\u{0}$1\u{0}", options: .regularExpression)
            .split(separator: "\u{0}", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset % 2 == 1 ? data[String($0.element)] ?? "" : String($0.element) }.joined()
    }
}

extension NotifierTests {
    @Test func aSESTemplateHoldsNoHandlebarsButOursAndRendersThePolicyAsWritten() throws {
        let body = try HostileProviderText().run(self, provider: .ses)
        let content = ((body["DefaultContent"] as! [String: Any])["Template"] as! [String: Any])["TemplateContent"] as! [String: String]
        let entry = (body["BulkEmailEntries"] as! [[String: Any]])[0]
        let data = ((entry["ReplacementEmailContent"] as! [String: Any])["ReplacementTemplate"] as! [String: String])["ReplacementTemplateData"]!
        let values = try JSONDecoder().decode([String: String].self, from: Data(data.utf8))
        for (part, template) in content {
            #expect(!template.contains("\\"), "no backslash in \(part) to escape or unescape a mustache")
            let braces = template.replacingOccurrences(of: #"\{\{(name|email|spacedName|nameHTML|emailHTML|spacedNameHTML|lbrace|backslash)\}\}"#, with: "",
                                                       options: .regularExpression)
            #expect(!braces.contains("{"), "every brace in \(part) is one of our mustaches")
        }
        let text = HostileProviderText.renderHandlebars(content["Text"]!, values)
        #expect(text.contains(HostileProviderText.policy), "the policy's text, braces and backslashes as written")
        #expect(text.contains("Hello \(HostileProviderText.name),"), "the name is data: its braces stay text")
        #expect(values["name"] == HostileProviderText.name)
    }

    @Test func sendGridKeysInThePolicyOrANameAreBrokenAndLinksKept() throws {
        let body = try HostileProviderText().run(self, provider: .sendgrid)
        let content = body["content"] as! [[String: String]]
        let substitutions = ((body["personalizations"] as! [[String: Any]])[0]["substitutions"] as! [String: String])
        // SendGrid replaces each key anywhere: in the content, and in values put there before.
        func render(_ template: String) -> String {
            var out = template
            for (key, value) in substitutions.sorted(by: { $0.key < $1.key }) { out = out.replacingOccurrences(of: key, with: value) }
            return out
        }
        let text = render(content[0]["value"]!), html = render(content[1]["value"]!)
        #expect(text.replacingOccurrences(of: "\u{2060}", with: "").contains(HostileProviderText.policy))
        #expect(text.replacingOccurrences(of: "\u{2060}", with: "").contains("Hello \(HostileProviderText.name),"))
        #expect(html.contains("&#45;policyc.email-") && !html.contains("-policyc."))
    }

    @Test func mailgunVariablesInThePolicyOrANameAreBrokenAndLinksKept() throws {
        let body = try HostileProviderText().run(self, provider: .mailgun)
        let variables = try JSONDecoder().decode([String: [String: String]].self,
                                                 from: Data((body["recipient-variables"] as! String).utf8))["a@example.com"]!
        func render(_ template: String) -> String {
            HostileProviderText.render(template, token: #"%recipient\.([A-Za-z]+)%"#, variables)
        }
        let text = render(body["text"] as! String), html = render(body["html"] as! String)
        #expect(text.replacingOccurrences(of: "\u{2060}", with: "").contains(HostileProviderText.policy))
        #expect(text.replacingOccurrences(of: "\u{2060}", with: "").contains("Hello \(HostileProviderText.name),"))
        #expect(text.contains("https://x.example/a%E2%80%99b"), "a percent-encoding is no Mailgun variable")
        #expect(html.contains("&#37;recipient.id%") && html.contains("&#37;unsubscribe_url%"))
    }

    @Test func postmarkAndGenericBatchesCarryTokensAsPlainText() throws {
        // Whole messages: neither Postmark's batch call nor an MTA reads any template syntax.
        let body = try HostileProviderText().run(self, provider: .postmark)
        let message = (body["messages"] as! [[String: Any]])[0]
        #expect((message["TextBody"] as! String).contains("Hello \(HostileProviderText.name),"))
        #expect((message["TextBody"] as! String).contains(HostileProviderText.policy))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("ledger.sqlite"))
        var generic = try request(users: "users.csv", out: "generic")
        generic.facts.sections = [NoticeSection(heading: "2", changes: [HostileProviderText.policy])]
        _ = try Notifier.run(generic)
        let raw = try jsonLines("generic")[0]["raw"]!
        let text = MessageTests.body(String(raw[raw.range(of: "text/plain")!.lowerBound...]))
        #expect(text.contains("Hello \(HostileProviderText.name),") && text.contains(HostileProviderText.policy))
    }

    @Test func sesMailboxesQuoteASCIINamesAndEncodeTheRest() {
        #expect(ProviderBody.encodedMailbox(#"Ada "A" \ L"#, "a@example.com") == #""Ada \"A\" \\ L" <a@example.com>"#)
        #expect(ProviderBody.encodedMailbox("", "a@example.com") == "a@example.com")
        // An ASCII name that reads as an encoded-word to a lax decoder is encoded itself.
        let smuggled = ProviderBody.encodedMailbox("=?utf-8?b?PGV2aWxAeD4=?=", "a@example.com")
        #expect(smuggled.hasPrefix("=?UTF-8?B?") && smuggled.hasSuffix(" <a@example.com>") && !smuggled.contains("PGV2aWxAeD4=?= <"))
        #expect(MessageTests.decodeHeader(String(smuggled.dropLast(" <a@example.com>".count))) == "=?utf-8?b?PGV2aWxAeD4=?=")
        let long = ProviderBody.encodedMailbox(String(repeating: "Zoë ", count: 20), "a@example.com")
        #expect(!long.contains("\r") && !long.contains("\n") && long.hasSuffix(" <a@example.com>"), "one line in a JSON field")
    }
}

private enum SHA256Digest {
    static func of(_ data: Data) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: data))
    }
}

private extension Data {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes)
    }
}

/// The two ledgers every ledger test runs against.
enum LedgerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}
