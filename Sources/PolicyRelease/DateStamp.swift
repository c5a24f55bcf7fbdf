import PolicyModel

/// Writes a date in the style of the one it replaces: `Apr 15, 2025`, `April 15, 2025`, `15 April 2025`,
/// `2025-04-15`, so that stamping changes the date and nothing else.
enum DateStamp {
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"]

    static func format(_ date: CalendarDate, like example: String) -> String {
        let trimmed = example.trimmingSpaces
        if trimmed.first?.isNumber == true, trimmed.contains("-") { return date.description }
        let full = months[date.month - 1]
        let words = trimmed.split(whereSeparator: { !$0.isLetter })
        let abbreviated = words.contains { word in
            word.count == 3 || (word.count == 4 && word.lowercased() == "sept")
        } && !words.contains { months.contains(String($0)) }
        let month = abbreviated ? String(full.prefix(3)) + (trimmed.contains(".") ? "." : "") : full
        if trimmed.first?.isNumber == true {
            return "\(date.day) \(month) \(date.year)"
        }
        return "\(month) \(date.day), \(date.year)"
    }

    /// `text` with the "Last updated" date of `document` replaced by `date`, byte for byte elsewhere;
    /// nil when the document has no such date to replace.
    static func stamp(_ text: String, document: Document, date: CalendarDate) -> String? {
        guard let lastUpdated = document.lastUpdated, let line = lastUpdated.location?.line, !lastUpdated.text.isEmpty else {
            return nil
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The date may be on the clause's first line or the next (a wrapped paragraph).
        for index in (line - 1)..<min(line + 1, lines.count) where index >= 0 {
            if let range = lines[index].range(of: lastUpdated.text) {
                lines[index].replaceSubrange(range, with: format(date, like: lastUpdated.text))
                return lines.joined(separator: "\n")
            }
        }
        return nil
    }
}

private extension String {
    func range(of needle: String) -> Range<String.Index>? {
        firstRange(of: needle)
    }
}
