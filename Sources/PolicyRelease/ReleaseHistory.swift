import PolicyDiff
import PolicyModel

/// What a release decided: the first one has nothing to compare with.
public enum ReleaseVerdict: String, Sendable, Hashable, Codable {
    case initial, editorial, material, consent

    init(_ tier: Tier) {
        switch tier {
        case .unchanged, .editorial: self = .editorial
        case .material: self = .material
        case .consent: self = .consent
        }
    }

    /// Whether Users had to be told in advance.
    public var needsNotice: Bool { self == .material || self == .consent }
}

/// One released version of a policy, as the archive keeps it.
public struct ReleaseRecord: Sendable, Hashable, Codable {
    /// `v3`: monotonic and readable.
    public var version: String
    public var number: Int
    public var releaseDate: CalendarDate
    public var effectiveDate: CalendarDate
    public var verdict: ReleaseVerdict
    /// SHA-256 of the archived text, hex.
    public var sha256: String
    /// The archived copy, relative to the document's archive folder.
    public var file: String
    /// One line per changed section.
    public var summary: [String]
    /// Author decisions on single changes, with their reasons.
    public var overrides: [Override]
    /// The notice period in force when it was released (nil in records written before it was kept).
    public var noticeDays: Int?
    /// The author's release notes, `v<N>.notes.md` beside the archived copy (nil when the release had
    /// none: editorial releases may go without, and releases made before notes were kept have none).
    public var notes: String?
    /// SHA-256 of the notes file, hex: the notes Users read are the notes that were released.
    public var notesSHA256: String?

    public init(version: String, number: Int, releaseDate: CalendarDate, effectiveDate: CalendarDate,
                verdict: ReleaseVerdict, sha256: String, file: String, summary: [String], overrides: [Override]) {
        self.version = version
        self.number = number
        self.releaseDate = releaseDate
        self.effectiveDate = effectiveDate
        self.verdict = verdict
        self.sha256 = sha256
        self.file = file
        self.summary = summary
        self.overrides = overrides
    }
}

/// Every release of one policy, oldest first: `policy/archive/<doc>/releases.json`.
public struct ReleaseHistory: Sendable, Hashable, Codable {
    public var document: String
    public var releases: [ReleaseRecord]

    public init(document: String, releases: [ReleaseRecord] = []) {
        self.document = document
        self.releases = releases
    }

    public var latest: ReleaseRecord? { releases.last }

    /// The first effective date after `day`: when the version in force changes next (the site must be
    /// rebuilt then); nil when no release is pending.
    public func nextChange(after day: CalendarDate) -> CalendarDate? {
        pending(on: day).map(\.effectiveDate).min()
    }

    public func release(_ version: String) -> ReleaseRecord? {
        releases.first { $0.version == version }
    }

    /// The version in force on `day`: the newest release whose effective date has come.
    public func inForce(on day: CalendarDate) -> ReleaseRecord? {
        releases.filter { $0.effectiveDate <= day }.max { ($0.effectiveDate, $0.number) < ($1.effectiveDate, $1.number) }
    }

    /// Released versions not yet in force on `day`.
    public func pending(on day: CalendarDate) -> [ReleaseRecord] {
        releases.filter { $0.effectiveDate > day }
    }
}
