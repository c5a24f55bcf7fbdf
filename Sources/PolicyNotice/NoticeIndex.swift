
/// Which Users and mailboxes a release's ledger already holds, in memory: a notice row for each
/// 64-bit key (of the User's id, of the mailbox), 12 bytes an entry (the row as an offset from the
/// first row the index saw), at most 7/8 full: about 14 MB a million Users.
///
/// The ledger's unique indexes (v2) refuse a duplicate; this index is how `notify` finds a conflict
/// before it inserts and says what it is (the same User again, the same mailbox). Asking SQLite
/// instead would cost a lookup in an index of random keys per User; here a lookup is a few memory
/// reads. A key match is checked against the row itself (fetched by its rowid), so two texts with the
/// same key are never confused. Rows another process added (`notify --shard` on another machine, into a
/// PostgreSQL ledger) are read into it at the start of each planning transaction, under the lock that
/// orders those transactions, so none is added behind this index's back.
struct NoticeIndex {
    /// Open addressing with linear probing; key 0 marks an empty slot (a real 0 is stored as 1).
    private var keys: [UInt64]
    private var rows: [UInt32]
    private var base: Int64?
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size * 7 < capacity * 8 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        rows = [UInt32](repeating: 0, count: size)
    }

    private static func stored(_ key: Int64) -> UInt64 {
        let value = UInt64(bitPattern: key)
        return value == 0 ? 1 : value
    }

    /// The first row stored under `key` that `matches` accepts.
    func first(_ key: Int64, where matches: (Int64) throws -> Bool) rethrows -> Int64? {
        let key = Self.stored(key)
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != 0 {
            if keys[slot] == key, let base, try matches(base + Int64(rows[slot])) { return base + Int64(rows[slot]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    mutating func insert(_ key: Int64, row: Int64) {
        // Rows of one release are inserted in order, so offsets from the first fit in 32 bits.
        let base = self.base ?? row
        self.base = base
        precondition(row >= base && row - base <= Int64(UInt32.max), "notice rows out of the index's range")
        if (count + 1) * 8 > keys.count * 7 { grow() }
        place(Self.stored(key), UInt32(row - base))
        count += 1
    }

    private mutating func place(_ key: UInt64, _ offset: UInt32) {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = key
        rows[slot] = offset
    }

    private mutating func grow() {
        let oldKeys = keys, oldRows = rows
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        rows = [UInt32](repeating: 0, count: oldKeys.count * 2)
        for (slot, key) in oldKeys.enumerated() where key != 0 { place(key, oldRows[slot]) }
    }
}
