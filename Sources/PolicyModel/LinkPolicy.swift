/// Which link targets a rendered page may carry. Policies are published to the public:
/// a `javascript:` or `data:` link is never emitted, whatever the Markdown says.
public enum LinkPolicy {
    private static let blockedSchemes: Set<String> = ["javascript", "vbscript", "data", "file"]

    /// Whether `destination` is safe to emit as an `href`.
    public static func isSafe(_ destination: String) -> Bool {
        guard let scheme = scheme(of: destination) else { return true }
        return !blockedSchemes.contains(scheme)
    }

    /// The lowercased URL scheme, ignoring the whitespace and control characters browsers ignore.
    public static func scheme(of destination: String) -> String? {
        var scheme = ""
        for scalar in destination.unicodeScalars {
            if scalar.value <= 0x20 { continue }
            if scalar == ":" { return scheme.isEmpty ? nil : scheme.lowercased() }
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || scalar == "+" || scalar == "-" || scalar == "." else { return nil }
            scheme.unicodeScalars.append(scalar)
        }
        return nil
    }
}
