import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyRelease

/// `policyc check` over the release archive: what was in force must be provable, so any tampering is an
/// error naming the file. Nothing `releases.json` says of itself is taken on trust: the numbering, the
/// copies and their hashes, each verdict (recomputed from the archived texts with the overrides the
/// release recorded) and each notice period (against `policy/policyc.yml`).
struct ArchiveCheck {
    let releases: Releases
    let today: CalendarDate

    func diagnostics(for document: String) throws(ProjectError) -> [Diagnostic] {
        let historyPath = "\(Releases.archiveFolder)/\(document)/releases.json"
        var found: [Diagnostic] = []
        func report(_ path: String, _ message: String, _ rule: String, _ severity: Diagnostic.Severity = .error) {
            found.append(Diagnostic(path: path, location: nil, severity: severity, message: message, rule: rule))
        }
        let history: ReleaseHistory
        do {
            history = try releases.history(document)
        } catch {
            report(historyPath, Self.message(of: error), "archive-tampered")
            return found
        }
        let config = releases.project.config
        var texts: [String?] = []
        for (index, record) in history.releases.enumerated() {
            let path = releases.archivedPath(document, record)
            if record.number != index + 1 {
                let expected = "v\(index + 1)"
                report(historyPath, index > 0 && record.number <= history.releases[index - 1].number
                       ? "\(record.version) is out of order after \(history.releases[index - 1].version)"
                       : "\(record.version) is where \(expected) should be: a release is missing from the history",
                       "archive-order")
            }
            if index > 0, record.releaseDate < history.releases[index - 1].releaseDate {
                report(historyPath, "\(record.version) is out of order after \(history.releases[index - 1].version)", "archive-order")
            }
            if record.effectiveDate < record.releaseDate {
                report(historyPath, "\(record.version) takes effect (\(record.effectiveDate)) before its release (\(record.releaseDate))",
                       "archive-order")
            }
            checkNotice(record, historyPath, config.notice.periodDays, report)
            texts.append(archivedText(document, record, path, report))
            checkNotes(document, record, report)
        }
        checkVerdicts(history, texts, document, historyPath, report)
        checkIdentities(history, texts, document, report)
        for name in unrecordedFiles(document, history) {
            report("\(Releases.archiveFolder)/\(document)/\(name)", "\(name) is in the archive but no release in releases.json "
                   + "names it: a record was removed", "archive-tampered")
        }
        return found
    }

    /// A material release waits out its notice period. The period a record states is checked against the
    /// config: a pending release must give the period the config asks today; one already in force gave
    /// the period of its day, so a difference there is a warning (the config may have changed since).
    private func checkNotice(_ record: ReleaseRecord, _ historyPath: String, _ configured: Int,
                             _ report: (String, String, String, Diagnostic.Severity) -> Void) {
        guard record.verdict.needsNotice else { return }
        let period = record.noticeDays ?? configured
        if period < 1 {
            report(historyPath, "\(record.version) is \(record.verdict.rawValue) but records a notice period of \(period) days",
                   "archive-notice", .error)
        } else if record.effectiveDate < record.releaseDate.adding(days: period) {
            report(historyPath, "\(record.version) is \(record.verdict.rawValue) but takes effect \(record.effectiveDate), "
                   + "before its \(period)-day notice period ends", "archive-notice", .error)
        }
        if let recorded = record.noticeDays, recorded != configured {
            let pending = record.effectiveDate > today
            report(historyPath, "\(record.version) records a \(recorded)-day notice period, but \(Project.configFile) says "
                   + "\(configured)" + (pending ? "" : " (if the period changed after \(record.version) took effect, this is expected)"),
                   "archive-notice", pending && recorded < configured ? .error : .warning)
            if pending, recorded < configured, record.effectiveDate < record.releaseDate.adding(days: configured) {
                report(historyPath, "\(record.version) takes effect \(record.effectiveDate), before the \(configured)-day notice "
                       + "period of \(Project.configFile) ends", "archive-notice", .error)
            }
        }
    }

    /// The archived copy, checked against its hash and its "Last updated" line; nil when it cannot be read.
    private func archivedText(_ document: String, _ record: ReleaseRecord, _ path: String,
                              _ report: (String, String, String, Diagnostic.Severity) -> Void) -> String? {
        let url: URL
        do {
            url = try releases.project.fileURL(path)
        } catch {
            report(path, Self.message(of: error), "archive-tampered", .error)
            return nil
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            report(path, "the archived copy of \(record.version) is missing", "archive-tampered", .error)
            return nil
        }
        let text = String(decoding: data, as: UTF8.self)
        if ReleasePlanner.sha256(text) != record.sha256 || data != Data(text.utf8) {
            report(path, "the archived copy of \(record.version) does not match its SHA-256 \(record.sha256.prefix(12))…: "
                   + "it was changed after release", "archive-tampered", .error)
            return nil
        }
        let archived = PolicyParser.parse(data, path: path, analysis: [])
        if archived.lastUpdated?.date != record.releaseDate {
            let stated = archived.lastUpdated?.date.map { "\($0)" } ?? "no date"
            report(path, "the \"Last updated\" line says \(stated), but \(record.version) was released \(record.releaseDate)",
                   "archive-last-updated", .error)
        }
        return text
    }

    /// The release notes, checked against their hash like the archived copy: they are what Users were shown.
    /// A release without notes is accepted: editorial ones may go without, and releases made before notes
    /// were kept have none (a new material release cannot be made without them).
    private func checkNotes(_ document: String, _ record: ReleaseRecord,
                            _ report: (String, String, String, Diagnostic.Severity) -> Void) {
        guard let file = record.notes, let digest = record.notesSHA256 else { return }
        let path = "\(Releases.archiveFolder)/\(document)/\(file)"
        guard let url = try? releases.project.fileURL(path), let data = FileManager.default.contents(atPath: url.path) else {
            report(path, "the notes of \(record.version) are missing", "archive-tampered", .error)
            return
        }
        let text = String(decoding: data, as: UTF8.self)
        if ReleasePlanner.sha256(text) != digest || data != Data(text.utf8) {
            report(path, "the notes of \(record.version) do not match their SHA-256 \(digest.prefix(12))…: "
                   + "they were changed after release", "archive-tampered", .error)
        }
    }

    /// Each verdict again, from the texts. A release recorded as less than policyc finds it (material
    /// written down as editorial) would have skipped its notices: an error. One recorded as more is a
    /// warning: Users were told more than they had to be, or the classifier has grown wiser since.
    private func checkVerdicts(_ history: ReleaseHistory, _ texts: [String?], _ document: String, _ historyPath: String,
                               _ report: (String, String, String, Diagnostic.Severity) -> Void) {
        var options = releases.project.config.diffOptions
        for (index, record) in history.releases.enumerated() {
            if index == 0 {
                if record.verdict != .initial {
                    report(historyPath, "\(record.version) is the first release but is recorded as \(record.verdict.rawValue)",
                           "archive-verdict", .error)
                }
                continue
            }
            guard record.verdict != .initial else {
                report(historyPath, "\(record.version) is recorded as a first release, but \(history.releases[index - 1].version) "
                       + "came before it", "archive-verdict", .error)
                continue
            }
            guard let previous = texts[index - 1], let text = texts[index] else { continue }
            options.overrides = record.overrides
            let recomputed = ReleasePlanner.verdict(previous: previous, released: text, path: releases.draftPath(document),
                                                    options: options)
            guard recomputed != record.verdict else { continue }
            let below = Self.rank(record.verdict) < Self.rank(recomputed)
            report(historyPath, "\(record.version) is recorded as \(record.verdict.rawValue), but its text against "
                   + "\(history.releases[index - 1].version) is \(recomputed.rawValue)"
                   + (below ? ": Users may not have been told" : " (the classifier may have changed since)"),
                   "archive-verdict", below ? .error : .warning)
        }
    }

    /// The id maps against the texts: each recorded map lists the elements of its version; no name ever
    /// has two meanings (two elements of one version, an element that does not continue the one the name
    /// denoted in the version before, or a name given again after its part was removed); and each recorded
    /// map is the one the texts give today (a warning otherwise: the alignment may have changed since).
    private func checkIdentities(_ history: ReleaseHistory, _ texts: [String?], _ document: String,
                                 _ report: (String, String, String, Diagnostic.Severity) -> Void) {
        // A copy that cannot be read is reported already; without every text there is no lineage to follow.
        let texts = texts.compactMap { $0 }
        guard !history.releases.isEmpty, texts.count == history.releases.count else { return }
        let documents = zip(texts, history.releases).map { text, record in
            var parsed = PolicyParser.parse(text: text, path: releases.archivedPath(document, record), analysis: .definedTerms)
            parsed.id = document
            return parsed
        }
        var recorded: [IdentityMap?] = []
        for (record, parsed) in zip(history.releases, documents) {
            let path = releases.identityMapPath(document, record)
            do {
                var map = try releases.recordedIdentityMap(document, record)
                if let found = map, found.sections.map(\.at) != parsed.allSections.map(\.id)
                    || found.clauses.map(\.at) != parsed.allClauses.map(\.clause.id) {
                    report(path, "it does not list the sections and clauses of \(record.file) in order, each once", "archive-ids", .error)
                    map = nil
                }
                recorded.append(map)
            } catch {
                report(path, Self.message(of: error), "archive-ids", .error)
                recorded.append(nil)
            }
        }
        let links = zip(documents, documents.dropFirst()).map { old, new in
            IdentityLineage.links(old: old, new: new, PolicyDiffer.correspondence(from: old, to: new))
        }
        let maps = IdentityLineage.maps(documents: documents, versions: history.releases.map(\.version), recorded: recorded,
                                        correspondence: PolicyDiffer.correspondence(from:to:))
        typealias Key = IdentityLineage.Key
        func describe(_ key: Key, in parsed: Document) -> String {
            let words = key.isSection ? parsed.allSections.first { $0.id == key.at }?.heading
                : parsed.allClauses.first { $0.clause.id == key.at }?.clause.text
            let text = Diagnostic.singleLine(words ?? key.at)
            return "“" + (text.count > 48 ? text.prefix(47) + "…" : text) + "”"
        }
        var previous: [String: Key] = [:]
        var retired: [String: (version: String, key: Key, index: Int)] = [:]
        for (index, map) in maps.enumerated() {
            let record = history.releases[index]
            let path = releases.identityMapPath(document, record)
            var carriers: [String: Key] = [:]
            for (isSection, elements) in [(true, map.sections), (false, map.clauses)] {
                for element in elements {
                    let key = Key(isSection: isSection, at: element.at)
                    for name in element.names {
                        if let other = carriers[name], other != key {
                            report(path, "\(name) names two parts of \(record.version): \(describe(other, in: documents[index])) "
                                   + "and \(describe(key, in: documents[index]))", "archive-id-meaning", .error)
                        } else if let before = previous[name] {
                            if index > 0, links[index - 1].next[before] != key {
                                report(path, "\(name) denoted \(describe(before, in: documents[index - 1])) in "
                                       + "\(history.releases[index - 1].version), but \(record.version) gives it to "
                                       + "\(describe(key, in: documents[index])), which does not continue it: an id with "
                                       + "two meanings", "archive-id-meaning", .error)
                            }
                        } else if let gone = retired[name] {
                            report(path, "\(name) denoted \(describe(gone.key, in: documents[gone.index])) until \(gone.version), "
                                   + "which was removed; \(record.version) gives it to \(describe(key, in: documents[index])): an id "
                                   + "with two meanings", "archive-id-meaning", .error)
                        }
                        carriers[name] = key
                    }
                }
            }
            if index > 0 {
                for (name, key) in previous where carriers[name] == nil {
                    retired[name] = (history.releases[index - 1].version, key, index - 1)
                }
            }
            previous = carriers
            // What the release would write today, from the map before it.
            guard let written = recorded[index] else { continue }
            let today = try? IdentityLineage.map(for: documents[index], version: record.version, derived: written.derived,
                                                 history: Array(maps[..<index]),
                                                 previous: index == 0 ? nil : (documents[index - 1], links[index - 1]))
            if let today, today != written {
                report(path, "it differs from the id map the archived texts give today (the alignment may have changed "
                       + "since); the pages keep the recorded ids", "archive-ids", .warning)
            }
        }
    }

    private static func rank(_ verdict: ReleaseVerdict) -> Int {
        switch verdict {
        case .initial, .editorial: 0
        case .material: 1
        case .consent: 2
        }
    }

    /// Files of the archive folder that no record names (other than `releases.json`).
    private func unrecordedFiles(_ document: String, _ history: ReleaseHistory) -> [String] {
        let folder = releases.project.root.appendingPathComponent("\(Releases.archiveFolder)/\(document)")
        let named = Set(history.releases.flatMap { [$0.file, "\($0.version)\(FileTransaction.identityMapSuffix)"] }
                        + history.releases.compactMap(\.notes) + ["releases.json"])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !named.contains($0) && !$0.hasPrefix(".") && !FileTransaction.isLitter($0) }.sorted()
    }

    private static func message(of error: ProjectError) -> String {
        let text = error.description
        guard let range = text.range(of: ": error: ") else { return text }
        return String(text[range.upperBound...])
    }
}
