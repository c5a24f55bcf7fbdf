#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FNV-1a, 64 bits: a hash that is the same on every run and machine, unlike Swift's per-process
/// seeded `Hasher`. Source digests, clause keys, word bags and change fingerprints all use it.
public struct FNV1a: Sendable {
    @usableFromInline var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public var value: UInt64 { state }

    @inlinable public init() {}

    @inlinable public mutating func combine(_ byte: UInt8) {
        combine(word: UInt64(byte))
    }

    /// Eight bytes in one round, for long inputs (the result differs from combining them one by one).
    @inlinable public mutating func combine(word: UInt64) {
        state ^= word
        state &*= 0x0000_0100_0000_01B3
    }

    @inlinable public mutating func combine<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { combine(byte) }
    }

    @inlinable public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hasher = FNV1a()
        hasher.combine(contentsOf: bytes)
        return hasher.value
    }
}

/// A quick 64-bit digest, eight bytes a round, each round mixed down so that every byte reaches
/// every bit: FNV-1a goes a byte at a time, and its multiply chain was most of the cost of keying
/// 20 MB of clauses. For finding candidates (clause keys, chunks two revisions share) that one
/// `bytesEqual` then confirms: it need not be the same across versions of policyc.
public enum KeyDigest {
    @inlinable @inline(__always) public static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let product = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
        return product ^ (product >> 29)
    }

    /// The digest of `bytes`: whole words, then the tail (zero-padded) with the length.
    @inlinable @inline(__always) public static func finish(_ state: UInt64, tail: UInt64, count: Int) -> UInt64 {
        mix(mix(state, tail), UInt64(count))
    }

    @inlinable public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            state = mix(state, ByteWord.load(bytes.baseAddress!, at: index))
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        return finish(state, tail: tail, count: bytes.count)
    }
}

extension UnsafeRawBufferPointer {
    /// The same bytes, as one `memcmp`.
    public func bytesEqual(_ other: UnsafeRawBufferPointer) -> Bool {
        count == other.count && (isEmpty || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }
}

/// Eight bytes at a time (SWAR): for the scans that read every byte of a policy.
public enum ByteWord {
    /// Eight bytes from `offset`, the first in the lowest bits whatever the machine's byte order.
    @inlinable public static func load(_ bytes: UnsafeRawPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` that equals `byte`, and no other bit.
    @inlinable public static func matching(_ byte: UInt8, in word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let difference = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        // A byte's high bit ends up set exactly when all its bits were clear.
        return ~(((difference & low) &+ low) | difference | low)
    }
}

extension Unicode.Scalar {
    /// A letter or a digit of any script (Unicode's Alphabetic property, or a numeric type): what words
    /// are made of. ASCII, nearly every character of a policy, is answered without a table lookup.
    @inlinable public var isWordCharacter: Bool {
        guard isASCII else { return properties.isAlphabetic || properties.numericType != nil }
        return (0x61...0x7A).contains(value | 0x20) || (0x30...0x39).contains(value)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The scalar whose UTF-8 starts at `index`, as its value and its length in bytes. For valid UTF-8
    /// (a String's bytes): the readers that see every clause decode here rather than through a scalar view.
    @inlinable public func scalarValue(at index: Int) -> (value: UInt32, length: Int) {
        let lead = self[index]
        guard lead >= 0x80 else { return (UInt32(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (0x7F >> length)
        var end = index + 1
        while end < index + length, end < count {
            value = value << 6 | UInt32(self[end] & 0x3F)
            end += 1
        }
        return (value, end - index)
    }
}
