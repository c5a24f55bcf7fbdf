import Foundation
import PolicyModel
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// MIME encodings and whole messages: line limits, encoded-words, no header injection, stable ids.
struct MessageTests {
    /// Decodes quoted-printable (RFC 2045), independently of the encoder.
    static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { $0.last == 0x0D ? $0.dropLast() : $0 }
        for (number, line) in lines.enumerated() {
            var index = line.startIndex
            var soft = false
            while index < line.endIndex {
                if line[index] == UInt8(ascii: "=") {
                    if index + 1 == line.endIndex { soft = true; break }
                    let hex = String(decoding: line[(index + 1)...(index + 2)], as: UTF8.self)
                    out.append(UInt8(hex, radix: 16)!)
                    index += 3
                } else {
                    out.append(line[index])
                    index += 1
                }
            }
            if !soft && number < lines.count - 1 { out.append(0x0A) }
        }
        return out
    }

    /// Decodes a header value made of `=?UTF-8?B?…?=` words and plain text.
    static func decodeHeader(_ value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n ", with: " ")
        var result = ""
        var rest = Substring(unfolded)
        var previousWasWord = false
        while let start = rest.range(of: "=?UTF-8?B?") {
            let between = rest[..<start.lowerBound]
            // Space between two encoded-words is not part of the text (RFC 2047 6.2).
            if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { result += between }
            let body = rest[start.upperBound...]
            let end = body.range(of: "?=")!
            result += String(decoding: Data(base64Encoded: String(body[..<end.lowerBound]))!, as: UTF8.self)
            rest = body[end.upperBound...]
            previousWasWord = true
        }
        return (result + rest).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The decoded body of a MIME part (the text after its headers).
    static func body(_ part: String) -> String {
        var content = part.range(of: "\r\n\r\n").map { String(part[$0.upperBound...]) } ?? ""
        if let closing = content.range(of: "\r\n--=_policyc") { content = String(content[..<closing.lowerBound]) }
        return String(decoding: decodeQuotedPrintable(Array(content.utf8)), as: UTF8.self)
    }

    @Test(arguments: [
        "plain ascii line",
        String(repeating: "long line of words ", count: 30),
        "trailing space ",
        "trailing tab\t",
        "From the start of a line",
        String(repeating: "A", count: 74) + "From Mars, after a soft break",
        "equals = sign and ==== runs",
        "Zoë, 李娜, محمد علي, 👩‍💻 and “quotes”",
        String(repeating: "é", count: 200),
        "",
    ])
    func quotedPrintableRoundTripsWithShortLines(text: String) {
        let encoded = MIME.quotedPrintable(text + "\n")
        for line in String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76)
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "no trailing white space survives transport")
            #expect(!line.hasPrefix("From "), "mbox-style MTAs mangle it")
            #expect(!line.contains("=_"), "so a boundary with =_ can never occur in a body")
        }
        #expect(Self.decodeQuotedPrintable(encoded) == Array((text + "\n").utf8))
    }

    @Test(arguments: ["Ada Lovelace", "Zoë Ångström", "李娜", "محمد علي", "Zoe 👩‍💻🇫🇷", "Robert \"Bobby\" Tables",
                      "Smith, Jr., John", String(repeating: "名", count: 200), "=?UTF-8?B?forged?="])
    func mailboxesFoldAndDecodeToTheName(name: String) {
        var out = Array("To: ".utf8)
        MIME.appendMailbox(name: name, address: "user@example.com", startColumn: 4, to: &out)
        let text = String(decoding: out, as: UTF8.self)
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "folded: \(line)")
            #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "headers are ASCII")
        }
        #expect(text.hasSuffix(" <user@example.com>"))
        let display = String(text.dropFirst(4).dropLast(" <user@example.com>".count))
        #expect(Self.decodeHeader(display) == name)
    }

    @Test func subjectsFoldAtSpacesOrBecomeEncodedWords() {
        let ascii = MIME.header("Subject", String(repeating: "Changes to our Privacy Policy ", count: 5) + "end")
        let asciiLines = String(decoding: ascii, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        #expect(asciiLines.count > 1)
        #expect(asciiLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(asciiLines.dropFirst().allSatisfy { $0.hasPrefix(" ") }, "continuation lines start with white space")

        let accented = String(decoding: MIME.header("Subject", "Modifications de notre Politique de confidentialité"), as: UTF8.self)
        #expect(accented.hasPrefix("Subject: =?UTF-8?B?"))
        // "\r\n" is one Character: dropLast(1) drops the line end.
        #expect(Self.decodeHeader(String(accented.dropFirst(9).dropLast(1))) == "Modifications de notre Politique de confidentialité")
    }

    @Test func datesAreRFC5322() {
        #expect(MIME.date(secondsSince1970: 0) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(MIME.date(secondsSince1970: 1_795_944_793) == "Sun, 29 Nov 2026 09:33:13 +0000")
    }

    // MARK: Whole messages

    static let facts = NoticeFacts(
        document: "privacy-policy", title: "Privacy Policy", version: "v2", verdict: "material",
        releaseDate: CalendarDate(year: 2026, month: 11, day: 20)!, effectiveDate: CalendarDate(year: 2026, month: 12, day: 20)!,
        pageURL: "https://quillmate.example/legal/privacy-policy/v2.html",
        changesURL: "https://quillmate.example/legal/privacy-policy/v2-changes.html", siteTitle: "Quillmate Legal",
        sections: [NoticeSection(heading: "2. Information We Collect", changes: ["Added: “your phone number” <b>&</b>"])],
        editorialCount: 3)

    static func composer(_ encoding: MessageEncoding, locale: String = "") throws -> MessageComposer {
        let templates = try NoticeTemplateSources.load(folder: nil, displayFolder: "templates/email")
        let key = templates.key(for: locale)
        let notice = try CompiledNotice.compile(templates.sets[key]!, locale: key, facts: facts, templatePath: "templates/email")
        let envelope = MessageEnvelope(fromName: "Quillmate Legal", fromAddress: "legal@quillmate.example",
                                       date: "Sun, 29 Nov 2026 09:33:13 +0000", release: "privacy-policy@v2")
        return MessageComposer(notice: notice, envelope: envelope, encoding: encoding)
    }

    static func message(_ recipient: Recipient, encoding: MessageEncoding = .raw, locale: String = "") throws -> String {
        let composer = try composer(encoding, locale: locale)
        var out: [UInt8] = [], scratch: [UInt8] = []
        composer.compose(recipient: recipient, messageID: "<id@quillmate.example>", into: &out, scratch: &scratch)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func aMessageIsMultipartAlternativeTextThenHTML() throws {
        let raw = try Self.message(Recipient(line: 2, id: "7", email: "zoe@example.com", name: "Zoë 🚀", locale: "en"))
        let (head, body) = try #require(raw.split(separator: "\r\n\r\n", maxSplits: 1).map(String.init).pairs)
        let names = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix { $0 != ":" } }
        #expect(names == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted", "Content-Type"])
        #expect(head.contains("Auto-Submitted: auto-generated"))
        let boundary = try #require(head.firstMatch(of: /boundary="([^"]+)"/)?.1)
        let parts = body.components(separatedBy: "--\(boundary)")
        #expect(parts.count == 4, "preamble, text, html, closing")
        #expect(parts[1].contains("Content-Type: text/plain; charset=utf-8"))
        #expect(parts[2].contains("Content-Type: text/html; charset=utf-8"))
        #expect(parts[3] == "--\r\n")
        for line in raw.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }

        let text = Self.body(parts[1])
        #expect(text.contains("Hello Zoë 🚀,"))
        #expect(text.contains("20 December 2026"), "the date as the site writes it")
        #expect(text.contains("2. Information We Collect\n- Added: “your phone number” <b>&</b>"), "text is not HTML-escaped")
        #expect(text.contains("https://quillmate.example/legal/privacy-policy/v2-changes.html"))
        let html = Self.body(parts[2])
        #expect(html.contains("<li>Added: “your phone number” &lt;b&gt;&amp;&lt;/b&gt;</li>"), "facts are escaped in HTML")
        #expect(html.contains(#"<a href="https://quillmate.example/legal/privacy-policy/v2.html">"#))
    }

    @Test func valuesFromTheExportCannotAddHeadersOrMarkup() throws {
        // The reader refuses control characters in names; the composer's defence is encoding the rest.
        let raw = try Self.message(Recipient(line: 2, id: "1", email: "a@example.com",
                                             name: "<script>alert(1)</script> \"x\" Bcc: evil@example.com", locale: ""))
        let head = raw.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.components(separatedBy: "\r\n").contains { $0.hasPrefix("Bcc") })
        let html = Self.body(raw.components(separatedBy: "Content-Type: text/html; charset=utf-8")[1])
        #expect(html.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; Bcc: evil@example.com,"))
        #expect(!html.contains("<script>"))
    }

    @Test func frenchUsersGetTheFrenchTemplateOthersFallBack() throws {
        let french = try Self.message(Recipient(line: 2, id: "1", email: "a@example.fr", name: "Inès", locale: "fr-CA"), locale: "fr-CA")
        #expect(french.contains("Content-Language: fr"))
        // The date in French words, so the subject is RFC 2047-encoded.
        let subject = french.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject: ") }
            .prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
            .flatMap { $0.matches(of: /=\?UTF-8\?B\?([^?]*)\?=/) }
            .compactMap { Data(base64Encoded: String($0.output.1)) }.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(subject == "Modifications de notre Privacy Policy, en vigueur le 20 décembre 2026", "\(subject)")
        #expect(Self.body(french.components(separatedBy: "Content-Type: text/html; charset=utf-8")[1]).contains(#"<html lang="fr">"#))
        let german = try Self.message(Recipient(line: 2, id: "1", email: "a@example.de", name: "Jürgen", locale: "de"), locale: "de")
        #expect(german.contains("Subject: Changes to our Privacy Policy"))
    }

    @Test func jsonEncodingHoldsTheSameMessage() throws {
        let recipient = Recipient(line: 2, id: "1", email: "a@example.com", name: "李娜", locale: "")
        let raw = try Self.message(recipient)
        let json = try Self.message(recipient, encoding: .jsonString)
        let decoded = try JSONDecoder().decode(String.self, from: Data("\"\(json)\"".utf8))
        #expect(decoded == raw)
    }

    @Test func messageIDsAndContentHashesAreStable() throws {
        let envelope = MessageEnvelope(fromName: "", fromAddress: "legal@quillmate.example", date: "", release: "privacy-policy@v2")
        let other = MessageEnvelope(fromName: "", fromAddress: "legal@quillmate.example", date: "", release: "privacy-policy@v3")
        #expect(envelope.messageID(userID: "1") == envelope.messageID(userID: "1"))
        #expect(envelope.messageID(userID: "1") != envelope.messageID(userID: "2"))
        #expect(envelope.messageID(userID: "1") != other.messageID(userID: "1"))
        #expect(envelope.messageID(userID: "1").wholeMatch(of: /<[0-9a-f]{24}\.privacy-policy\.v2@quillmate\.example>/) != nil)
        let composer = try Self.composer(.raw)
        #expect(composer.contentHash(values: ["Ada", "a@example.com"]) == composer.contentHash(values: ["Ada", "a@example.com"]))
        #expect(composer.contentHash(values: ["Ada", "a@example.com"]) != composer.contentHash(values: ["Bob", "a@example.com"]))
    }

    @Test func aBrokenTemplateIsReportedWithItsFile() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (part, text) in [("subject", "Hi"), ("text", "{{#sections}}unclosed"), ("html", "<p>hi</p>")] {
            try text.write(to: folder.appendingPathComponent("notice.\(part).mustache"), atomically: true, encoding: .utf8)
        }
        let templates = try NoticeTemplateSources.load(folder: folder, displayFolder: "templates/email")
        #expect {
            _ = try CompiledNotice.compile(templates.sets[""]!, locale: "", facts: Self.facts, templatePath: "templates/email")
        } throws: { error in
            "\(error)".hasPrefix("templates/email/notice.text.mustache:")
        }
    }
}

private extension Array where Element == String {
    var pairs: (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
