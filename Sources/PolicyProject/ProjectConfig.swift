import Foundation
import PolicyDiff
import PolicyNotice
import Yams

/// `policy/policyc.yml`: the site, the notice period and the glossary of externally defined terms.
public struct ProjectConfig: Sendable, Hashable, Codable {
    public struct Site: Sendable, Hashable, Codable {
        public var title: String
        public var baseURL: String

        public init(title: String = "Policies", baseURL: String = "") {
            self.title = title
            self.baseURL = baseURL
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Site()
            title = try container.decodeIfPresent(String.self, forKey: .title) ?? defaults.title
            baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL) ?? defaults.baseURL
        }
    }

    public struct Notice: Sendable, Hashable, Codable {
        public var periodDays: Int
        /// The sender of the notice emails: `Name <address>` or an address.
        public var from: String?
        /// The SQLite ledger, relative to the project (default `notices/ledger.sqlite`).
        public var ledger: String
        /// Where batches go, one folder per release inside (default `notices`).
        public var output: String
        public var recipients: Recipients

        public init(periodDays: Int = 30, from: String? = nil, ledger: String = "notices/ledger.sqlite",
                    output: String = "notices", recipients: Recipients = Recipients()) {
            self.periodDays = periodDays
            self.from = from
            self.ledger = ledger
            self.output = output
            self.recipients = recipients
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Notice()
            periodDays = try container.decodeIfPresent(Int.self, forKey: .periodDays) ?? defaults.periodDays
            from = try container.decodeIfPresent(String.self, forKey: .from)
            ledger = try container.decodeIfPresent(String.self, forKey: .ledger) ?? defaults.ledger
            output = try container.decodeIfPresent(String.self, forKey: .output) ?? defaults.output
            recipients = try container.decodeIfPresent(Recipients.self, forKey: .recipients) ?? defaults.recipients
        }
    }

    /// `notice.recipients`: the export's column names and who is eligible.
    public struct Recipients: Sendable, Hashable, Codable {
        public enum Rule: String, Sendable, Hashable, Codable {
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

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Recipients()
            columns = try container.decodeIfPresent(RecipientColumns.self, forKey: .columns) ?? defaults.columns
            eligible = try container.decodeIfPresent(Rule.self, forKey: .eligible) ?? defaults.eligible
            statuses = try container.decodeIfPresent([String].self, forKey: .statuses) ?? defaults.statuses
            column = try container.decodeIfPresent(String.self, forKey: .column)
            months = try container.decodeIfPresent(Int.self, forKey: .months) ?? defaults.months
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
    public struct Diff: Sendable, Hashable, Codable {
        /// Section id (`sec-3`) or title → category (collection, use, disclosure, rights, retention, …).
        public var categories: [String: SectionCategory]
        public var sensitiveWords: [String]
        public var overrides: [Override]

        public init(categories: [String: SectionCategory] = [:], sensitiveWords: [String] = [], overrides: [Override] = []) {
            self.categories = categories
            self.sensitiveWords = sensitiveWords
            self.overrides = overrides
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            categories = try container.decodeIfPresent([String: SectionCategory].self, forKey: .categories) ?? [:]
            sensitiveWords = try container.decodeIfPresent([String].self, forKey: .sensitiveWords) ?? []
            overrides = try container.decodeIfPresent([Override].self, forKey: .overrides) ?? []
        }
    }

    public var site: Site
    public var notice: Notice
    public var glossary: [String]
    public var diff: Diff

    public init(site: Site = Site(), notice: Notice = Notice(), glossary: [String] = [], diff: Diff = Diff()) {
        self.site = site
        self.notice = notice
        self.glossary = glossary
        self.diff = diff
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        site = try container.decodeIfPresent(Site.self, forKey: .site) ?? Site()
        notice = try container.decodeIfPresent(Notice.self, forKey: .notice) ?? Notice()
        glossary = try container.decodeIfPresent([String].self, forKey: .glossary) ?? []
        diff = try container.decodeIfPresent(Diff.self, forKey: .diff) ?? Diff()
    }

    /// The classification settings as the differ takes them.
    public var diffOptions: DiffOptions {
        DiffOptions(sectionCategories: Dictionary(diff.categories.map { ($0.key.lowercased(), $0.value) },
                                                  uniquingKeysWith: { first, _ in first }),
                    sensitiveWords: diff.sensitiveWords, overrides: diff.overrides)
    }

    /// Reads the YAML text of a config file; `path` is for the error message.
    public static func parse(_ text: String, path: String) throws(ProjectError) -> ProjectConfig {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return ProjectConfig() }
        let config: ProjectConfig
        do {
            config = try YAMLDecoder().decode(ProjectConfig.self, from: text)
        } catch let error as YamlError {
            throw .invalidConfig(path: path, line: error.line, message: error.summary)
        } catch {
            throw .invalidConfig(path: path, line: nil, message: "\(error)")
        }
        for override in config.diff.overrides where override.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalidConfig(path: path, line: nil, message: "the override of change \(override.fingerprint) needs a written reason")
        }
        let lowered = config.diff.categories.keys.map { $0.lowercased() }
        if Set(lowered).count != lowered.count {
            throw .invalidConfig(path: path, line: nil,
                                 message: "diff.categories names a section twice (keys are compared without case)")
        }
        if config.notice.recipients.rule == nil {
            throw .invalidConfig(path: path, line: nil,
                                 message: "notice.recipients.eligible: \(config.notice.recipients.eligible.rawValue) needs notice.recipients.column")
        }
        guard config.notice.periodDays >= 0, config.notice.periodDays <= 3650 else {
            throw .invalidConfig(path: path, line: nil, message: "notice.periodDays must be between 0 and 3650 days")
        }
        return config
    }
}

private extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(self)"
        }
    }
}
