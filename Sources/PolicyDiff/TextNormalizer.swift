import PolicyModel

/// The forms of a clause's text that the diff compares.
///
/// `exactKey` erases what never changes meaning in print: whitespace and line wrapping, curly versus
/// straight quotes, dash styles, zero-width characters. Markup is already gone from `Clause.text`
/// (emphasis, escapes, list markers, heading style), so two clauses with equal keys read the same.
enum TextNormalizer {
    static func exactKey(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { bytes in
            isAlreadyNormal(bytes) ? Array(bytes) : normalized(bytes)
        }
    }

    /// `exactKey` of a text known not to be its own key.
    static func normalizedKey(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8(normalized)
    }

    private static func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // The key is never longer than the text: quotes and dashes map to one byte, spaces fold.
        [UInt8](unsafeUninitializedCapacity: bytes.count) { key, written in
            var count = 0
            var pendingSpace = false
            func put(_ byte: UInt8) {
                if pendingSpace, count > 0 {
                    key[count] = 0x20
                    count += 1
                }
                pendingSpace = false
                key[count] = byte
                count += 1
            }
            var index = 0
            while index < bytes.count {
                // Eight printable ASCII bytes without two spaces in a row are their own key: copied
                // whole, with a space at the end left pending (the text may end or fold there).
                if !pendingSpace, index + 8 <= bytes.count {
                    let word = ByteWord.load(UnsafeRawPointer(bytes.baseAddress!), at: index)
                    if isPlain(word), count > 0 || word & 0xFF != 0x20 {
                        // The key never outgrows the text read so far, so eight bytes fit at `count`.
                        UnsafeMutableRawPointer(key.baseAddress! + count).storeBytes(of: word.littleEndian, as: UInt64.self)
                        index += 8
                        if word >> 56 == 0x20 {
                            count += 7
                            pendingSpace = true
                        } else {
                            count += 8
                        }
                        continue
                    }
                }
                let byte = bytes[index]
                if byte < 0x80 {
                    // ASCII, nearly all of a policy: one byte in, one byte (or a folded space) out.
                    index += 1
                    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                        pendingSpace = true
                    } else {
                        put(byte)
                    }
                    continue
                }
                // A scalar of 2 to 4 bytes (the text is valid UTF-8: it is a String).
                let (value, length) = bytes.scalarValue(at: index)
                let start = index
                index += length
                switch value {
                case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB: put(UInt8(ascii: "\"")) // “ ” „ ‟ ″ « »
                case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032: put(UInt8(ascii: "'")) // ‘ ’ ‚ ‛ ′
                case 0x2013, 0x2014, 0x2012, 0x2015, 0x2212: put(UInt8(ascii: "-")) // – — ‒ ― −
                case 0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD: continue // zero-width and soft hyphen
                default:
                    if Unicode.Scalar(value)?.properties.isWhitespace == true {
                        pendingSpace = true
                        continue
                    }
                    for original in bytes[start..<index] { put(original) }
                }
            }
            written = count
        }
    }

    /// Plain ASCII with single spaces and no spaces at the ends: most clauses, whose key is their text.
    private static func isAlreadyNormal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        digestIfAlreadyNormal(UnsafeRawBufferPointer(bytes)) != nil
    }

    /// Eight printable ASCII bytes, no two of them spaces side by side.
    @inline(__always) private static func isPlain(_ word: UInt64) -> Bool {
        // Every byte in 0x20...0x7F: none sets a high bit, itself or by borrowing from below 0x20.
        guard ((word &- 0x2020_2020_2020_2020) | word) & 0x8080_8080_8080_8080 == 0 else { return false }
        let spaces = ByteWord.matching(0x20, in: word)
        return spaces & (spaces << 8) == 0
    }

    /// `KeyDigest.hash(bytes)` when `bytes` are already their own key, else nil: both in one pass,
    /// eight bytes at a time, since every clause of both revisions goes through here.
    static func digestIfAlreadyNormal(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard let first = bytes.first, let last = bytes.last else { return KeyDigest.hash(bytes) }
        guard first != 0x20, last != 0x20 else { return nil }
        let base = bytes.baseAddress!
        var previousSpace = false
        var state: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            let word = ByteWord.load(base, at: index)
            // Two spaces in a row, here or across words, are not normal.
            guard isPlain(word), !(previousSpace && word & 0xFF == 0x20) else { return nil }
            previousSpace = word >> 56 == 0x20
            state = KeyDigest.mix(state, word)
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 || byte < 0x20 || (byte == 0x20 && previousSpace) { return nil }
            previousSpace = byte == 0x20
            tail |= UInt64(byte) << shift
            shift += 8
            index += 1
        }
        return KeyDigest.finish(state, tail: tail, count: bytes.count)
    }

    /// Lowercased words without punctuation: equal lists mean only case or punctuation changed.
    static func looseWords(_ text: String) -> [String] {
        var words: [String] = []
        forEachLooseWord(text) { words.append(String(decoding: $0, as: UTF8.self)) }
        return words
    }

    /// `looseWords(text) == words`, without making a string of each word of `text`.
    static func looseWords(of text: String, equal words: [String]) -> Bool {
        var matched = 0
        var equal = true
        forEachLooseWord(text) { word in
            guard equal else { return }
            // Equal bytes are equal words; beyond ASCII, String's == also equates canonically equivalent ones.
            if matched < words.count, words[matched].utf8.elementsEqual(word)
                || ((word.contains { $0 >= 0x80 } || words[matched].utf8.contains { $0 >= 0x80 })
                    && words[matched] == String(decoding: word, as: UTF8.self)) {
                matched += 1
            } else {
                equal = false
            }
        }
        return equal && matched == words.count
    }

    /// Calls `body` with the UTF-8 bytes of each word of `looseWords`, without making strings.
    private static func forEachLooseWord(_ text: String, _ body: ([UInt8]) -> Void) {
        var text = text
        // By UTF-8 bytes: ASCII, nearly all of a policy, without decoding scalars or Unicode property lookups.
        text.withUTF8 { bytes in
            var current: [UInt8] = []
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    index += 1
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                        current.append(byte | 0x20)
                        continue
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        current.append(byte)
                        continue
                    case UInt8(ascii: "'"):
                        // "User's" and "Users" differ in a letter, not in punctuation only: keep the apostrophe inside words.
                        if !current.isEmpty { current.append(byte) }
                        continue
                    default:
                        break
                    }
                } else {
                    let (value, length) = bytes.scalarValue(at: index)
                    index += length
                    if value == 0x2019 { // ’
                        if !current.isEmpty { current.append(UInt8(ascii: "'")) }
                        continue
                    }
                    if let scalar = Unicode.Scalar(value), scalar.isWordCharacter {
                        current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                        continue
                    }
                }
                // Anything else ends the word.
                if !current.isEmpty {
                    body(current)
                    current.removeAll(keepingCapacity: true)
                }
            }
            if !current.isEmpty { body(current) }
        }
    }

    /// Hashes of the lowercased words and of each pair of neighbouring words, sorted: the clause's bag
    /// for similarity. Pairs make it tell a reworded clause (most pairs kept) from an unrelated one in the
    /// same legal vocabulary (many words shared, few pairs). FNV-1a over the bytes: the same on every
    /// run, and no strings made.
    /// The hash of each loose word of `text` (as `wordHash` makes it), without making a string of each.
    static func forEachWordHash(_ text: String, _ body: (Int) -> Void) {
        forEachLooseWord(text) { body(Int(bitPattern: UInt(FNV1a.hash($0)))) }
    }

    /// The hash of one loose word (lowercase), as `forEachWordHash` gives it.
    static func wordHash(_ word: String) -> Int {
        Int(bitPattern: UInt(FNV1a.hash(Array(word.utf8))))
    }

    static func wordBag(_ text: String) -> [Int] {
        var bag: [Int] = []
        var previous: Int?
        forEachLooseWord(text) { word in
            let current = Int(bitPattern: UInt(FNV1a.hash(word)))
            bag.append(current)
            if let previous { bag.append(previous &* 31 &+ current &+ 0x5bd1e995) }
            previous = current
        }
        heapSort(&bag)
        return bag
    }

    /// Sorts in place, in O(n log n) whatever the input: a third of the instructions of the standard
    /// library's stable sort, which word bags (integers: stability means nothing) do not need.
    static func heapSort(_ values: inout [Int]) {
        values.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            guard count > 1 else { return }
            func siftDown(_ start: Int, _ end: Int) {
                var root = start
                while true {
                    var child = 2 * root + 1
                    guard child < end else { return }
                    if child + 1 < end, heap[child] < heap[child + 1] { child += 1 }
                    guard heap[root] < heap[child] else { return }
                    heap.swapAt(root, child)
                    root = child
                }
            }
            for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, count) }
            for end in stride(from: count - 1, to: 0, by: -1) {
                heap.swapAt(0, end)
                siftDown(0, end)
            }
        }
    }

    /// Dice similarity of two sorted bags: 2·|A∩B| / (|A|+|B|), in 0…1.
    static func similarity(_ a: [Int], _ b: [Int]) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        var i = 0, j = 0, common = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                common += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(2 * common) / Double(a.count + b.count)
    }

    /// Merges two sorted bags.
    static func union(_ a: [Int], _ b: [Int]) -> [Int] {
        (a + b).sorted()
    }
}
