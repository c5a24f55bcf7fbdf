import Crypto
import Foundation
import PolicyModel

/// What `notify` writes for a sender to pick up.
public enum BatchFormat: String, Sendable, CaseIterable, Codable {
    /// One JSON object a line: the User, the address, the Message-ID, the content hash and the whole
    /// RFC 5322 message (`raw`).
    case jsonl
    /// A folder per batch, one RFC 5322 file per message.
    case eml
}

/// Whose request bodies a batch is: `generic` writes `BatchFormat` files; the others write the JSON
/// body of the provider's bulk-send call, within its limit.
public enum Provider: String, Sendable, CaseIterable, Codable {
    case generic, ses, sendgrid, mailgun, postmark

    /// The most messages one call takes: SES v2 SendBulkEmail 50 entries, SendGrid v3 1000
    /// personalizations, Mailgun 1000 recipients, Postmark's batch endpoint 500 messages.
    public var maximumBatch: Int {
        switch self {
        case .generic: 100_000
        case .ses: 50
        case .sendgrid, .mailgun: 1000
        case .postmark: 500
        }
    }

    public var defaultBatch: Int { self == .generic ? 1000 : maximumBatch }
}

/// Writes one batch file (or folder) aside, then renames it into place, so a batch on disk is always
/// whole. Buffers are reused from batch to batch.
struct BatchWriter {
    let folder: URL
    let format: BatchFormat
    let provider: Provider
    let envelope: MessageEnvelope
    private var buffer: [UInt8] = []
    private var scratch: [UInt8] = []

    init(folder: URL, format: BatchFormat, provider: Provider, envelope: MessageEnvelope) {
        self.folder = folder
        self.format = format
        self.provider = provider
        self.envelope = envelope
    }

    func fileName(number: Int) -> String {
        let stem = "batch-" + String(repeating: "0", count: max(0, 6 - String(number).count)) + String(number)
        switch (provider, format) {
        case (.generic, .jsonl): return stem + ".jsonl"
        case (.generic, .eml): return stem
        default: return "\(stem).\(provider.rawValue).json"
        }
    }

    /// The size of a batch on disk (a folder's files together), or nil when it is missing: after a
    /// power cut, a batch recorded as written may not have reached the disk whole.
    func sizeOnDisk(_ batch: NoticeLedger.Batch) -> Int? {
        let url = folder.appendingPathComponent(batch.file)
        let manager = FileManager.default
        guard provider == .generic, format == .eml else {
            return (try? manager.attributesOfItem(atPath: url.path))?[.size] as? Int
        }
        var total = 0
        for seq in 0..<batch.messages {
            guard let size = (try? manager.attributesOfItem(atPath: url.appendingPathComponent(Self.emlName(seq: seq)).path))?[.size] as? Int
            else { return nil }
            total += size
        }
        return total
    }

    static func emlName(seq: Int) -> String {
        String(repeating: "0", count: max(0, 6 - String(seq + 1).count)) + String(seq + 1) + ".eml"
    }

    /// Writes the batch; returns its SHA-256 (of the file, or for a folder, of each file's name and bytes
    /// in order) and its size in bytes (for a folder, of its files together).
    mutating func write(number: Int, planned: [NoticeLedger.Planned],
                        composer: (String) throws(NoticeError) -> MessageComposer) throws(NoticeError) -> (sha256: String, bytes: Int) {
        let name = fileName(number: number)
        let target = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).tmp")
        switch (provider, format) {
        case (.generic, .jsonl):
            // Written and hashed a quarter megabyte at a time: memory stays flat whatever the batch size.
            let file = try StagedOutput(target, staging: temporary)
            var hasher = SHA256()
            var bytes = 0
            buffer.removeAll(keepingCapacity: true)
            for item in planned {
                let composer = try composer(item.locale)
                buffer.append(contentsOf: #"{"user":""#.utf8)
                JSONText.appendEscaped(item.recipient.id.utf8, to: &buffer)
                buffer.append(contentsOf: #"","to":""#.utf8)
                buffer.append(contentsOf: item.recipient.email.utf8)
                buffer.append(contentsOf: #"","messageId":""#.utf8)
                buffer.append(contentsOf: item.messageID.utf8)
                buffer.append(contentsOf: #"","contentHash":""#.utf8)
                buffer.append(contentsOf: item.contentHash.utf8)
                buffer.append(contentsOf: #"","raw":""#.utf8)
                composer.compose(recipient: item.recipient, messageID: item.messageID, into: &buffer, scratch: &scratch)
                buffer.append(contentsOf: "\"}\n".utf8)
                if buffer.count >= 1 << 18 {
                    hasher.update(data: buffer)
                    try file.write(buffer)
                    bytes += buffer.count
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            hasher.update(data: buffer)
            try file.write(buffer)
            bytes += buffer.count
            try file.commit(flushing: false)
            return (Data(hasher.finalize()).hexString, bytes)
        case (.generic, .eml):
            try? FileManager.default.removeItem(at: temporary)
            do {
                try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            } catch {
                throw .unwritable(path: temporary.path, reason: "\(error)")
            }
            var hasher = SHA256()
            var bytes = 0
            for (seq, item) in planned.enumerated() {
                buffer.removeAll(keepingCapacity: true)
                try composer(item.locale).compose(recipient: item.recipient, messageID: item.messageID, into: &buffer,
                                                  scratch: &scratch)
                let file = Self.emlName(seq: seq)
                try FileOutput.write(buffer, to: temporary.appendingPathComponent(file))
                hasher.update(data: Array(file.utf8) + [0])
                hasher.update(data: buffer)
                bytes += buffer.count
            }
            // A folder left by a run that died before recording it holds the same Users: replace it.
            try? FileManager.default.removeItem(at: target)
            try FileOutput.rename(temporary, to: target)
            return (Data(hasher.finalize()).hexString, bytes)
        default:
            let body = try ProviderBody.encode(provider: provider, envelope: envelope, planned: planned, composer: composer)
            let file = try StagedOutput(target, staging: temporary)
            try file.write(body)
            try file.commit(flushing: false)
            return (Data(SHA256.hash(data: body)).hexString, body.count)
        }
    }
}

/// A file written with POSIX calls, in pieces.
final class OutputFile {
    private let path: String
    private var descriptor: Int32

    init(_ url: URL, mode: mode_t = 0o644) throws(NoticeError) {
        path = url.path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
    }

    func write(_ bytes: [UInt8]) throws(NoticeError) {
        guard let failure = bytes.withUnsafeBytes({ FileDescriptor.writeAll($0, to: descriptor) }) else { return }
        throw .unwritable(path: path, reason: String(cString: strerror(failure)))
    }

    /// Waits until what was written is on disk.
    func sync() throws(NoticeError) {
        guard fsync(descriptor) != 0 else { return }
        throw .unwritable(path: path, reason: String(cString: strerror(errno)))
    }

    func close() throws(NoticeError) {
        let result = Foundation.close(descriptor)
        descriptor = -1
        guard result == 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit {
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
    }
}

/// Whole files, written aside and renamed.
enum FileOutput {
    static func write(_ bytes: [UInt8], to url: URL) throws(NoticeError) {
        let file = try OutputFile(url)
        try file.write(bytes)
        try file.close()
    }

    static func rename(_ from: URL, to: URL) throws(NoticeError) {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw .unwritable(path: to.path, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes aside, flushed, then renames: readers see the old file or the new one, whole.
    static func replace(_ url: URL, with bytes: [UInt8]) throws(NoticeError) {
        let file = try StagedOutput(url)
        try file.write(bytes)
        try file.commit()
    }
}

/// A file replaced through `StagedFile`, policyc's one way to replace a file, with the notices' errors.
/// Staged as `.<name>.tmp` beside it: one writer at a time holds the ledger's lock.
struct StagedOutput {
    private let file: StagedFile

    init(_ url: URL, staging: URL? = nil) throws(NoticeError) {
        let staging = staging ?? url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            file = try StagedFile.create(replacing: url.path, staging: staging.path)
        } catch {
            throw .unwritable(path: staging.path, reason: DurableFile.reason(error.code))
        }
    }

    func write(_ bytes: [UInt8]) throws(NoticeError) {
        guard let code = file.write(bytes) else { return }
        throw .unwritable(path: file.staging, reason: DurableFile.reason(code))
    }

    /// `flushing: false` for batches only (`StagedFile.commit`; docs/notices.md says why).
    func commit(flushing: Bool = true) throws(NoticeError) {
        guard let code = file.commit(flushing: flushing) else { return }
        throw .unwritable(path: file.target, reason: DurableFile.reason(code))
    }
}

/// The request bodies of the providers' bulk-send calls. Per-User values use each provider's own
/// substitution, except Postmark's batch call, which takes whole messages. Text that is not ours
/// (the policy's, a User's) never reads as the provider's syntax: SES renders Handlebars, SendGrid
/// replaces its substitution keys anywhere in the content, Mailgun its `%recipient.x%` variables.
/// Postmark's batch call and the generic batches take whole messages, where no token means anything.
enum ProviderBody {
    static func encode(provider: Provider, envelope: MessageEnvelope, planned: [NoticeLedger.Planned],
                       composer: (String) throws(NoticeError) -> MessageComposer) throws(NoticeError) -> [UInt8] {
        let from = envelope.fromName.isEmpty ? envelope.fromAddress : "\(quoted(envelope.fromName)) <\(envelope.fromAddress)>"
        // One call carries one content: a batch's Users share a locale's templates in SES, SendGrid and
        // Mailgun, so those batches are split by locale by the caller.
        let value: any Encodable
        switch provider {
        case .generic:
            preconditionFailure("generic batches are not provider bodies")
        case .ses:
            let notice = try composer(planned[0].locale).notice
            value = SESBulk(
                FromEmailAddress: encodedMailbox(envelope.fromName, envelope.fromAddress),
                DefaultContent: .init(Template: .init(
                    // SES does not escape replacement values: the HTML part takes values escaped here.
                    // Values are Handlebars data, never read as a template: only the fixed text is escaped.
                    TemplateContent: .init(Subject: fill(notice.subject, { "{{\($0)}}" }, fixed: handlebarsText),
                                           Text: fill(notice.text, { "{{\($0)}}" }, fixed: handlebarsText),
                                           Html: fill(notice.html, { "{{\($0)HTML}}" }, fixed: handlebarsText)),
                    TemplateData: "{}",
                    Headers: [.init(Name: "Auto-Submitted", Value: "auto-generated")])),
                BulkEmailEntries: planned.map { item in
                    .init(Destination: .init(ToAddresses: [encodedMailbox(item.recipient.name, item.recipient.email)]),
                          ReplacementHeaders: [.init(Name: "X-Notice-ID", Value: item.messageID)],
                          ReplacementEmailContent: .init(ReplacementTemplate: .init(
                            ReplacementTemplateData: json(values(item.recipient).merging(handlebarsData) { $1 }))))
                })
        case .sendgrid:
            // Inline content with (legacy) substitutions, not a dynamic template: no Handlebars here. SendGrid
            // replaces its keys anywhere in the content, values included, so no other text may hold one.
            let notice = try composer(planned[0].locale).notice
            let inert = { (text: String, html: Bool) in breakTokens(text, lead: "-", html: html) { $0.starts(with: "policyc.".unicodeScalars) } }
            value = SendGridMail(
                personalizations: planned.map { item in
                    .init(to: [.init(email: item.recipient.email, name: item.recipient.name.isEmpty ? nil : item.recipient.name)],
                          substitutions: Dictionary(uniqueKeysWithValues: values(item.recipient, inert: inert).map { ("-policyc.\($0.key)-", $0.value) }),
                          headers: ["X-Notice-ID": item.messageID],
                          custom_args: ["user_id": item.recipient.id, "release": envelope.release])
                },
                from: .init(email: envelope.fromAddress, name: envelope.fromName.isEmpty ? nil : envelope.fromName),
                subject: fill(notice.subject, { "-policyc.\($0)-" }) { inert($0, false) },
                content: [.init(type: "text/plain", value: fill(notice.text, { "-policyc.\($0)-" }) { inert($0, false) }),
                          .init(type: "text/html", value: fill(notice.html, { "-policyc.\($0)HTML-" }) { inert($0, true) })],
                headers: ["Auto-Submitted": "auto-generated"],
                tracking_settings: .init(click_tracking: .init(enable: false), open_tracking: .init(enable: false)))
        case .mailgun:
            // Mailgun's variables (`%recipient.x%`, `%unsubscribe_url%`) start with a letter past `f`, or
            // `_`: a percent-encoding (`%E2`) never does, so links are left whole.
            let notice = try composer(planned[0].locale).notice
            let inert = { (text: String, html: Bool) in
                breakTokens(text, lead: "%", html: html) { rest in
                    rest.first.map { $0 == "_" || ("g"..."z").contains($0) || ("G"..."Z").contains($0) } ?? false
                }
            }
            var variables: [String: [String: String]] = [:]
            for item in planned {
                variables[item.recipient.email] = values(item.recipient, inert: inert)
                    .merging(["id": item.recipient.id, "noticeID": item.messageID]) { $1 }
            }
            value = MailgunMessage(
                from: from, to: planned.map { mailbox($0.recipient) },
                subject: fill(notice.subject, { "%recipient.\($0)%" }) { inert($0, false) },
                text: fill(notice.text, { "%recipient.\($0)%" }) { inert($0, false) },
                html: fill(notice.html, { "%recipient.\($0)HTML%" }) { inert($0, true) },
                recipientVariables: json(variables), autoSubmitted: "auto-generated",
                noticeID: "%recipient.noticeID%", tracking: "no")
        case .postmark:
            var messages: [PostmarkMessage] = []
            for item in planned {
                let notice = try composer(item.locale).notice
                let values = MessageComposer.values(for: item.recipient)
                messages.append(PostmarkMessage(
                    From: from, To: mailbox(item.recipient),
                    Subject: CompiledNotice.fill(notice.subject, values: values, html: false),
                    TextBody: CompiledNotice.fill(notice.text, values: values, html: false),
                    HtmlBody: CompiledNotice.fill(notice.html, values: values, html: true),
                    Headers: [.init(Name: "Auto-Submitted", Value: "auto-generated"),
                              .init(Name: "X-Notice-ID", Value: item.messageID)],
                    MessageStream: "outbound", TrackOpens: false, TrackLinks: "None",
                    Metadata: ["user_id": item.recipient.id, "release": envelope.release]))
            }
            value = messages
        }
        do {
            return try JSONWriter.bytes(value, style: .compact) + [0x0A]
        } catch {
            throw .unwritable(path: provider.rawValue, reason: "\(error)")
        }
    }

    /// A User's values for the provider's substitution, and their HTML-escaped forms for the HTML part,
    /// each made `inert` for the provider (`html`: for the HTML part).
    private static func values(_ recipient: Recipient,
                               inert: (String, _ html: Bool) -> String = { text, _ in text }) -> [String: String] {
        let values = MessageComposer.values(for: recipient)
        var out: [String: String] = [:]
        for variable in NoticeVariable.allCases {
            out[variable.key] = inert(values[variable.rawValue], false)
            out[variable.key + "HTML"] = inert(CompiledNotice.escapeHTML(values[variable.rawValue]), true)
        }
        return out
    }

    /// `text` with each provider token in it broken, so the provider leaves it as text: the token's
    /// `lead` character becomes a character reference in HTML (it renders the same), and elsewhere is
    /// followed by U+2060 WORD JOINER (it shows nothing). `startsToken`: whether what follows a `lead`
    /// makes it a token.
    static func breakTokens(_ text: String, lead: Unicode.Scalar, html: Bool, startsToken: (Substring.UnicodeScalarView) -> Bool) -> String {
        guard text.unicodeScalars.contains(lead) else { return text }
        var out = String.UnicodeScalarView()
        var rest = text[...].unicodeScalars
        while let index = rest.firstIndex(of: lead) {
            out.append(contentsOf: rest[..<index])
            rest = rest[rest.index(after: index)...]
            if !startsToken(rest) {
                out.append(lead)
            } else if html {
                out.append(contentsOf: "&#\(lead.value);".unicodeScalars)
            } else {
                out.append(contentsOf: [lead, "\u{2060}"])
            }
        }
        out.append(contentsOf: rest)
        return String(out)
    }

    /// Fixed text in an SES template (Handlebars) with every `{` and `\` taken from the data
    /// (`handlebarsData`): nothing in it can open a mustache, and no backslash can escape one of ours.
    /// Handlebars' own `\{{` escape is not enough: a policy's `\{{` would become `\\{{`, which
    /// Handlebars reads as a backslash and a live mustache, and a `{` before one of ours would make a
    /// triple-stash.
    static func handlebarsText(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "{" || $0 == "\\" }) else { return text }
        var out = ""
        // Scalars, not characters: a `{` with a combining mark after it is one character.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "{": out += "{{lbrace}}"
            case "\\": out += "{{backslash}}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let handlebarsData = ["lbrace": "{", "backslash": "\\"]

    /// `Name <address>` as SES takes it: a name that is not plain ASCII, or that holds what would read
    /// as an encoded-word (`=?`), as RFC 2047 encoded-words; any other as a quoted-string.
    static func encodedMailbox(_ name: String, _ address: String) -> String {
        guard !name.isEmpty else { return address }
        if name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !name.contains("=?") { return "\(quoted(name)) <\(address)>" }
        var out: [UInt8] = []
        MIME.appendEncodedWords(name, startColumn: 0, to: &out)
        return String(decoding: out, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: " ") + " <\(address)>"
    }

    /// `"Name" <address>`: the name as a quoted-string (it holds no control characters).
    static func mailbox(_ recipient: Recipient) -> String {
        recipient.name.isEmpty ? recipient.email : "\(quoted(recipient.name)) <\(recipient.email)>"
    }

    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The parts with each per-User value as the provider's `token` for its key.
    private static func fill(_ parts: [NoticePart], _ token: (String) -> String,
                             fixed: (String) -> String) -> String {
        parts.map { part in
            switch part {
            case .text(let text): fixed(text)
            case .variable(let variable): token(variable.key)
            }
        }.joined()
    }

    private static func json(_ value: some Encodable) -> String {
        (try? JSONWriter.string(value, style: .compact)) ?? "{}"
    }

    // SES v2 SendBulkEmail.
    struct SESBulk: Encodable {
        struct Header: Encodable { var Name: String; var Value: String }
        struct Content: Encodable { var Subject: String; var Text: String; var Html: String }
        struct Template: Encodable { var TemplateContent: Content; var TemplateData: String; var Headers: [Header] }
        struct Default: Encodable { var Template: Template }
        struct Destination: Encodable { var ToAddresses: [String] }
        struct Replacement: Encodable { var ReplacementTemplateData: String }
        struct ReplacementContent: Encodable { var ReplacementTemplate: Replacement }
        struct Entry: Encodable {
            var Destination: Destination
            var ReplacementHeaders: [Header]
            var ReplacementEmailContent: ReplacementContent
        }
        var FromEmailAddress: String
        var DefaultContent: Default
        var BulkEmailEntries: [Entry]
    }

    // SendGrid v3 /mail/send.
    struct SendGridMail: Encodable {
        struct Address: Encodable { var email: String; var name: String? }
        struct Personalization: Encodable {
            var to: [Address]
            var substitutions: [String: String]
            var headers: [String: String]
            var custom_args: [String: String]
        }
        struct Content: Encodable { var type: String; var value: String }
        struct Switch: Encodable { var enable: Bool }
        struct Tracking: Encodable { var click_tracking: Switch; var open_tracking: Switch }
        var personalizations: [Personalization]
        var from: Address
        var subject: String
        var content: [Content]
        var headers: [String: String]
        var tracking_settings: Tracking
    }

    // Mailgun /v3/DOMAIN/messages form fields, as JSON (`to` repeats the field).
    struct MailgunMessage: Encodable {
        var from: String
        var to: [String]
        var subject: String
        var text: String
        var html: String
        var recipientVariables: String
        var autoSubmitted: String
        var noticeID: String
        var tracking: String

        enum CodingKeys: String, CodingKey {
            case from, to, subject, text, html
            case recipientVariables = "recipient-variables"
            case autoSubmitted = "h:Auto-Submitted"
            case noticeID = "h:X-Notice-ID"
            case tracking = "o:tracking"
        }
    }

    // Postmark /email/batch.
    struct PostmarkMessage: Encodable {
        struct Header: Encodable { var Name: String; var Value: String }
        var From: String
        var To: String
        var Subject: String
        var TextBody: String
        var HtmlBody: String
        var Headers: [Header]
        var MessageStream: String
        var TrackOpens: Bool
        var TrackLinks: String
        var Metadata: [String: String]
    }
}
