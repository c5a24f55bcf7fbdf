import Crypto
import Foundation
import PolicyModel
import Mustache

/// The email templates: `notice.{subject,text,html}.mustache`, and per locale
/// `notice.<locale>.{subject,text,html}.mustache` (`fr-CA` falls back to `fr`, then to the default).
/// The defaults are built into the binary (`EmailTemplates/`); a project's `templates/email/` replaces
/// them file by file, and may add locales.
public struct NoticeTemplateSources: Sendable {
    public struct Set: Sendable, Hashable {
        public var subject: String
        public var text: String
        public var html: String
    }

    public static let parts = ["subject", "text", "html"]
    /// Locale key ("" for the default) → its three templates.
    public var sets: [String: Set]
    /// File → SHA-256, for the manifest. A built-in template is named `built-in:<file>`: no file of the
    /// project was read, and `policyc templates export` of the same policyc writes exactly those bytes.
    public var fileDigests: [String: String]

    public init(sets: [String: Set], fileDigests: [String: String] = [:]) {
        self.sets = sets
        self.fileDigests = fileDigests
    }

    /// The built-in templates by file name, as a project's `templates/email/` names them.
    public static let builtIn: [String: [UInt8]] = [
        "notice.fr.html.mustache": PackageResources.notice_fr_html_mustache,
        "notice.fr.subject.mustache": PackageResources.notice_fr_subject_mustache,
        "notice.fr.text.mustache": PackageResources.notice_fr_text_mustache,
        "notice.html.mustache": PackageResources.notice_html_mustache,
        "notice.subject.mustache": PackageResources.notice_subject_mustache,
        "notice.text.mustache": PackageResources.notice_text_mustache,
    ]

    /// The built-in templates with the project's own in `folder` (when there is one) in their place;
    /// `displayFolder` names it in errors and in the digests.
    public static func load(folder: URL?, displayFolder: String) throws(NoticeError) -> NoticeTemplateSources {
        var sources: [String: (data: [UInt8], path: String)] = [:]
        for (name, data) in builtIn { sources[name] = (data, "built-in:\(name)") }
        if let folder, FileManager.default.fileExists(atPath: folder.path) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            } catch {
                throw .unreadable(path: displayFolder, reason: "cannot list the email templates: \(error.localizedDescription)")
            }
            for name in names where name.hasPrefix("notice.") && name.hasSuffix(".mustache") {
                let path = "\(displayFolder)/\(name)"
                guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                    throw .unreadable(path: path, reason: "cannot read the template")
                }
                sources[name] = (Array(data), path)
            }
        }
        var files: [String: [String: String]] = [:]
        var digests: [String: String] = [:]
        for name in sources.keys.sorted() {
            let middle = name.dropFirst("notice.".count).dropLast(".mustache".count).split(separator: ".")
            guard let part = middle.last, parts.contains(String(part)), middle.count <= 2 else { continue }
            let locale = middle.count == 2 ? String(middle[0]).lowercased() : ""
            let (data, path) = sources[name]!
            guard let text = String(validating: data, as: UTF8.self) else {
                throw .invalidTemplate(path: path, message: "not valid UTF-8")
            }
            files[locale, default: [:]][String(part)] = text
            digests[path] = Data(SHA256.hash(data: data)).hexString
        }
        // The built-in default set is always there: a project cannot lose it, only replace its parts.
        let base = files[""]!
        let subject = base["subject"]!, text = base["text"]!, html = base["html"]!
        let fallback = Set(subject: subject, text: text, html: html)
        var sets = ["": fallback]
        for (locale, parts) in files where !locale.isEmpty {
            // A locale may translate some parts only; the rest come from its language, then the default.
            let language = locale.split(separator: "-").first.map(String.init) ?? locale
            let parent = files[language] ?? [:]
            sets[locale] = Set(subject: parts["subject"] ?? parent["subject"] ?? subject,
                               text: parts["text"] ?? parent["text"] ?? text,
                               html: parts["html"] ?? parent["html"] ?? html)
        }
        try checkCoverage(files, displayFolder: displayFolder)
        return NoticeTemplateSources(sets: sets, fileDigests: digests)
    }

    /// The template set for a User's locale: `fr-CA`, else `fr`, else the default.
    public func key(for locale: String) -> String {
        let lower = locale.lowercased().replacingOccurrences(of: "_", with: "-")
        if sets[lower] != nil { return lower }
        let language = lower.split(separator: "-").first.map(String.init) ?? ""
        return sets[language] != nil ? language : ""
    }
}

/// A per-User value in a compiled template.
public enum NoticeVariable: Int, Sendable, Hashable, CaseIterable {
    /// The User's name; empty when the export has none (never their address: "Hello," not
    /// "Hello jane@example.com,").
    case name
    case email
    /// `{{recipient.name}}` after a space: the space and the name, or nothing when there is no name, so
    /// that "Hello {{recipient.name}}," reads "Hello," for a User without one.
    case spacedName

    var placeholder: String {
        switch self {
        case .name: "{{recipient.name}}"
        case .email: "{{recipient.email}}"
        case .spacedName: " {{recipient.name}}"
        }
    }

    /// Its name in a provider's substitutions.
    var key: String {
        switch self {
        case .name: "name"
        case .email: "email"
        case .spacedName: "spacedName"
        }
    }
}

/// Text with holes for per-User values.
public enum NoticePart: Sendable, Hashable {
    case text(String)
    case variable(NoticeVariable)
}

/// One locale's templates rendered once with the release's facts: everything but the per-User values
/// is fixed, so a million messages cost a million fills, not a million template renders.
public struct CompiledNotice: Sendable, Hashable {
    public var locale: String
    public var subject: [NoticePart]
    public var text: [NoticePart]
    public var html: [NoticePart]
    /// SHA-256 of the three rendered templates with their holes: with a User's values it fixes the
    /// content of their message (the content hash).
    public var digest: String

    // Sentinels the facts cannot contain (they are removed from them): where the holes go.
    private static let sentinels: [NoticeVariable: Character] = [.name: "\u{F8F0}", .email: "\u{F8F1}"]

    public static func compile(_ set: NoticeTemplateSources.Set, locale: String, facts: NoticeFacts,
                               templatePath: String) throws(NoticeError) -> CompiledNotice {
        let recipient = [
            "name": String(sentinels[.name]!),
            "email": String(sentinels[.email]!),
        ]
        let context = scrub(facts.context(recipient: recipient, locale: locale)) as! [String: Any]
        func render(_ source: String, _ part: String, text: Bool) throws(NoticeError) -> [NoticePart] {
            let rendered: String
            do {
                let template = try MustacheTemplate(string: (text ? "{{% CONTENT_TYPE: TEXT}}" : "") + source)
                rendered = template.render(context)
            } catch {
                throw .invalidTemplate(path: "\(templatePath)/notice.\(locale.isEmpty ? "" : locale + ".")\(part).mustache",
                                       message: "\(error)")
            }
            return split(rendered)
        }
        var subject = try render(set.subject, "subject", text: true)
        // A subject is one line.
        subject = subject.map { part in
            if case .text(let text) = part {
                return .text(text.split(whereSeparator: { $0.isNewline }).joined(separator: " "))
            }
            return part
        }
        let text = try render(set.text, "text", text: true)
        let html = try render(set.html, "html", text: false)
        var hasher = SHA256()
        for parts in [subject, text, html] {
            hasher.update(data: Array(describe(parts).utf8))
            hasher.update(data: [0])
        }
        return CompiledNotice(locale: locale, subject: subject, text: text, html: html,
                              digest: Data(hasher.finalize()).hexString)
    }

    /// The parts with `{{recipient.name}}`-style placeholders, as the ledger keeps them.
    public static func describe(_ parts: [NoticePart]) -> String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .variable(let variable): variable.placeholder
            }
        }.joined()
    }

    /// The filled-in text, HTML-escaping the values for HTML.
    public static func fill(_ parts: [NoticePart], values: [String], html: Bool) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .variable(let variable): out += html ? escapeHTML(values[variable.rawValue]) : values[variable.rawValue]
            }
        }
        return out
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static func split(_ rendered: String) -> [NoticePart] {
        var parts: [NoticePart] = []
        var current = ""
        for character in rendered {
            if var variable = sentinels.first(where: { $0.value == character })?.key {
                // The space before a name goes with it: a User without a name gets "Hello,".
                if variable == .name, current.last == " " {
                    current.removeLast()
                    variable = .spacedName
                }
                if !current.isEmpty { parts.append(.text(current)) }
                current = ""
                parts.append(.variable(variable))
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(.text(current)) }
        return parts
    }

    /// Removes the sentinel characters from every string of the facts.
    private static func scrub(_ value: Any) -> Any {
        switch value {
        case let text as String:
            return text.filter { !sentinels.values.contains($0) }
        case let dictionary as [String: Any]:
            return dictionary.mapValues { $0 is [String: String] ? $0 : scrub($0) }
        case let array as [Any]:
            return array.map(scrub)
        default:
            return value
        }
    }
}
