import Crypto
import Foundation
import PolicyModel

/// How a composed message is written: as RFC 5322 bytes (`.eml`, sendmail), or escaped inside a JSON
/// string (a JSON Lines batch).
public enum MessageEncoding: Sendable {
    case raw
    case jsonString
}

/// The sender, the date and the message ids' domain: the same for every message of a run.
public struct MessageEnvelope: Sendable, Hashable {
    public var fromName: String
    public var fromAddress: String
    /// RFC 5322 date of the run.
    public var date: String
    /// The release, as `privacy-policy@v3`: part of every Message-ID.
    public var release: String
    /// `.privacy-policy.v3@quillmate.example>`: the end of every Message-ID.
    private let idSuffix: String

    public init(fromName: String, fromAddress: String, date: String, release: String) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.date = date
        self.release = release
        // A msg-id is ASCII: anything else in the release's name (a document named política) becomes a dot.
        let releasePart = String(release.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "." })
        idSuffix = ".\(releasePart)@\(EmailAddress.domain(fromAddress) ?? "policyc.invalid")>"
    }

    /// Stable per (release, User): a re-sent message carries the same id, so a provider or an MTA
    /// can drop the duplicate.
    public func messageID(userID: String) -> String { identity(userID: userID).messageID }

    /// The Message-ID, and a 64-bit key of the (release, User) pair from the same digest: the ledger
    /// indexes Users by it.
    func identity(userID: String) -> (messageID: String, key: Int64) {
        var hasher = SHA256()
        hasher.update(data: Array(release.utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(userID.utf8))
        let digest = Array(hasher.finalize())
        return ("<" + digest.prefix(12).hexString + idSuffix, Hex.key(digest))
    }
}

/// 64-bit keys from digests.
enum Hex {
    /// The first 8 bytes of a digest as a signed integer, for SQLite.
    static func key(_ digest: [UInt8]) -> Int64 {
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    /// A 64-bit key of a text (a mailbox).
    static func key(of text: String) -> Int64 {
        key(Array(SHA256.hash(data: Array(text.utf8))))
    }
}

/// A compiled notice laid out as a MIME message, once per run and locale: every fixed byte is
/// encoded (quoted-printable, then JSON if asked) ahead of time, and only the lines holding a
/// User's values are encoded per message, into a buffer the caller reuses.
public struct MessageComposer: Sendable {
    private enum Piece: Sendable {
        case bytes([UInt8])
        case to
        case messageID
        case subject([NoticePart])
        /// The rest of a line from its first per-User value, encoded from `column` on.
        case quotedPrintableTail([NoticePart], column: Int, html: Bool)
    }

    public let notice: CompiledNotice
    public let encoding: MessageEncoding
    private var pieces: [Piece] = []
    private let envelope: MessageEnvelope
    private let digestBytes: [UInt8]

    public init(notice: CompiledNotice, envelope: MessageEnvelope, encoding: MessageEncoding) {
        self.notice = notice
        digestBytes = Array(notice.digest.utf8)
        self.envelope = envelope
        self.encoding = encoding
        // QP output never holds "=_", so no body line can be mistaken for this boundary.
        let boundary = "=_policyc_" + String(notice.digest.prefix(16))
        var fixed: [UInt8] = []
        fixed += MIME.header("Date", envelope.date)
        fixed += Array("From: ".utf8)
        MIME.appendMailbox(name: envelope.fromName, address: envelope.fromAddress, startColumn: 6, to: &fixed)
        fixed += MIME.crlf
        fixed += Array("To: ".utf8)
        append(.bytes(fixed))
        append(.to)
        fixed = MIME.crlf
        if notice.subject.contains(where: { if case .variable = $0 { true } else { false } }) {
            fixed += Array("Subject: ".utf8)
            append(.bytes(fixed))
            append(.subject(notice.subject))
            fixed = MIME.crlf
        } else {
            fixed += MIME.header("Subject", CompiledNotice.describe(notice.subject))
        }
        fixed += Array("Message-ID: ".utf8)
        append(.bytes(fixed))
        append(.messageID)
        fixed = MIME.crlf
        fixed += Array("MIME-Version: 1.0\r\n".utf8)
        // RFC 3834: a machine sent this; auto-responders should not answer it.
        fixed += Array("Auto-Submitted: auto-generated\r\n".utf8)
        if !notice.locale.isEmpty { fixed += Array("Content-Language: \(notice.locale)\r\n".utf8) }
        fixed += Array("Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n".utf8)
        for (parts, type, html) in [(notice.text, "plain", false), (notice.html, "html", true)] {
            fixed += Array("--\(boundary)\r\nContent-Type: text/\(type); charset=utf-8\r\n".utf8)
            fixed += Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            for line in Self.lines(parts) {
                if let first = line.firstIndex(where: { if case .variable = $0 { true } else { false } }) {
                    let column = MIME.appendQuotedPrintable(Array(CompiledNotice.describe(Array(line[..<first])).utf8), column: 0,
                                                            endsLine: false, to: &fixed)
                    append(.bytes(fixed))
                    fixed = []
                    append(.quotedPrintableTail(Array(line[first...]), column: column, html: html))
                } else {
                    MIME.appendQuotedPrintableLine(Array(CompiledNotice.describe(line).utf8), to: &fixed)
                }
            }
        }
        fixed += Array("--\(boundary)--\r\n".utf8)
        append(.bytes(fixed))
    }

    private mutating func append(_ piece: Piece) {
        if case .bytes(let bytes) = piece {
            let encoded = encoding == .jsonString ? Self.jsonEscaped(bytes) : bytes
            if case .bytes(let previous)? = pieces.last {
                pieces[pieces.count - 1] = .bytes(previous + encoded)
            } else {
                pieces.append(.bytes(encoded))
            }
        } else {
            pieces.append(piece)
        }
    }

    /// The values a User's message is filled with, by `NoticeVariable`: name (empty when there is
    /// none), address, and the name after a space (nothing when there is none).
    public static func values(for recipient: Recipient) -> [String] {
        [recipient.name, recipient.email, recipient.name.isEmpty ? "" : " " + recipient.name]
    }

    /// SHA-256 over the template digest and the User's values: it fixes what the User was told,
    /// whatever the transfer encoding, and costs nothing per message.
    public func contentHash(values: [String]) -> String {
        var hasher = SHA256()
        hasher.update(data: digestBytes)
        for value in values {
            hasher.update(data: [0])
            hasher.update(data: Array(value.utf8))
        }
        return Array(hasher.finalize()).hexString
    }

    /// Appends the message for `recipient` to `out`.
    public func compose(recipient: Recipient, messageID: String, into out: inout [UInt8], scratch: inout [UInt8]) {
        let values = Self.values(for: recipient)
        for piece in pieces {
            switch piece {
            case .bytes(let bytes):
                out.append(contentsOf: bytes)
            case .to:
                scratch.removeAll(keepingCapacity: true)
                MIME.appendMailbox(name: recipient.name, address: recipient.email, startColumn: 4, to: &scratch)
                emit(scratch, into: &out)
            case .messageID:
                emit(Array(messageID.utf8), into: &out)
            case .subject(let parts):
                scratch.removeAll(keepingCapacity: true)
                MIME.appendUnstructured(CompiledNotice.fill(parts, values: values, html: false), startColumn: 9, to: &scratch)
                emit(scratch, into: &out)
            case .quotedPrintableTail(let parts, let column, let html):
                scratch.removeAll(keepingCapacity: true)
                // A value may hold no line break (the reader refuses them), so this stays one line.
                MIME.appendQuotedPrintable(CompiledNotice.fill(parts, values: values, html: html).utf8, column: column,
                                           endsLine: true, to: &scratch)
                emit(scratch, into: &out)
            }
        }
    }

    private func emit(_ bytes: [UInt8], into out: inout [UInt8]) {
        switch encoding {
        case .raw: out.append(contentsOf: bytes)
        case .jsonString: JSONText.appendEscaped(bytes, to: &out)
        }
    }

    /// Splits parts at line breaks: each element is one line's parts.
    static func lines(_ parts: [NoticePart]) -> [[NoticePart]] {
        var lines: [[NoticePart]] = [[]]
        for part in parts {
            switch part {
            case .variable:
                lines[lines.count - 1].append(part)
            case .text(let text):
                let pieces = text.split(separator: "\n", omittingEmptySubsequences: false)
                for (index, piece) in pieces.enumerated() {
                    if index > 0 { lines.append([]) }
                    let clean = piece.hasSuffix("\r") ? piece.dropLast() : piece
                    if !clean.isEmpty { lines[lines.count - 1].append(.text(String(clean))) }
                }
            }
        }
        // A final line break ends the last line rather than starting an empty one.
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func jsonEscaped(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        JSONText.appendEscaped(bytes, to: &out)
        return out
    }
}
