import Foundation
import Synchronization

/// `rejects.csv` beside the batches: every row that was rejected, merged, or notified without its
/// name, with its line in the export, in line order. Rows are few (a bad row is rare), so they are
/// kept until the end and written aside, then renamed into place. Both the reading and the planning
/// thread add to it.
final class RejectsReport: Sendable {
    private let url: URL
    private let issues = Mutex<[RecipientIssue]>([])

    init(folder: URL) throws(NoticeError) {
        url = folder.appendingPathComponent("rejects.csv")
    }

    func add(_ issue: RecipientIssue) {
        issues.withLock { $0.append(issue) }
    }

    func finish() throws(NoticeError) {
        var text = "line,user_id,action,reason\r\n"
        let sorted = issues.withLock { $0 }.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        for (_, issue) in sorted {
            text += "\(issue.line),\(CSVText.field(issue.id ?? "")),\(issue.action.rawValue),\(CSVText.field(issue.reason))\r\n"
        }
        try FileOutput.replace(url, with: Array(text.utf8))
    }
}

/// CSV output (RFC 4180) that is also safe to open in a spreadsheet: the one guard of every CSV
/// policyc writes (`rejects.csv`, the proof of notice).
public enum CSVText {
    /// Quotes a field when it needs it. A field starting with `=`, `+`, `-`, `@`, a tab or a CR gets a
    /// `'` first, so a spreadsheet does not run it as a formula (OWASP's list); so does one starting
    /// with `'`, so the guard can be undone exactly: a cell that starts with `'` had one added.
    public static func field(_ text: String) -> String {
        var text = text
        // Scalars, not characters: "\r\n" is one character, and it starts with a CR.
        if let first = text.unicodeScalars.first, "=+-@\t\r'".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

}
