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
        // Lines end as cmark counts them: LF, CRLF or a lone CR. Keep each line's own ending.
        var lines: [(text: Substring, ending: Substring)] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let end = rest.firstIndex(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
                lines.append((rest, ""))
                break
            }
            lines.append((rest[..<end], rest[end...end]))
            rest = rest[rest.index(after: end)...]
        }
        // The date may be on the clause's first line or the next (a wrapped paragraph).
        let first = max(0, line - 1)
        for index in first..<min(line + 1, lines.count) {
            if let range = lines[index].text.firstRange(of: lastUpdated.text) {
                var replaced = String(lines[index].text)
                let offset = lines[index].text.distance(from: lines[index].text.startIndex, to: range.lowerBound)
                let start = replaced.index(replaced.startIndex, offsetBy: offset)
                replaced.replaceSubrange(start..<replaced.index(start, offsetBy: lastUpdated.text.count),
                                         with: format(date, like: lastUpdated.text))
                var result = ""
                for (position, entry) in lines.enumerated() {
                    result += position == index ? replaced : String(entry.text)
                    result += entry.ending
                }
                return result
            }
        }
        return nil
    }
}
