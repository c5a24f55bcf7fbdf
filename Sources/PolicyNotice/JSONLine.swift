/// The one JSON shape an export line has: a flat object. Strings, numbers and booleans come back as
/// text (ids are often numbers); null, nested objects and arrays as nil. Hand-written because a
/// general decoder costs microseconds a line, and an export has millions of lines.
struct JSONLine {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// The values of `keys` in the object on `line`, or why the line is not a JSON object.
    static func values(of keys: [String], in line: UnsafeBufferPointer<UInt8>) -> Result<[String?], JSONLineError> {
        var parser = JSONLine(bytes: line)
        do {
            return .success(try parser.object(keys: keys))
        } catch {
            return .failure(error)
        }
    }

    /// The string value of one key, for reading back lines we wrote ourselves.
    static func string(_ key: String, in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard case .success(let values) = values(of: [key], in: line) else { return nil }
        return values[0]
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func object(keys: [String]) throws(JSONLineError) -> [String?] {
        var values = [String?](repeating: nil, count: keys.count)
        skipSpace()
        try expect(UInt8(ascii: "{"), "the line is not a JSON object")
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw JSONLineError("expected a quoted key at column \(index + 1)") }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"), "expected ':' after a key")
                skipSpace()
                let value = try value()
                if let slot = keys.firstIndex(of: key) { values[slot] = value }
                skipSpace()
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"), "expected ',' or '}'")
                break
            }
        }
        skipSpace()
        guard index == bytes.count else { throw JSONLineError("text after the object at column \(index + 1)") }
        return values
    }

    private mutating func value() throws(JSONLineError) -> String? {
        guard let byte = peek() else { throw JSONLineError("the line ends inside the object (truncated?)") }
        switch byte {
        case UInt8(ascii: "\""):
            return try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested()
            return nil
        case UInt8(ascii: "t"):
            try literal("true")
            return "true"
        case UInt8(ascii: "f"):
            try literal("false")
            return "false"
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        default:
            let start = index
            while let byte = peek(), byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || (byte >= 0x30 && byte <= 0x39) {
                index += 1
            }
            guard index > start else { throw JSONLineError("unexpected character at column \(index + 1)") }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
    }

    private mutating func string() throws(JSONLineError) -> String {
        index += 1
        let start = index
        // The common case: no escapes, one copy.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { throw JSONLineError("control character inside a string at column \(index + 1)") }
            index += 1
        }
        guard index < bytes.count else { throw JSONLineError("the line ends inside a string (truncated?)") }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: decoded, as: UTF8.self)
            }
            guard byte >= 0x20 else { throw JSONLineError("control character inside a string at column \(index + 1)") }
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                index += 1
                continue
            }
            index += 1
            guard let escape = peek() else { break }
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), peek() == UInt8(ascii: "\\"),
                   index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        throw JSONLineError("unpaired surrogate in a \\u escape")
                    }
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw JSONLineError("unpaired surrogate in a \\u escape") }
                decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw JSONLineError("unknown escape \\\(Character(Unicode.Scalar(escape))) at column \(index)")
            }
        }
        throw JSONLineError("the line ends inside a string (truncated?)")
    }

    private mutating func hex4() throws(JSONLineError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONLineError("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw JSONLineError("bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Skips a nested object or array, strings and all.
    private mutating func skipNested() throws(JSONLineError) {
        var depth = 0
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                _ = try string()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { index += 1; return }
            default:
                break
            }
            index += 1
        }
        throw JSONLineError("the line ends inside a nested value (truncated?)")
    }

    private mutating func literal(_ word: StaticString) throws(JSONLineError) {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + text.count <= bytes.count, bytes[index..<(index + text.count)].elementsEqual(text) else {
            throw JSONLineError("unexpected value at column \(index + 1)")
        }
        index += text.count
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(JSONLineError) {
        guard peek() == byte else {
            throw JSONLineError(index >= bytes.count ? "the line ends inside the object (truncated?)" : "\(message) at column \(index + 1)")
        }
        index += 1
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { index += 1 }
    }
}

struct JSONLineError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
