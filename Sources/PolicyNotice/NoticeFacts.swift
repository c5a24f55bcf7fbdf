import PolicyDiff
import PolicyModel

/// What every notice of one release says: the policy, the dates, the links, and what changed in
/// plain words, section by section. The templates in `templates/email/` turn it into text.
public struct NoticeFacts: Sendable, Hashable {
    public var document: String
    public var title: String
    public var version: String
    public var verdict: String
    public var releaseDate: CalendarDate
    public var effectiveDate: CalendarDate
    /// The new version's page, and its redline against the previous version.
    public var pageURL: String
    public var changesURL: String
    /// The policy's current page (`DOC.html`), which shows the new version once it is in force: each
    /// section's link lands there at the section's persistent id. Empty: the sections are not linked.
    public var currentURL: String
    public var siteTitle: String
    public var sections: [NoticeSection]
    /// Changes that do not alter meaning (wording, order, formatting): counted, shown in the redline.
    public var editorialCount: Int
    /// The author's release notes, shown first ("What is changing"); nil for a release made without them.
    public var notes: NoticeNotes?

    public init(document: String, title: String, version: String, verdict: String, releaseDate: CalendarDate,
                effectiveDate: CalendarDate, pageURL: String, changesURL: String, siteTitle: String,
                sections: [NoticeSection], editorialCount: Int, notes: NoticeNotes? = nil, currentURL: String = "") {
        self.document = document
        self.title = title
        self.version = version
        self.verdict = verdict
        self.releaseDate = releaseDate
        self.effectiveDate = effectiveDate
        self.pageURL = pageURL
        self.changesURL = changesURL
        self.siteTitle = siteTitle
        self.sections = sections
        self.editorialCount = editorialCount
        self.notes = notes
        self.currentURL = currentURL
    }

    /// The Mustache context. Per-User values (`recipient.name`, `recipient.email`) are left to the
    /// caller: they are filled in per message, not here. `locale`: the template set's ("" for the
    /// default): the dates in words and the labels of the change sentences are in its language.
    func context(recipient: [String: String], locale: String = "") -> [String: Any] {
        let language = NoticeLanguage.of(templateSet: locale)
        var context: [String: Any] = [
            "document": document, "title": title, "version": version, "verdict": verdict,
            "consent": verdict == "consent",
            "releaseDate": releaseDate.description, "effectiveDate": effectiveDate.description,
            // `…Long` are the names of before the dates had one table; they say the same as `…Words`.
            "effectiveDateWords": language.dateWords(effectiveDate), "releaseDateWords": language.dateWords(releaseDate),
            "effectiveDateLong": language.dateWords(effectiveDate), "releaseDateLong": language.dateWords(releaseDate),
            "pageURL": pageURL, "changesURL": changesURL, "currentURL": currentURL, "siteTitle": siteTitle,
            "sections": sections.map { section in
                var described: [String: Any] = [
                    "heading": section.heading, "changes": section.statements.map { ["text": $0.sentence(in: language)] },
                ]
                if let anchor = section.anchor, !currentURL.isEmpty { described["url"] = "\(currentURL)#\(anchor)" }
                return described
            },
            "hasSections": !sections.isEmpty,
            "editorialCount": editorialCount, "hasEditorial": editorialCount > 0,
            "recipient": recipient,
        ]
        if let notes { context["notes"] = ["text": notes.text, "html": notes.html] }
        return context
    }
}

/// One material or consent change, said in a sentence whose labels ("Added:", "Ajouté :") are in the
/// reader's language; the quotes stay the policy's own words.
public enum NoticeStatement: Sendable, Hashable {
    case sectionAdded(String)
    case sectionRemoved(String)
    case sectionRenamed(old: String, new: String)
    case added(String)
    case removed(String)
    case moved(String)
    case modified(new: String, old: String)
    /// A sentence given whole (a caller's own), the same in every language.
    case verbatim(String)

    public func sentence(in language: NoticeLanguage = .english) -> String {
        let colon = language.colon
        switch self {
        case .sectionAdded(let title): return "\(language.newSection)\(colon) \(title)."
        case .sectionRemoved(let title): return "\(language.sectionRemoved)\(colon) \(title)."
        case .sectionRenamed(let old, let new): return "\(language.sectionRenamed) \(old) \(language.renamedTo) \(new)."
        case .added(let new): return "\(language.added)\(colon) \(new)"
        case .removed(let old): return "\(language.removed)\(colon) \(old)"
        case .moved(let new): return "\(language.movedNow)\(colon) \(new)"
        case .modified(let new, let old): return "\(language.nowReads)\(colon) \(new) (\(language.itRead)\(colon) \(old))"
        case .verbatim(let text): return text
        }
    }
}

/// The author's release notes, rendered once for each part of the message.
public struct NoticeNotes: Sendable, Hashable {
    /// Plain text, for the text part.
    public var text: String
    /// An HTML fragment (paragraphs, lists, links), escaped already, for the HTML part.
    public var html: String

    public init(text: String, html: String) {
        self.text = text
        self.html = html
    }
}

/// One section of the policy whose meaning changed, and each change in a sentence.
public struct NoticeSection: Sendable, Hashable {
    public var heading: String
    public var statements: [NoticeStatement]
    /// The section's persistent id in the release's id map (the removed section's, for one removed): where
    /// its link lands on the current page. Nil where the map names no section (the preamble, the title).
    /// The sentences in English.
    public var changes: [String] { statements.map { $0.sentence() } }

    public var anchor: String?

    public init(heading: String, changes: [String], anchor: String? = nil) {
        self.heading = heading
        statements = changes.map(NoticeStatement.verbatim)
        self.anchor = anchor
    }

    public init(heading: String, statements: [NoticeStatement], anchor: String? = nil) {
        self.heading = heading
        self.statements = statements
        self.anchor = anchor
    }

    /// The material and consent changes of `changes`, grouped by the section they are in, in the
    /// new document's order; the count of the rest. `old` and `new`, the id maps of the two versions,
    /// give each section its persistent id; without them the sections have none. `changes` names
    /// structural ids (the archived texts'): a structural id may denote another section on the current
    /// page, so only the maps' ids are ever linked.
    public static func summarize(_ changes: ChangeSet, old: IdentityMap? = nil, new: IdentityMap? = nil,
                                 quoteLimit: Int = 280) -> (sections: [NoticeSection], editorial: Int) {
        var order: [String] = []
        var bySection: [String: [NoticeStatement]] = [:]
        var anchors: [String: String] = [:]
        let oldSections = old?.sectionIDs ?? [:], newSections = new?.sectionIDs ?? [:]
        var editorial = 0
        for change in changes.changes {
            guard change.tier >= .material else {
                if change.tier == .editorial && !change.reasons.allSatisfy({ $0.rule == "last-updated" }) { editorial += 1 }
                continue
            }
            let heading: String
            switch change.subject {
            case .section: heading = change.newText ?? change.oldText ?? "The policy"
            case .document: heading = "The policy"
            case .clause: heading = (change.new ?? change.old)?.sectionHeading ?? "Introduction"
            }
            if bySection[heading] == nil { order.append(heading) }
            bySection[heading, default: []].append(sentence(change, limit: quoteLimit))
            // The section as the new version has it; a removed one as the old version had it (its id lands
            // on the removal note of the current page).
            let section: String?
            switch change.subject {
            case .section: section = change.new.flatMap { newSections[$0.id] } ?? change.old.flatMap { oldSections[$0.id] }
            case .clause: section = change.new?.section.flatMap { newSections[$0] } ?? change.old?.section.flatMap { oldSections[$0] }
            case .document: section = nil
            }
            if anchors[heading] == nil, let section { anchors[heading] = section }
        }
        return (order.map { NoticeSection(heading: $0, statements: bySection[$0]!, anchor: anchors[$0]) }, editorial)
    }

    static func sentence(_ change: Change, limit: Int) -> NoticeStatement {
        // In a long clause the change may lie past the quote's end: both quotes start near it.
        let skip = change.oldText.flatMap { old in change.newText.map { focus(old, $0, limit: limit) } } ?? 0
        let new = change.newText.map { quote($0, limit: limit, skip: skip) }
        let old = change.oldText.map { quote($0, limit: limit, skip: skip) }
        switch (change.subject, change.kind) {
        case (.section, .added): return .sectionAdded(change.newText ?? "")
        case (.section, .removed): return .sectionRemoved(change.oldText ?? "")
        case (.section, _): return .sectionRenamed(old: old ?? "", new: new ?? "")
        case (_, .added): return .added(new ?? "")
        case (_, .removed): return .removed(old ?? "")
        case (_, .moved): return .moved(new ?? "")
        default: return .modified(new: new ?? "", old: old ?? "")
        }
    }

    /// How many words both quotes skip so the first difference is in view: none when it is near
    /// the start, else enough to start a few words before it.
    static func focus(_ old: String, _ new: String, limit: Int) -> Int {
        let oldWords = old.split(whereSeparator: \.isWhitespace), newWords = new.split(whereSeparator: \.isWhitespace)
        let common = zip(oldWords, newWords).prefix { $0 == $1 }.count
        let seen = oldWords.prefix(common).reduce(0) { $0 + $1.count + 1 }
        return seen > limit / 2 ? max(0, common - 8) : 0
    }

    static func quote(_ text: String, limit: Int, skip: Int = 0) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        let flat = words.dropFirst(skip).joined(separator: " ")
        let lead = skip > 0 && skip < words.count ? "… " : ""
        guard flat.count > limit else { return "“\(lead)\(flat)”" }
        var cut = String(flat.prefix(limit))
        if let space = cut.lastIndex(of: " ") { cut = String(cut[..<space]) }
        return "“\(lead)\(cut) …”"
    }
}
