import Foundation
import PolicyModel
import PolicyParser
import PolicyRelease

/// `policyc check` over the release archive: what was in force must be provable, so any tampering is an
/// error naming the file.
struct ArchiveCheck {
    let releases: Releases

    func diagnostics(for document: String) throws(ProjectError) -> [Diagnostic] {
        let history = try releases.history(document)
        let historyPath = "\(Releases.archiveFolder)/\(document)/releases.json"
        var found: [Diagnostic] = []
        func report(_ path: String, _ message: String, _ rule: String) {
            found.append(Diagnostic(path: path, location: nil, severity: .error, message: message, rule: rule))
        }
        let noticeDays = releases.project.config.notice.periodDays
        var previous: ReleaseRecord?
        for record in history.releases {
            let path = releases.archivedPath(document, record)
            let url = releases.project.url(for: path)
            if let previous {
                if record.number <= previous.number || record.releaseDate < previous.releaseDate {
                    report(historyPath, "\(record.version) is out of order after \(previous.version)", "archive-order")
                }
            }
            if record.effectiveDate < record.releaseDate {
                report(historyPath, "\(record.version) takes effect (\(record.effectiveDate)) before its release (\(record.releaseDate))",
                       "archive-order")
            }
            // Judged by the period in force when it was released: raising it later must not condemn the archive.
            let period = record.noticeDays ?? noticeDays
            if record.verdict.needsNotice, record.effectiveDate < record.releaseDate.adding(days: period) {
                report(historyPath, "\(record.version) is \(record.verdict.rawValue) but takes effect \(record.effectiveDate), "
                       + "before its \(period)-day notice period ends", "archive-notice")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                report(path, "the archived copy of \(record.version) is missing", "archive-tampered")
                previous = record
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            if ReleasePlanner.sha256(text) != record.sha256 || data != Data(text.utf8) {
                report(path, "the archived copy of \(record.version) does not match its SHA-256 \(record.sha256.prefix(12))…: "
                       + "it was changed after release", "archive-tampered")
            }
            let archived = PolicyParser.parse(data, path: path, analysis: [])
            if archived.lastUpdated?.date != record.releaseDate {
                let stated = archived.lastUpdated?.date.map { "\($0)" } ?? "no date"
                report(path, "the \"Last updated\" line says \(stated), but \(record.version) was released \(record.releaseDate)",
                       "archive-last-updated")
            }
            previous = record
        }
        return found
    }
}
