extension StringProtocol {
    /// The text without leading and trailing white space (Unicode's definition), without Foundation.
    public var trimmingSpaces: String {
        // Most texts need no trimming: check the ends before copying anything (ASCII ends cheaply).
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return "" }
        if (0x21..<0x7F).contains(first.value), (0x21..<0x7F).contains(last.value) { return String(self) }
        if !first.properties.isWhitespace, !last.properties.isWhitespace { return String(self) }
        var scalars = Substring(self).unicodeScalars
        while let head = scalars.first, head.properties.isWhitespace { scalars.removeFirst() }
        while let tail = scalars.last, tail.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

extension String {
    /// `StringProtocol.trimmingSpaces` for a string: printable ASCII at both ends (nearly every clause)
    /// is seen from the first and last bytes, and the string is returned as it is, shared.
    public var trimmingSpaces: String {
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) { return self }
        return Substring(self).trimmingSpaces
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

extension Collection where Element == UInt8 {
    /// Lowercase hex, two digits a byte: how digests are written everywhere (archive, ledger, manifest).
    public var hexString: String {
        String(unsafeUninitializedCapacity: count * 2) { buffer in
            var index = 0
            for byte in self {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }
}

/// Policy text bound for a terminal or a log: it must not drive either. Control characters (ESC and
/// the rest of C0 but tab and newline, DEL, C1) and the invisible direction overrides that reorder what
/// a reader sees ("Trojan Source") are written as visible `\u{…}` escapes.
public enum TerminalText {
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A control character or an invisible direction override: nothing a policy means to say.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
