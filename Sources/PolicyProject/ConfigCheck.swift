import Foundation
import PolicyModel
import PolicyNotice

/// The values of `policyc.yml` that are read as they are written but must hold more than text: the
/// site's base URL (every canonical link, the feed's ids and each notice's links start with it) and the
/// notices' sender (a mail header). `check` reports them at their line; `build` and `notify` refuse
/// without a valid one.
extension ProjectConfig {
    static let baseURLRule = "config-base-url"
    static let senderRule = "config-notice-from"

    /// Why `text` is no base URL for the site, or nil: it must be an absolute `https://` or `http://` URL
    /// with a host, and nothing a link cannot carry as it is (no credentials, query, fragment, space or
    /// control character).
    public static func baseURLProblem(_ text: String) -> String? {
        guard !text.isEmpty else { return "is not set" }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "holds a space, line break or control character"
        }
        let lowered = text.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            return "is not an absolute https:// or http:// URL"
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            return "is not a URL with a host name"
        }
        if components.user != nil || components.password != nil { return "must not hold a user name or password" }
        if components.query != nil || components.fragment != nil {
            return "must not hold a query (?) or fragment (#): page paths are added to its end"
        }
        return nil
    }

    /// Why `text` cannot be the notices' `From:`, or nil: `Name <address>` or an address, the address an
    /// RFC 5322 addr-spec that MTAs take as it is (dot-atom local part, host name), and no line break,
    /// which would let the value add headers of its own.
    public static func senderProblem(_ text: String) -> String? {
        if text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            return "holds a line break (CR or LF), which would let it add mail headers"
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "holds a control character"
        }
        guard Notices.parseMailbox(text) == nil else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        }
        let reason = EmailAddress.problem(address) ?? "not a mailbox"
        return "is not a sender address (\(reason)); write 'Example Legal <legal@example.com>' or 'legal@example.com'"
    }

    /// The config's values that `check` verifies, as diagnostics at the line they are written on. An
    /// unset base URL or sender is not reported: a project may only check and diff.
    func diagnostics(path: String) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        if locations["site.baseURL"] != nil, let problem = Self.baseURLProblem(site.baseURL) {
            diagnostics.append(Diagnostic(path: path, location: locations["site.baseURL"], severity: .error,
                                          message: "site.baseURL \(problem) (e.g. https://example.com/legal)", rule: Self.baseURLRule))
        }
        if let from = notice.from, let problem = Self.senderProblem(from) {
            diagnostics.append(Diagnostic(path: path, location: locations["notice.from"], severity: .error,
                                          message: "notice.from \(problem)", rule: Self.senderRule))
        }
        return diagnostics
    }

    /// The base URL, for `build` and `notify`; an error saying where to set it when it is missing or wrong.
    func requireBaseURL(path: String) throws(ProjectError) -> String {
        guard let problem = Self.baseURLProblem(site.baseURL) else { return site.baseURL }
        let location = locations["site.baseURL"]
        throw .invalidConfig(path: path, line: location?.line, column: location?.column,
                             message: "site.baseURL \(problem); the site's links and the notices' links start with it: set "
                             + "it in \(path) under site:, e.g. `baseURL: https://example.com/legal`")
    }
}
