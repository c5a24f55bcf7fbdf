import PolicyModel

/// Finds a policy's "Last updated" statement in the forms real policies use:
/// `_Last Updated: Apr 15, 2025_`, `Effective date: **May 25, 2018**`, `Version Effective Date: …`,
/// `Last modified …`, a date alone under the title, Mozilla's `{: datetime="2014-01-27" }`, front matter.
enum LastUpdatedFinder {
    /// Labels that introduce the date, lowercased; the longest is tried first.
    private static let labels = [
        "version effective date", "date of last revision", "last updated on", "last updated",
        "last modified", "last revised", "last amended", "effective date", "effective as of", "effective from",
        "effective", "updated",
    ]
    private static let frontMatterKeys = ["last_updated", "lastUpdated", "last-updated", "updated", "effective_date",
                                          "effectiveDate", "date"]
    /// Only the top of a document carries its date; deeper "Last updated" lines belong to appended texts.
    static let clausesSearched = 60

    static func find(frontMatter: [String: String], clauses: [Clause]) -> LastUpdated? {
        for key in frontMatterKeys {
            if let value = frontMatter[key], let found = DateText.firstDate(in: value) {
                return LastUpdated(date: found.date, text: found.text, clause: nil, location: nil)
            }
        }
        var loneDate: LastUpdated?
        for clause in clauses.prefix(clausesSearched) where clause.kind == .paragraph {
            if let found = labelled(clause) { return found }
            if loneDate == nil, let date = DateText.isOnlyDate(clause.text.replacingAttributeSuffix) {
                loneDate = LastUpdated(date: date, text: clause.text, clause: clause.id, location: clause.location)
            }
        }
        return loneDate
    }

    private static func labelled(_ clause: Clause) -> LastUpdated? {
        let text = clause.text
        guard text.count < 200 else { return nil }
        let lowered = text.lowercased()
        for label in labels {
            guard let range = lowered.firstRange(of: label) else { continue }
            // The label must start the clause (after emphasis markers were removed) or follow a banner word.
            let before = lowered[..<range.lowerBound].trimmingCharacters(in: " *_:")
            guard before.isEmpty || before.hasSuffix("version") else { continue }
            let after = text[text.index(text.startIndex, offsetBy: lowered.distance(from: lowered.startIndex,
                                                                                      to: range.upperBound))...]
            let rest = String(after).trimmingCharacters(in: " :*_")
            if let found = DateText.firstDate(in: rest) {
                return LastUpdated(date: found.date, text: found.text, clause: clause.id, location: clause.location)
            }
            if label != "updated", label != "effective" {
                return LastUpdated(date: nil, text: rest, clause: clause.id, location: clause.location)
            }
        }
        if let value = datetimeAttribute(text) {
            // Mozilla's `June 30, 2023 {: datetime="2022-06-30" }`: where the two disagree, the date
            // readers see is the one the policy states; the attribute only helps when none is visible.
            if let visible = DateText.firstDate(in: text.replacingAttributeSuffix), let date = visible.date {
                return LastUpdated(date: date, text: visible.text, clause: clause.id, location: clause.location)
            }
            if let date = CalendarDate(iso: value) ?? DateText.firstDate(in: value)?.date {
                return LastUpdated(date: date, text: value, clause: clause.id, location: clause.location)
            }
        }
        return nil
    }

    /// Whether a paragraph says nothing but when the policy was updated or takes effect.
    static func isDateLine(_ text: String) -> Bool {
        guard text.count < 200 else { return false }
        let clause = Clause(id: "", kind: .paragraph, inlines: [.text(text)], text: text, location: nil)
        return labelled(clause) != nil || DateText.isOnlyDate(text.replacingAttributeSuffix) != nil
    }

    /// Mozilla's kramdown attribute `{: datetime="2014-01-27" }`.
    private static func datetimeAttribute(_ text: String) -> String? {
        guard let start = text.firstRange(of: "datetime=\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, set.unicodeScalars.contains(first) || first.properties.isWhitespace {
            scalars.removeFirst()
        }
        while let last = scalars.last, set.unicodeScalars.contains(last) || last.properties.isWhitespace {
            scalars.removeLast()
        }
        return String(scalars)
    }
}

extension String {
    /// Text without a trailing kramdown attribute list (`{: #id }`).
    var replacingAttributeSuffix: String {
        guard hasSuffix("}"), let open = ranges(of: "{:").last else { return self }
        return String(self[..<open.lowerBound]).trimmingSpaces
    }
}
