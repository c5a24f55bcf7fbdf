/// Why a notice command could not do its work. The CLI prints these as `path: error: message`.
public enum NoticeError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case invalidExport(path: String, line: Int, message: String)
    case invalidTemplate(path: String, message: String)
    case invalidOption(String)
    case refused(String)
    case ledger(path: String, message: String)
    case delivery(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason): "\(path): cannot write: \(reason)"
        case .invalidExport(let path, let line, let message): "\(path):\(line): \(message)"
        case .invalidTemplate(let path, let message): "\(path): \(message)"
        case .invalidOption(let message): message
        case .refused(let message): message
        case .ledger(let path, let message): "\(path): ledger: \(message)"
        case .delivery(let message): message
        }
    }
}
