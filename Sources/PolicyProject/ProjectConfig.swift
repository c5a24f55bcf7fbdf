import Foundation
import PolicyDiff
import PolicyModel
import PolicyNotice
import Yams

/// `policy/policyc.yml`: the site, the advance notices and how changes are classified.
public struct ProjectConfig: Sendable, Hashable {
    public struct Site: Sendable, Hashable {
        public var title: String
        public var baseURL: String
        /// The language of the public pages: dates are written in its words (`DateWords.locales`).
        public var locale: String

        public init(title: String = "Policies", baseURL: String = "", locale: String = "en") {
            self.title = title
            self.baseURL = baseURL
            self.locale = locale
        }
    }

    public struct Notice: Sendable, Hashable {
        public var periodDays: Int
        /// The sender of the notice emails: `Name <address>` or an address.
        public var from: String?
        /// The ledger: an SQLite file relative to the project (`notices/ledger.sqlite`, the default, or
        /// `sqlite:PATH`), or a PostgreSQL URL without its password. `POLICYC_LEDGER_URL` wins over it.
        public var ledger: String
        /// Where batches go, one folder per release inside (default `notices`).
        public var output: String
        public var recipients: Recipients
        /// When two rows of an export are one mailbox: `mailbox` (the local part without case, the
        /// default) or `exact` (the local part as written). Domains are compared without case either way.
        public var dedupe: MailboxRule

        public init(periodDays: Int = 30, from: String? = nil, ledger: String = "notices/ledger.sqlite",
                    output: String = "notices", recipients: Recipients = Recipients(), dedupe: MailboxRule = .mailbox) {
            self.dedupe = dedupe
            self.periodDays = periodDays
            self.from = from
            self.ledger = ledger
            self.output = output
            self.recipients = recipients
        }
    }

    /// `notice.recipients`: the export's column names and who is eligible.
    public struct Recipients: Sendable, Hashable {
        public enum Rule: String, Sendable, Hashable, CaseIterable {
            /// The status column holds one of `statuses` (default `active`).
            case status
            /// `column` holds a true value.
            case verified
            /// `column` holds a date within the last `months` months (default 12).
            case recent
        }

        public var columns: RecipientColumns
        public var eligible: Rule
        public var statuses: [String]
        public var column: String?
        public var months: Int

        public init(columns: RecipientColumns = RecipientColumns(), eligible: Rule = .status, statuses: [String] = ["active"],
                    column: String? = nil, months: Int = 12) {
            self.columns = columns
            self.eligible = eligible
            self.statuses = statuses
            self.column = column
            self.months = months
        }

        /// The rule as the reader takes it; nil when `column` is needed and missing.
        public var rule: EligibilityRule? {
            switch eligible {
            case .status: return .status(values: Set(statuses.map { $0.lowercased() }))
            case .verified: return column.map { .verified(column: $0) }
            case .recent: return column.map { .activeWithin(column: $0, months: months) }
            }
        }
    }

    /// `diff:` — how changes are classified.
    public struct Diff: Sendable, Hashable {
        /// Section id (`sec-3`) or title → category (collection, use, disclosure, rights, retention, …).
        public var categories: [String: SectionCategory]
        public var sensitiveWords: [String]
        public var overrides: [Override]
        /// Groups of names that stand for the same party (`sameParty: [[Facebook, Meta]]`).
        public var sameParty: [[String]]
        /// Entries added to the built-in lexicons, by lexicon name (`lexicon: {places: [Quebec]}`).
        public var lexicon: [String: [String]]

        public init(categories: [String: SectionCategory] = [:], sensitiveWords: [String] = [], overrides: [Override] = [],
                    sameParty: [[String]] = [], lexicon: [String: [String]] = [:]) {
            self.categories = categories
            self.sensitiveWords = sensitiveWords
            self.overrides = overrides
            self.sameParty = sameParty
            self.lexicon = lexicon
        }
    }

    public var site: Site
    public var notice: Notice
    public var diff: Diff
    /// Where each value that `check` verifies was written (`site.baseURL`, `notice.from`), by key path.
    public var locations: [String: SourceLocation]

    public init(site: Site = Site(), notice: Notice = Notice(), diff: Diff = Diff(),
                locations: [String: SourceLocation] = [:]) {
        self.site = site
        self.notice = notice
        self.diff = diff
        self.locations = locations
    }

    /// Every key the config reads, by its path: what `policyc init`'s commented policyc.yml documents.
    public static let keys: [String] = topKeys + siteKeys.map { "site.\($0)" } + noticeKeys.map { "notice.\($0)" }
        + recipientKeys.map { "notice.recipients.\($0)" } + columnKeys.map { "notice.recipients.columns.\($0)" }
        + diffKeys.map { "diff.\($0)" } + overrideKeys.map { "diff.overrides[].\($0)" }
    static let topKeys = ["site", "notice", "diff"]
    static let siteKeys = ["title", "baseURL", "locale"]
    static let noticeKeys = ["periodDays", "from", "ledger", "output", "recipients", "dedupe"]
    static let recipientKeys = ["columns", "eligible", "statuses", "column", "months"]
    static let columnKeys = ["id", "email", "name", "locale", "status"]
    static let diffKeys = ["categories", "sensitiveWords", "overrides", "sameParty", "lexicon"]
    static let overrideKeys = ["fingerprint", "tier", "reason"]

    /// The classification settings as the differ takes them.
    public var diffOptions: DiffOptions {
        DiffOptions(sectionCategories: Dictionary(diff.categories.map { ($0.key.lowercased(), $0.value) },
                                                  uniquingKeysWith: { first, _ in first }),
                    sensitiveWords: diff.sensitiveWords, overrides: diff.overrides, sameParties: diff.sameParty,
                    lexicon: diff.lexicon)
    }

    /// Reads the YAML text of a config file; `path` is for the error message.
    public static func parse(_ text: String, path: String) throws(ProjectError) -> ProjectConfig {
        let root: Node?
        let source = ConfigSource(text)
        do {
            // Composed without YAML's tag rules: each rule is an NSRegularExpression, and the first
            // one starts ICU's regex engine, which cost a small diff a third of its run. Values are
            // read from their text (ConfigNode); YAML merge keys (`<<`) are not read.
            root = try Yams.compose(yaml: text, Resolver.basic)
        } catch let error as YamlError {
            let location = error.mark.map { source.location(line: $0.line, scalarColumn: $0.column) }
            throw .invalidConfig(path: path, line: location?.line, column: location?.column, message: error.summary)
        } catch {
            throw .invalidConfig(path: path, line: nil, message: "\(error)")
        }
        // An empty file, or one of comments only, is the defaults.
        guard let root else { return ProjectConfig() }
        return try ProjectConfig(ConfigNode(root, keyPath: "", file: path, source: source))
    }

    private init(_ node: ConfigNode) throws(ProjectError) {
        self.init()
        let fields = try node.fields(Self.topKeys)
        if let site = fields["site"] {
            let fields = try site.fields(Self.siteKeys)
            if let title = fields["title"] { self.site.title = try title.string() }
            if let baseURL = fields["baseURL"] {
                self.site.baseURL = try baseURL.string()
                locations["site.baseURL"] = baseURL.location
            }
            if let locale = fields["locale"] {
                let name = try locale.string()
                // A region (`fr-CA`) is written in its language's words; a language without words is an error.
                let language = name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
                guard DateWords.locales.contains(language),
                      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }) else {
                    let languages = DateWords.locales.dropLast().joined(separator: ", ") + " or " + DateWords.locales.last!
                    throw locale.error("dates can be written in \(languages) (or a region "
                                       + "of them, such as fr-CA), not \(Diagnostic.singleLine(name))")
                }
                self.site.locale = name.replacing("_", with: "-")
            }
        }
        if let notice = fields["notice"] {
            self.notice = try Notice(notice)
            if let from = try notice.fields(Self.noticeKeys)["from"] { locations["notice.from"] = from.location }
        }
        if let diff = fields["diff"] { self.diff = try Diff(diff) }
    }
}

private extension ProjectConfig.Notice {
    init(_ node: ConfigNode) throws(ProjectError) {
        self.init()
        let fields = try node.fields(ProjectConfig.noticeKeys)
        if let period = fields["periodDays"] {
            periodDays = try period.int()
            // Material changes need advance notice: a period of 0 days would give Users none.
            guard (1...3650).contains(periodDays) else {
                throw period.error("must be between 1 and 3650 days: Users get advance notice of a material change")
            }
        }
        if let from = fields["from"], !from.isNull { self.from = try from.string() }
        if let ledger = fields["ledger"] {
            self.ledger = try ledger.string()
            if LedgerLocation.isPostgresURL(self.ledger) {
                // policyc.yml is committed: a password there is in git for good.
                guard LedgerLocation.redacted(self.ledger) == self.ledger else {
                    throw ledger.error("holds a password, and policyc.yml goes in git: leave it out, and give it in POLICYC_LEDGER_URL (which wins over notice.ledger), PGPASSWORD or ~/.pgpass")
                }
            } else if self.ledger.contains("://") {
                throw ledger.error("must be a path, sqlite:PATH or a postgresql:// URL")
            }
        }
        if let output = fields["output"] { self.output = try output.string() }
        if let recipients = fields["recipients"] { self.recipients = try ProjectConfig.Recipients(recipients) }
        if let dedupe = fields["dedupe"] { self.dedupe = try dedupe.oneOf(MailboxRule.self) }
    }
}

private extension ProjectConfig.Recipients {
    init(_ node: ConfigNode) throws(ProjectError) {
        self.init()
        let fields = try node.fields(ProjectConfig.recipientKeys)
        if let columns = fields["columns"] {
            let names = try columns.fields(ProjectConfig.columnKeys)
            if let id = names["id"] { self.columns.id = try id.string() }
            if let email = names["email"] { self.columns.email = try email.string() }
            if let name = names["name"] { self.columns.name = try name.string() }
            if let locale = names["locale"] { self.columns.locale = try locale.string() }
            if let status = names["status"] { self.columns.status = try status.string() }
        }
        if let eligible = fields["eligible"] { self.eligible = try eligible.oneOf(Rule.self) }
        if let statuses = fields["statuses"] { self.statuses = try statuses.strings() }
        if let column = fields["column"], !column.isNull { self.column = try column.string() }
        if let months = fields["months"] { self.months = try months.int() }
        if rule == nil {
            throw (fields["eligible"] ?? node).error("\(eligible.rawValue) needs notice.recipients.column")
        }
    }
}

private extension ProjectConfig.Diff {
    init(_ node: ConfigNode) throws(ProjectError) {
        self.init()
        let fields = try node.fields(ProjectConfig.diffKeys)
        if let groups = fields["sameParty"] {
            for group in try groups.items() {
                let names = try group.strings()
                guard names.count >= 2, names.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                    throw group.error("each sameParty entry lists two or more names of one party, e.g. [Facebook, Meta]")
                }
                sameParty.append(names)
            }
        }
        if let categories = fields["categories"] {
            var lowered: Set<String> = []
            for (section, category) in try categories.entries() {
                guard lowered.insert(section.lowercased()).inserted else {
                    throw category.error("the section is named twice (section keys are compared without case)")
                }
                self.categories[section] = try category.oneOf(SectionCategory.self)
            }
        }
        if let words = fields["sensitiveWords"] { self.sensitiveWords = try words.strings() }
        if let lexicons = fields["lexicon"] {
            for (name, entries) in try lexicons.entries() {
                guard DiffOptions.lexiconNames.contains(name) else {
                    throw lexicons.error("there is no lexicon “\(name)”; the lexicons are \(DiffOptions.lexiconNames.joined(separator: ", "))")
                }
                let words = try entries.strings()
                // One entry is one line of the lexicon: a line break or a comment would make it several, or none.
                if let bad = words.first(where: { $0.contains(where: \.isNewline) || $0.trimmingCharacters(in: .whitespaces).isEmpty
                    || $0.hasPrefix("#") }) {
                    throw entries.error("lexicon entry \(bad.debugDescription) must be one line of words, not empty and not a comment")
                }
                lexicon[name, default: []] += words
            }
        }
        if let overrides = fields["overrides"] {
            for item in try overrides.items() {
                let fields = try item.fields(ProjectConfig.overrideKeys)
                guard let fingerprint = fields["fingerprint"], let tier = fields["tier"] else {
                    throw item.error("an override needs a fingerprint, a tier and a reason")
                }
                let override = Override(fingerprint: try fingerprint.string(), tier: try tier.oneOf(Tier.self),
                                        reason: try fields["reason"]?.string() ?? "")
                guard !override.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw item.error("the override of change \(override.fingerprint) needs a written reason")
                }
                self.overrides.append(override)
            }
        }
    }
}

private extension YamlError {
    /// Where libyaml stopped: line and column from 1, the column in Unicode scalars.
    var mark: Mark? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark
        case .duplicatedKeysInMapping(_, let context):
            return context.mark
        default:
            return nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return "YAML syntax: " + Self.plainWords(problem: problem, context: context)
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a key is given twice: " + duplicates.sorted().joined(separator: ", ")
        case .reader(let problem, _, _, _):
            return "YAML cannot read the file: \(problem)"
        default:
            return "\(self)"
        }
    }

    /// libyaml's problems as an author would say them, with libyaml's own words after (to search for).
    static func plainWords(problem: String, context: Context?) -> String {
        // What libyaml was reading when it stopped: where a bracket or quote that is never closed was opened.
        let opened = context.map { context in
            let what = ["flow sequence": "the '[' ", "flow mapping": "the '{' ", "quoted scalar": "the quote "]
                .first { context.text.hasSuffix($0.key) }?.value ?? "what started "
            return " (\(what)at line \(context.mark.line), column \(context.mark.column))"
        } ?? ""
        let plain: String? = switch problem {
        case "mapping values are not allowed in this context":
            "a ':' inside a value; put the value in quotes if it holds ': '"
        case "could not find expected ':'":
            "a key needs a ':' after it"
        case "did not find expected key":
            "this line's indentation does not match the keys above it"
        case "did not find expected node content":
            "a value is missing here"
        case "found character that cannot start any token":
            "this character cannot start a value (YAML indents with spaces, not tabs); put the value in quotes"
        case "did not find expected ',' or ']'":
            "a list in [brackets] is not closed with ']'\(opened)"
        case "did not find expected ',' or '}'":
            "keys in {braces} are not closed with '}'\(opened)"
        case "found unexpected end of stream":
            "the file ends before a quote is closed\(opened)"
        case "found unknown escape character":
            "an unknown escape after '\\' in a double-quoted value (use single quotes, or write '\\\\')"
        case "block sequence entries are not allowed in this context":
            "a '- ' list item where the line has a value already"
        default:
            problem.hasPrefix("found a tab character") ? "a tab used for indentation; YAML indents with spaces" : nil
        }
        return plain.map { "\($0) (libyaml: \(problem))" } ?? problem + opened
    }
}
