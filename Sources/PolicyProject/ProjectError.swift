import PolicyModel

/// What can go wrong around the policies rather than in them: files, config, templates, output.
public enum ProjectError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notFound(path: String, what: String)
    case invalidConfig(path: String, line: Int?, column: Int? = nil, message: String)
    case invalidTemplate(path: String, message: String)
    case unwritable(path: String, reason: String)
    /// A release, status or point-in-time question that cannot be answered as asked.
    case refused(path: String, message: String)
    /// Options that cannot work together, or values out of range.
    case invalidUsage(message: String)
    /// A policy name that names no draft in `policy/`, with the names it may have meant.
    case unknownPolicy(name: String, suggestions: [String])
    /// No `policy/` folder where the project was looked for.
    case noProject(folder: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): error: cannot read: \(reason)"
        case .notFound(let path, let what): "\(path): error: \(what) not found"
        case .invalidConfig(let path, let line, let column, let message):
            "\(path)\(line.map { ":\($0)" } ?? "")\(line == nil ? "" : column.map { ":\($0)" } ?? ""): error: \(message)"
        case .invalidTemplate(let path, let message): "\(path): error: invalid template: \(message)"
        case .unwritable(let path, let reason): "\(path): error: cannot write: \(reason)"
        case .refused(let path, let message): "\(path): error: \(message)"
        case .invalidUsage(let message): "policyc: error: \(message)"
        case .noProject(let folder):
            "\(Diagnostic.singleLine(folder)): error: no policy/ folder here or in any folder above: `policyc init` starts "
                + "a project, and --project DIR names one elsewhere"
        case .unknownPolicy(let name, let suggestions):
            "\(Diagnostic.singleLine(name)): error: no policy of that name: a policy is named by its file in policy/, "
                + "without .md" + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "“\($0)”" }.joined(separator: " or "))?")
        }
    }
}
