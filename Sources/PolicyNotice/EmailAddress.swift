/// When two rows of an export are one mailbox (`notice.dedupe` in policyc.yml).
public enum MailboxRule: String, Sendable, Hashable, CaseIterable, Codable {
    /// The local part without case, like the domain: `Ada@example.com` and `ada@example.com` reach one
    /// inbox at every provider we know, so one notice covers both rows (the default).
    case mailbox
    /// The local part as written: RFC 5321 lets a host tell `Ada` from `ada`, and a few do.
    case exact
}

/// The addresses a notice can be sent to: ASCII `local@domain` with a dot-atom local part and a
/// host name of two or more labels. Quoted local parts and addresses needing SMTPUTF8 are refused:
/// the providers and MTAs we hand off to do not all take them, and a notice that bounces is lost.
public enum EmailAddress {
    /// nil when valid, else why not.
    public static func problem(_ address: String) -> String? {
        let bytes = Array(address.utf8)
        guard !bytes.isEmpty else { return "no email address" }
        guard bytes.count <= 254 else { return "address longer than 254 characters" }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return "non-ASCII address (needs SMTPUTF8)" }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return "no @ in the address" }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty else { return "nothing before the @" }
        guard local.count <= 64 else { return "local part longer than 64 characters" }
        guard local.allSatisfy({ isAtext($0) || $0 == UInt8(ascii: ".") }) else {
            return "character not allowed before the @"
        }
        if local.first == UInt8(ascii: ".") || local.last == UInt8(ascii: ".") || containsDoubleDot(local) {
            return "misplaced dot before the @"
        }
        // `=?utf-8?b?…?=` is an RFC 2047 encoded-word: some MTAs and providers decode it in an address
        // and others do not, so one address would name two mailboxes (the notice could go elsewhere).
        if zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: "=") && $1 == UInt8(ascii: "?") }) {
            return "an RFC 2047 encoded-word (=?) before the @, which receivers read differently"
        }
        guard !domain.isEmpty else { return "no domain after the @" }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain needs a dot (\(String(decoding: domain, as: UTF8.self)))" }
        for label in labels {
            guard !label.isEmpty else { return "empty label in the domain" }
            guard label.count <= 63 else { return "domain label longer than 63 characters" }
            guard label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else {
                return "character not allowed in the domain"
            }
            guard label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                return "domain label starts or ends with a hyphen"
            }
        }
        guard let top = labels.last, top.contains(where: { !isDigit($0) }) else { return "the domain is a number" }
        return nil
    }

    /// The key two rows are the same mailbox by: the domain without case, and the local part without
    /// case too (`.mailbox`) or as written (`.exact`). Addresses are ASCII, so case is ASCII case.
    public static func mailboxKey(_ address: String, _ rule: MailboxRule = .mailbox) -> String {
        guard let at = address.utf8.lastIndex(of: UInt8(ascii: "@")) else { return address }
        let local = String(address[..<at])
        return (rule == .mailbox ? local.lowercased() : local) + "@" + address[address.index(after: at)...].lowercased()
    }

    /// The domain part, for Message-IDs.
    public static func domain(_ address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty ? nil : String(domain)
    }

    private static func containsDoubleDot(_ bytes: ArraySlice<UInt8>) -> Bool {
        var previousDot = false
        for byte in bytes {
            let dot = byte == UInt8(ascii: ".")
            if dot && previousDot { return true }
            previousDot = dot
        }
        return false
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    /// RFC 5322 atext.
    private static func isAtext(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
