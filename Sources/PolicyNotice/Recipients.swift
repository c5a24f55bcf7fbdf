import PolicyModel

/// Which columns (CSV header names, or JSON keys) of the export hold what notices need.
public struct RecipientColumns: Sendable, Hashable {
    public var id = "id"
    public var email = "email"
    public var name = "name"
    public var locale = "locale"
    public var status = "status"

    public init() {}
}

/// Who has an account worth notifying. The default: the status column says `active`.
public enum EligibilityRule: Sendable, Hashable {
    /// The status column holds one of `values` (compared without case).
    case status(values: Set<String>)
    /// `column` holds a true value (`true`, `1`, `yes`).
    case verified(column: String)
    /// `column` holds a date (ISO, a time may follow) no more than `months` months before today.
    case activeWithin(column: String, months: Int)

    var extraColumn: String? {
        switch self {
        case .status: nil
        case .verified(let column), .activeWithin(let column, _): column
        }
    }
}

/// An eligible User with a deliverable address.
public struct Recipient: Sendable, Hashable {
    /// The line of the export the row starts on.
    public var line: Int
    public var id: String
    public var email: String
    /// Domain lowercased, local part too unless `notice.dedupe` is `exact`: two rows with the same key
    /// are one mailbox.
    public var mailbox: String
    /// Empty when the export has none, or when it could not be used (see `note`).
    public var name: String
    public var locale: String
    /// Set when part of the row was left out, e.g. a name with a line break in it.
    public var note: String?

    public init(line: Int, id: String, email: String, name: String, locale: String, note: String? = nil,
                dedupe: MailboxRule = .mailbox) {
        self.line = line
        self.id = id
        self.email = email
        self.mailbox = EmailAddress.mailboxKey(email, dedupe)
        self.name = name
        self.locale = locale
        self.note = note
    }
}

/// A row that cannot be notified as it is, and what was done about it.
public struct RecipientIssue: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        /// The row gets no notice: no usable address, or no usable row at all.
        case rejected
        /// The User is notified, without the name the row had.
        case nameDropped = "name-dropped"
        /// The same mailbox as an earlier row: that row's notice covers it.
        case merged
        /// Not a User the eligibility rule (`notice.recipients.eligible`) gives a notice to.
        case ineligible
    }

    public var line: Int
    public var id: String?
    public var reason: String
    public var action: Action

    public init(line: Int, id: String?, reason: String, action: Action) {
        self.line = line
        self.id = id
        self.reason = reason
        self.action = action
    }
}

public enum RecipientEvent: Sendable {
    case recipient(Recipient)
    /// A User the eligibility rule leaves out, with why (action `ineligible`).
    case ineligible(RecipientIssue)
    case rejected(RecipientIssue)
}

public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, jsonl

    /// From the file name: `.csv`, or `.jsonl` / `.ndjson` / `.json`.
    public static func guess(path: String) -> ExportFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        return nil
    }
}

/// Streams an export of the user base, one row at a time, in flat memory; classifies each row as an
/// eligible recipient, an ineligible User, or a reject with its line and reason.
public final class RecipientReader {
    /// Names of more Unicode scalars than this are not put in a header (a notice is still sent, without
    /// the name). Scalars, not characters: one character can hide thousands of combining marks.
    public static let maximumNameLength = 200
    /// A quoted CSV field may span this many lines; beyond, the quote is taken as a mistake.
    static let maximumRecordLines = 100
    /// The longest row (a line, or a CSV record over several) read: a longer one is rejected unread, so
    /// memory stays flat whatever the export holds. A real row is a few hundred bytes.
    public static let maximumRowLength = 64 << 10

    public let path: String
    public let format: ExportFormat
    private let lines: ByteLines
    private let columns: RecipientColumns
    private let rule: EligibilityRule
    private let today: CalendarDate
    private let dedupe: MailboxRule
    /// For each wanted field (id, email, name, locale, status, extra): its CSV column index, or -1.
    private var csvIndexes: [Int] = []
    private var csvColumnCount = 0
    private var wantedKeys: [String]
    /// JSON Lines: which of `wantedKeys` some line had. A key no line has is a misconfigured column.
    private var keysSeen = [Bool](repeating: false, count: 6)
    private var objectsRead = 0
    /// CSV lines read ahead of a record that turned out to be malformed, to be read again.
    private var replay: [RawLine] = []

    public init(path: String, format: ExportFormat? = nil, columns: RecipientColumns = RecipientColumns(),
                rule: EligibilityRule = .status(values: ["active"]), today: CalendarDate,
                dedupe: MailboxRule = .mailbox) throws(NoticeError) {
        guard let format = format ?? ExportFormat.guess(path: path) else {
            throw .invalidOption("\(path): cannot tell the export's format from its name; name it .csv or .jsonl, or pass --users-format")
        }
        self.path = path
        self.format = format
        self.columns = columns
        self.rule = rule
        self.today = today
        self.dedupe = dedupe
        wantedKeys = [columns.id, columns.email, columns.name, columns.locale, columns.status, rule.extraColumn ?? ""]
        lines = try ByteLines(path: path, maximumLength: Self.maximumRowLength)
        if format == .csv { try readHeader() }
    }

    private func readHeader() throws(NoticeError) {
        guard let header = try nextRawRecord() else {
            throw .invalidExport(path: path, line: 1, message: "empty export: a CSV export starts with a header row")
        }
        guard case .fields(let names) = header.fields else {
            // No row can be read without the header, so a bad one is an error, not a reject.
            let reason = if case .problem(let reason) = header.fields { reason } else { "" }
            throw .invalidExport(path: path, line: header.line, message: "the header row is not valid CSV: \(reason)")
        }
        let trimmed = names.map { $0.trimmingSpaces }
        csvColumnCount = trimmed.count
        csvIndexes = wantedKeys.map { key in key.isEmpty ? -1 : trimmed.firstIndex(of: key) ?? -1 }
        for (key, index) in [(columns.id, csvIndexes[0]), (columns.email, csvIndexes[1])] where index < 0 {
            throw .invalidExport(path: path, line: header.line,
                                 message: "the header has no column '\(key)' (columns: \(trimmed.joined(separator: ", ")))")
        }
        if let extra = rule.extraColumn, csvIndexes[5] < 0 {
            throw .invalidExport(path: path, line: header.line, message: "the eligibility rule needs a column '\(extra)'")
        }
        if case .status = rule, csvIndexes[4] < 0 {
            throw .invalidExport(path: path, line: header.line, message: "the eligibility rule needs a column '\(columns.status)'")
        }
    }

    /// The next row, classified; nil at the end of the export.
    public func next() throws(NoticeError) -> RecipientEvent? {
        switch format {
        case .csv:
            var next = try nextRawRecord()
            // Blank lines (spreadsheets end exports with them) are skipped, in a loop: there may be many.
            while let record = next, case .fields(let fields) = record.fields, fields.count == 1, fields[0].isEmpty {
                next = try nextRawRecord()
            }
            guard let record = next else { return nil }
            switch record.fields {
            case .fields(let fields):
                guard fields.count == csvColumnCount else {
                    let cut = record.terminated ? "" : " (the export ends in the middle of it)"
                    return .rejected(RecipientIssue(line: record.line, id: nil,
                                                    reason: "\(fields.count) fields where the header has \(csvColumnCount)\(cut)",
                                                    action: .rejected))
                }
                return classify(line: record.line, values: csvIndexes.map { $0 >= 0 ? fields[$0] : nil })
            case .problem(let reason):
                return .rejected(RecipientIssue(line: record.line, id: nil, reason: reason, action: .rejected))
            }
        case .jsonl:
            while true {
                let read: ByteLines.Line<Result<[String?], JSONLineError>?>? = try lines.next { bytes in
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
                    if let offset = UTF8Validation.firstInvalidOffset(bytes) {
                        return .failure(JSONLineError("invalid UTF-8 at byte \(offset + 1) of the line"))
                    }
                    return JSONLine.values(of: wantedKeys, in: bytes)
                }
                let line = lines.lineNumber
                let parsed: Result<[String?], JSONLineError>
                switch read {
                case nil:
                    try checkKeysSeen()
                    return nil
                case .tooLong(let bytes):
                    parsed = .failure(JSONLineError(Self.tooLong(bytes)))
                case .line(nil):
                    continue
                case .line(let result?):
                    parsed = result
                }
                switch parsed {
                case .success(let values):
                    objectsRead += 1
                    for (slot, value) in values.enumerated() where value != nil { keysSeen[slot] = true }
                    return classify(line: line, values: values)
                case .failure(let error):
                    let cut = lines.lastLineTerminated ? "" : " (last line, no line end: truncated?)"
                    return .rejected(RecipientIssue(line: line, id: nil, reason: error.message + cut, action: .rejected))
                }
            }
        }
    }

    /// After the last line of a JSON Lines export: a key the configuration names that no line had
    /// means every row was rejected or ineligible for a reason the rows cannot show.
    private func checkKeysSeen() throws(NoticeError) {
        guard objectsRead > 0 else { return }
        var needed = [0, 1]
        if case .status = rule { needed.append(4) }
        if rule.extraColumn != nil { needed.append(5) }
        for slot in needed where !keysSeen[slot] {
            throw .invalidExport(path: path, line: 1,
                                 message: "no line has the key '\(wantedKeys[slot])' (see notice.recipients.columns in policyc.yml)")
        }
    }

    private func classify(line: Int, values: [String?]) -> RecipientEvent {
        let id = (values[0] ?? "").trimmingSpaces
        guard !id.isEmpty else { return .rejected(RecipientIssue(line: line, id: nil, reason: "no user id", action: .rejected)) }
        guard id.utf8.count <= 256, !id.unicodeScalars.contains(where: Self.isControl) else {
            return .rejected(RecipientIssue(line: line, id: nil, reason: "the user id has control characters or is over 256 bytes",
                                            action: .rejected))
        }
        if let reason = ineligibility(values) {
            return .ineligible(RecipientIssue(line: line, id: id, reason: reason, action: .ineligible))
        }
        let email = (values[1] ?? "").trimmingSpaces
        if let problem = EmailAddress.problem(email) {
            return .rejected(RecipientIssue(line: line, id: id, reason: "invalid address: \(problem)", action: .rejected))
        }
        var name = (values[2] ?? "").trimmingSpaces
        var note: String?
        if name.unicodeScalars.contains(where: Self.isControl) {
            name = ""
            note = "the name has a line break or another control character; the notice goes out without it"
        } else if name.unicodeScalars.count > Self.maximumNameLength {
            name = ""
            note = "the name is over \(Self.maximumNameLength) characters; the notice goes out without it"
        }
        let locale = (values[3] ?? "").trimmingSpaces
        let cleanLocale = locale.utf8.count <= 35 && locale.utf8.allSatisfy { Self.isLocaleByte($0) } ? locale : ""
        return .recipient(Recipient(line: line, id: id, email: email, name: name, locale: cleanLocale, note: note, dedupe: dedupe))
    }

    /// Why the eligibility rule leaves the row out, or nil when it does not. The row's own value is
    /// quoted short and with control characters made visible: it is the export's, not ours.
    private func ineligibility(_ values: [String?]) -> String? {
        func shown(_ value: String) -> String { "'\(VisibleText.of(value, limit: 40))'" }
        switch rule {
        case .status(let accepted):
            let status = (values[4] ?? "").trimmingSpaces
            if accepted.contains(status.lowercased()) { return nil }
            return "\(columns.status) is \(status.isEmpty ? "empty" : shown(status)): not \(accepted.sorted().joined(separator: " or "))"
        case .verified(let column):
            let value = (values[5] ?? "").trimmingSpaces
            if ["true", "1", "yes", "y", "t"].contains(value.lowercased()) { return nil }
            return "\(column) is \(value.isEmpty ? "empty" : shown(value)): not verified"
        case .activeWithin(let column, let months):
            let text = (values[5] ?? "").trimmingSpaces
            guard let day = CalendarDate(isoPrefix: text) else {
                return "\(column) is \(text.isEmpty ? "empty" : shown(text)): not a date"
            }
            if day >= today.adding(months: -months) { return nil }
            return "\(column) is \(day): over \(months) months before \(today)"
        }
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators. Tabs count too: a
    /// name or id has no use for them.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func isLocaleByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_")
    }

    // MARK: CSV (RFC 4180)

    private enum RawFields {
        case fields([String])
        case problem(String)
    }

    /// A line as read: its bytes, or nil when it was over `maximumRowLength` (`length` bytes, not kept).
    private struct RawLine {
        var line: Int
        var bytes: [UInt8]?
        var length: Int
        var terminated: Bool
    }

    private func nextLine() throws(NoticeError) -> RawLine? {
        if !replay.isEmpty { return replay.removeFirst() }
        switch try lines.next({ Array($0) }) {
        case nil: return nil
        case .line(let bytes): return RawLine(line: lines.lineNumber, bytes: bytes, length: bytes.count, terminated: lines.lastLineTerminated)
        case .tooLong(let length): return RawLine(line: lines.lineNumber, bytes: nil, length: length, terminated: lines.lastLineTerminated)
        }
    }

    static func tooLong(_ bytes: Int) -> String {
        "the row is over \(maximumRowLength >> 10) KiB (\(bytes) bytes) and was not read"
    }

    /// One record: a line, or several when a quoted field holds line breaks, at most
    /// `maximumRowLength` bytes in all.
    private func nextRawRecord() throws(NoticeError) -> (line: Int, fields: RawFields, terminated: Bool)? {
        guard let first = try nextLine() else { return nil }
        guard let firstBytes = first.bytes else { return (first.line, .problem(Self.tooLong(first.length)), first.terminated) }
        var consumed = [first]
        var splitter = CSVRecordSplitter()
        var length = firstBytes.count
        var invalidUTF8 = UTF8Validation.firstInvalidOffset(firstBytes)
        var result = splitter.feed(firstBytes)
        /// A quote opened on the first line and the lines joined to close it did not make a good row:
        /// the quote was a mistake. Reject the first line alone and read the others again.
        func strayQuote(_ reason: String = "a quoted field is never closed") -> (line: Int, fields: RawFields, terminated: Bool) {
            replay = Array(consumed.dropFirst()) + replay
            let cut = consumed.count == 1 && !first.terminated ? " (the export ends in the middle of it)" : ""
            return (first.line, .problem("\(reason)\(cut)"), first.terminated)
        }
        while true {
            switch result {
            case .complete(let fields):
                if consumed.count > 1 && csvColumnCount > 0 && fields.count != csvColumnCount { return strayQuote() }
                let last = consumed.last!
                if let offset = invalidUTF8 {
                    return (first.line, .problem("invalid UTF-8 at byte \(offset + 1) of the row"), last.terminated)
                }
                return (first.line, .fields(fields.map { String(decoding: $0, as: UTF8.self) }), last.terminated)
            case .malformed(let reason):
                if consumed.count > 1 { return strayQuote() }
                return (first.line, .problem(reason), first.terminated)
            case .openQuote:
                guard consumed.count < Self.maximumRecordLines, let more = try nextLine() else { return strayQuote() }
                consumed.append(more)
                guard let bytes = more.bytes, length + 1 + bytes.count <= Self.maximumRowLength else {
                    return strayQuote("a quoted field is not closed within \(Self.maximumRowLength >> 10) KiB")
                }
                if invalidUTF8 == nil, let offset = UTF8Validation.firstInvalidOffset(bytes) { invalidUTF8 = length + 1 + offset }
                length += 1 + bytes.count
                result = splitter.feed(bytes, continuing: true)
            }
        }
    }

    private enum SplitResult {
        case complete([[UInt8]])
        case openQuote
        case malformed(String)
    }

    /// Splits a record fed a line at a time, keeping its place across lines: each byte is read once
    /// however many lines a quoted field spans (splitting the joined lines again for each line was
    /// quadratic: 99 lines of 1 MB took 25 s).
    private struct CSVRecordSplitter {
        private var fields: [[UInt8]] = []
        private var field: [UInt8] = []
        private var quoted = false
        private var fieldStart = true
        /// Bytes of the record before the line being fed, its line breaks included.
        private var offset = 0

        /// `continuing`: the line goes on a record whose quoted field the last line left open.
        mutating func feed(_ bytes: [UInt8], continuing: Bool = false) -> SplitResult {
            if continuing {
                field.append(0x0A)
                offset += 1
            }
            defer { offset += bytes.count }
            var index = 0
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
            while index < bytes.count {
                let byte = bytes[index]
                if quoted {
                    if byte == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        quoted = false
                        index += 1
                        if index < bytes.count && bytes[index] != comma {
                            return .malformed("text after a closing quote at column \(offset + index + 1)")
                        }
                        continue
                    }
                    field.append(byte)
                } else if byte == comma {
                    fields.append(field)
                    field.removeAll(keepingCapacity: true)
                    fieldStart = true
                    index += 1
                    continue
                } else if byte == quote && fieldStart {
                    quoted = true
                } else {
                    // A stray quote inside an unquoted field is kept as a character, as most exporters mean it.
                    field.append(byte)
                }
                fieldStart = false
                index += 1
            }
            if quoted { return .openQuote }
            fields.append(field)
            return .complete(fields)
        }
    }
}

extension CalendarDate {
    /// `2026-11-29`, or the date of a timestamp that starts with one (`2026-11-29T10:00:00Z`).
    init?(isoPrefix text: String) {
        guard text.utf8.count >= 10 else { return nil }
        self.init(iso: text.prefix(10))
    }

    /// The same day `months` later (earlier when negative), clamped to the month's last day.
    func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12, newMonth = total % 12 + 1
        return CalendarDate(year: newYear, month: newMonth, day: min(day, CalendarDate.daysIn(month: newMonth, year: newYear)))!
    }
}
