/// A policy's name: its file in `policy/` without `.md`. It becomes a URL, a folder of the archive and
/// a command-line argument, so it is kept to ASCII letters, digits, '.', '_' and '-', and starts with a
/// letter or a digit (a name like `--help` would read as an option).
public enum DocumentName {
    public static func isValid(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, isLetterOrDigit(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetterOrDigit($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// `v12`: how every version is named, and all a version may be.
    public static func isVersion(_ text: some StringProtocol) -> Bool {
        text.count > 1 && text.first == "v" && text.dropFirst().allSatisfy { ("0"..."9").contains($0) }
            && text.dropFirst().first != "0"
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
