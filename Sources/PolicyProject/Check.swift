import Foundation
import PolicyLint
import PolicyModel
import PolicyRelease

/// `policyc check`: parse and lint policies, collecting diagnostics from every file.
public struct Check: Sendable {
    public struct Report: Sendable, Encodable {
        public var files: [String]
        public var diagnostics: [Diagnostic]

        public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
        public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }

        /// Whether the run fails: errors always, warnings too when strict.
        public func fails(strict: Bool) -> Bool {
            errorCount > 0 || (strict && warningCount > 0)
        }

        private enum CodingKeys: String, CodingKey { case files, diagnostics, errors, warnings }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(files, forKey: .files)
            try container.encode(diagnostics, forKey: .diagnostics)
            try container.encode(errorCount, forKey: .errors)
            try container.encode(warningCount, forKey: .warnings)
        }
    }

    public let project: Project
    public let today: CalendarDate
    /// The notice period below which `check` warns (`notice-period-short`).
    static let customaryNoticeDays = 30

    public init(project: Project, today: CalendarDate) {
        self.project = project
        self.today = today
    }

    /// Checks `paths`, or every policy in `policy/` when empty. A file that cannot be read is an error.
    public func run(paths: [String]) throws(ProjectError) -> Report {
        let files = paths.isEmpty ? try project.policyPaths() : paths
        var diagnostics: [Diagnostic] = []
        let options = project.lintOptions(today: today)
        for path in files {
            let document = try project.loadDocument(path)
            diagnostics += Linter.lint(document, options: options)
        }
        diagnostics += project.config.diagnostics(path: Project.configFile)
        // A notice period shorter than a month is legal in some places and unkind in most: said, not refused.
        if project.config.notice.periodDays < Self.customaryNoticeDays {
            diagnostics.append(Diagnostic(path: Project.configFile, location: nil, severity: .warning,
                                          message: "notice.periodDays is \(project.config.notice.periodDays): Users get less than "
                                          + "\(Self.customaryNoticeDays) days' notice of a material change", rule: "notice-period-short"))
        }
        // The archive of every policy checked from policy/ is verified too. Nothing is written: a release
        // that was interrupted is reported, and left for `policyc release` to finish.
        let releases = Releases(project: project)
        if let (message, rule) = releases.interruption() {
            diagnostics.append(Diagnostic(path: FileTransaction.journalPath, location: nil, severity: .error,
                                          message: message, rule: rule))
            return Report(files: files, diagnostics: diagnostics)
        }
        for document in files.compactMap(Project.documentID(forPolicyPath:)) {
            diagnostics += try ArchiveCheck(releases: releases, today: today).diagnostics(for: document)
        }
        return Report(files: files, diagnostics: diagnostics)
    }
}

extension CalendarDate {
    /// Today in UTC: the day a release pipeline running anywhere agrees on.
    public static func today(now: Date = Date()) -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
