import Foundation

/// `rejects-NNNNNN.csv` beside the batches, one per run of `notify` (its number in the ledger), never
/// overwritten: every row of that run's export that was not notified as it was (rejected, ineligible,
/// merged, notified without its name), with its line and reason, in line order. Written from the
/// ledger, which recorded the rows as they were read, so memory does not grow with them; aside, then
/// renamed into place.
enum RejectsReport {
    static func fileName(run: Int) -> String {
        "rejects-" + String(repeating: "0", count: max(0, 6 - String(run).count)) + String(run) + ".csv"
    }

    /// Removes the rejects files of runs that were killed after writing theirs and before the ledger
    /// recorded it: the ledger is the record, and such a file is no run's (its rows are read again by the
    /// next run, which writes its own).
    static func removeUnrecorded(in folder: URL, recorded: Set<String>) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix("rejects-") && name.hasSuffix(".csv") && !recorded.contains(name) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    static func write(ledger: NoticeLedger, runID: Int64, to url: URL) throws(NoticeError) {
        let file = try StagedOutput(url)
        var buffer = Array("line,user_id,action,reason\r\n".utf8)
        try ledger.forEachIssue(runID: runID) { issue in
            buffer += Array("\(issue.line),\(CSVText.field(issue.userID ?? "")),\(issue.action),\(CSVText.field(issue.reason))\r\n".utf8)
            if buffer.count >= 1 << 16 {
                try file.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try file.write(buffer)
        try file.commit()
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
