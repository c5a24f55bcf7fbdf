import Crypto

/// `--shard K/N`: the share of the Users one machine plans and sends. A User belongs to the shard of
/// their mailbox (the address as `notice.dedupe` compares it: `Jane@Example.COM` and
/// `jane@example.com` are one mailbox), so two exports that list one mailbox under different ids,
/// or in a different case, put it on the same shard, where the ledger merges the second row.
///
/// The hash is stable across runs, machines, releases and policyc versions (it is documented in
/// notices.md and must not change): the first 8 bytes of SHA-256 of `policyc shard`, a NUL byte and
/// the mailbox, read big-endian as an unsigned integer, modulo N; shard K holds the remainder K − 1.
public struct NoticeShard: Sendable, Hashable, CustomStringConvertible {
    /// 1 to `count`.
    public let index: Int
    public let count: Int

    /// More shards than machines anyone runs, and few enough that `K/N` stays short.
    public static let maximumCount = 10_000

    public init(index: Int, count: Int) throws(NoticeError) {
        guard (1...Self.maximumCount).contains(count), (1...count).contains(index) else {
            throw .invalidOption("--shard \(index)/\(count): K/N needs 1 ≤ K ≤ N ≤ \(Self.maximumCount)")
        }
        self.index = index
        self.count = count
    }

    /// `K/N`, as `--shard` takes it.
    public init(_ text: String) throws(NoticeError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw .invalidOption("--shard takes K/N (this machine's share of N, e.g. 2/4), not '\(String(text.unicodeScalars.prefix(40).map(Character.init)))'")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the User with this mailbox (`Recipient.mailbox`) is this shard's.
    public func contains(mailbox: String) -> Bool {
        Self.number(mailbox: mailbox, count: count) == index
    }

    /// The shard (1 to `count`) of a mailbox.
    public static func number(mailbox: String, count: Int) -> Int {
        let digest = SHA256.hash(data: Array("policyc shard\u{0}\(mailbox)".utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(count)) + 1
    }
}
