import Crypto
import PolicyDiff
import PolicyModel
import PolicyParser

/// Why a release is refused.
public enum ReleaseError: Error, Sendable, Hashable, CustomStringConvertible {
    case nothingChanged(document: String, version: String)
    case effectiveTooEarly(requested: CalendarDate, earliest: CalendarDate, reason: String)
    case effectiveBeforeRelease(requested: CalendarDate, release: CalendarDate)
    case noLastUpdatedLine(path: String)
    case releaseDateBeforeLatest(requested: CalendarDate, latest: CalendarDate)
    /// A material or consent release without the author's notes for Users.
    case notesRequired(document: String, verdict: ReleaseVerdict)

    public var description: String {
        switch self {
        case .nothingChanged(let document, let version):
            "\(document): nothing changed since \(version): there is nothing to release"
        case .effectiveTooEarly(let requested, let earliest, let reason):
            "effective date \(requested) is too early: \(reason); the earliest is \(earliest)"
        case .effectiveBeforeRelease(let requested, let release):
            "effective date \(requested) is before the release date \(release)"
        case .noLastUpdatedLine(let path):
            "\(path): no \"Last updated\" line in the text to stamp (a date in front matter is not stamped); add one, for example `_Last updated: January 1, 2026_`, under the title"
        case .releaseDateBeforeLatest(let requested, let latest):
            "release date \(requested) is before the latest release (\(latest)): releases are dated in order"
        case .notesRequired(let document, let verdict):
            "this release is \(verdict.rawValue), so Users are told of it, and it needs release notes: a short summary "
                + "in plain words, shown first in the email, on the redline page, in the feed and in CHANGELOG.md. Write "
                + "them in \(ReleaseNotes.besidePath(document)) (the release takes them from there and empties it), or "
                + "give --notes FILE, or --notes - to read them from standard input"
        }
    }
}

/// Everything a release will write, worked out before anything is written.
public struct ReleasePlan: Sendable {
    public var record: ReleaseRecord
    public var history: ReleaseHistory
    /// The draft with its "Last updated" line stamped; also the archived copy.
    public var stampedText: String
    /// What changed since the previous release (nil for the first).
    public var changes: ChangeSet?
    public var changelogEntry: String
    /// The author's notes, archived as `record.notes`.
    public var notes: ReleaseNotes?
}

/// Decides a release: the version, the verdict, the effective date, the stamped text and the CHANGELOG entry.
/// Pure: it reads values and returns a plan; `Release` writes it.
public struct ReleasePlanner: Sendable {
    public var noticeDays: Int
    public var diffOptions: DiffOptions

    public init(noticeDays: Int, diffOptions: DiffOptions = DiffOptions()) {
        self.noticeDays = noticeDays
        self.diffOptions = diffOptions
    }

    /// `previousText`: the archived text of the latest release, when there is one.
    public func plan(documentID: String, draftPath: String, draftText: String, history: ReleaseHistory,
                     previousText: String?, date: CalendarDate,
                     effective requestedEffective: CalendarDate?, notes: ReleaseNotes? = nil) throws(ReleaseError) -> ReleasePlan {
        if let latest = history.latest, date < latest.releaseDate {
            throw .releaseDateBeforeLatest(requested: date, latest: latest.releaseDate)
        }
        let draft = PolicyParser.parse(text: draftText, path: draftPath, analysis: .definedTerms)
        guard let stamped = DateStamp.stamp(draftText, document: draft, date: date) else {
            throw .noLastUpdatedLine(path: draftPath)
        }
        let stampedDocument = PolicyParser.parse(text: stamped, path: draftPath, analysis: .definedTerms)

        var changes: ChangeSet?
        let verdict: ReleaseVerdict
        if let previousText, let latest = history.latest {
            let previous = PolicyParser.parse(text: previousText, path: draftPath, analysis: .definedTerms)
            let changeSet = PolicyDiffer.diff(previous, stampedDocument, options: diffOptions)
            if !Self.changesWords(changeSet) {
                // Only the date differs in the words; the Markdown may still have been reformatted.
                let redated = DateStamp.stamp(draftText, document: draft, date: latest.releaseDate)
                guard redated != previousText else { throw .nothingChanged(document: documentID, version: latest.version) }
                var formatting = changeSet
                formatting.verdict = .editorial
                formatting.changes.append(Change(kind: .modified, subject: .document, tier: .editorial, old: nil, new: nil,
                                                 reasons: [Reason(rule: "formatting", detail: "the Markdown changed; the text did not")],
                                                 oldText: nil, newText: nil, words: nil, fingerprint: "document-formatting"))
                changes = formatting
            } else {
                changes = changeSet
            }
            verdict = ReleaseVerdict(changes!.verdict)
        } else {
            verdict = .initial
        }

        // Users who are told of a change read the author's words first: a release that owes them notice owes them notes.
        if verdict.needsNotice, notes == nil { throw .notesRequired(document: documentID, verdict: verdict) }
        let effective = try effectiveDate(verdict: verdict, date: date, requested: requestedEffective, history: history)
        let number = (history.latest?.number ?? 0) + 1
        let version = "v\(number)"
        var record = ReleaseRecord(version: version, number: number, releaseDate: date, effectiveDate: effective,
                                   verdict: verdict, sha256: Self.sha256(stamped), file: "\(version).md",
                                   summary: changes.map(Self.summary) ?? ["First release."],
                                   overrides: changes?.changes.compactMap(\.override) ?? [])
        record.noticeDays = noticeDays
        if let notes {
            record.notes = "\(version).notes.md"
            record.notesSHA256 = Self.sha256(notes.text)
        }
        var history = history
        history.releases.append(record)
        return ReleasePlan(record: record, history: history, stampedText: stamped, changes: changes,
                           changelogEntry: Changelog.entry(for: record, title: stampedDocument.title, notes: notes),
                           notes: notes)
    }

    /// Whether anything but the "Last updated" line changed.
    static func changesWords(_ changes: ChangeSet) -> Bool {
        changes.changes.contains { change in !change.reasons.allSatisfy { $0.rule == "last-updated" } }
    }

    /// The verdict of a release, recomputed from the archived text before it and its own, with the
    /// overrides it recorded: what `plan` decided, unless the archive or the classifier changed since.
    public static func verdict(previous: String, released: String, path: String, options: DiffOptions) -> ReleaseVerdict {
        let old = PolicyParser.parse(text: previous, path: path, analysis: .definedTerms)
        let new = PolicyParser.parse(text: released, path: path, analysis: .definedTerms)
        let changes = PolicyDiffer.diff(old, new, options: options)
        return changesWords(changes) ? ReleaseVerdict(changes.verdict) : .editorial
    }

    /// Material releases wait out the notice period; no release takes effect before a pending one, or
    /// the pending one's changes (which the new draft carries) would be in force early.
    private func effectiveDate(verdict: ReleaseVerdict, date: CalendarDate, requested: CalendarDate?,
                               history: ReleaseHistory) throws(ReleaseError) -> CalendarDate {
        var earliest = date
        var reason = ""
        if verdict.needsNotice {
            earliest = date.adding(days: noticeDays)
            reason = "a \(verdict.rawValue) change takes effect \(noticeDays) days after release at the earliest"
        }
        if let pending = history.pending(on: date).map(\.effectiveDate).max(), pending > earliest {
            earliest = pending
            reason = "a pending version takes effect on \(pending), and this one carries its changes"
        }
        guard let requested else { return earliest }
        if requested < date { throw .effectiveBeforeRelease(requested: requested, release: date) }
        if requested < earliest { throw .effectiveTooEarly(requested: requested, earliest: earliest, reason: reason) }
        return requested
    }

    /// One line per changed section: its heading, the highest tier and the rules behind it.
    static func summary(_ changes: ChangeSet) -> [String] {
        var order: [String] = []
        var bySection: [String: [Change]] = [:]
        for change in changes.changes where !change.reasons.allSatisfy({ $0.rule == "last-updated" }) {
            let heading: String
            switch change.subject {
            case .section: heading = change.newText ?? change.oldText ?? "Sections"
            case .document: heading = "Formatting"
            case .clause: heading = (change.new ?? change.old)?.sectionHeading ?? "Preamble"
            }
            if bySection[heading] == nil { order.append(heading) }
            bySection[heading, default: []].append(change)
        }
        return order.map { heading in
            let group = bySection[heading]!
            let tier = group.map(\.tier).max() ?? .editorial
            // What changed, in words (`RuleCatalog` titles), not rule ids.
            var kinds: [String] = []
            for change in group where change.tier == tier {
                for reason in change.reasons {
                    let kind = (RuleCatalog.entry(reason.rule)?.title ?? reason.rule).lowercased()
                    if !kinds.contains(kind) { kinds.append(kind) }
                }
            }
            let count = group.count == 1 ? "1 change" : "\(group.count) changes"
            return "\(heading): \(tier.rawValue), \(count) (\(kinds.prefix(4).joined(separator: "; ")))"
        }
    }

    public static func sha256(_ text: String) -> String {
        Array(SHA256.hash(data: Array(text.utf8))).hexString
    }
}

/// `CHANGELOG.md`: the release history, newest first.
public enum Changelog {
    public static let header = """
    # Changelog

    The release history of the policies in `policy/`, newest first. `policyc release` writes
    each entry: the author's notes, version, release and effective dates, verdict, and the
    sections that changed.

    """
    static let noReleasesLine = "No policy has been released yet."
    /// The changelog of a project that has released nothing yet (`policyc init` writes it).
    public static var noReleases: String { header + "\n" + noReleasesLine + "\n" }

    static func entry(for record: ReleaseRecord, title: String, notes: ReleaseNotes? = nil) -> String {
        var entry = "## \(title) \(record.version)\n\n"
        // The author's words first, as Markdown (they hold no heading, so the entry stays one entry).
        if let notes { entry += notes.text + "\n" }
        entry += "- Released: \(record.releaseDate)\n"
        entry += "- Effective: \(record.effectiveDate)\n"
        entry += "- Verdict: \(record.verdict.rawValue)\n"
        entry += "- SHA-256: `\(record.sha256)`\n\n"
        for line in record.summary { entry += "- \(Self.prose(line))\n" }
        for override in record.overrides {
            entry += "- Override \(override.fingerprint) → \(override.tier.rawValue): \(override.reason)\n"
        }
        return entry + "\n"
    }

    /// A line as Markdown prose: a heading that starts "2. How We Use…" or "- " would otherwise open a
    /// list inside the entry's list item.
    static func prose(_ line: String) -> String {
        // A list marker is digits and "." or ")" then a space; "-", "+" or "*" then a space; "#" or ">".
        let digits = line.prefix { $0.isNumber }
        let rest = line.dropFirst(digits.count)
        if !digits.isEmpty, rest.first == "." || rest.first == ")", rest.dropFirst().first == " " {
            return digits + "\\" + rest
        }
        if let first = line.first, "#>".contains(first) || ("-+*".contains(first) && line.dropFirst().first == " ") {
            return "\\" + line
        }
        return line
    }

    /// The changelog with `entry` added on top of the existing entries.
    /// Never drops what the file held: the entry goes before the first entry (`## `), or at the end.
    public static func inserting(_ entry: String, into existing: String?) -> String {
        guard let existing, !existing.trimmingSpaces.isEmpty else { return header + "\n" + entry }
        var text = existing.replacingOccurrences(of: noReleasesLine + "\n", with: "")
        if text.hasPrefix("## ") { return entry + text }
        if let firstEntry = text.firstRange(of: "\n## ") {
            text.insert(contentsOf: entry, at: text.index(after: firstEntry.lowerBound))
            return text
        }
        if !text.hasSuffix("\n\n") { text += text.hasSuffix("\n") ? "\n" : "\n\n" }
        return text + entry
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
