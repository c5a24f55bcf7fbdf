import Foundation

extension NoticeTemplateSources {
    /// Every localised template uses every section and variable its default uses: a French User must
    /// read the consent paragraph, the count of editorial changes and the dates an English one reads.
    /// A translation that drops a `{{#consent}}` block is a notice that says less, so it is an error
    /// at notify time, naming what is missing. A locale may add what it likes; a part it does not
    /// translate comes from the default and carries everything.
    /// Names that say the same thing: `effectiveDateLong` and `releaseDateLong`, the names of before
    /// the dates had one table (`DateWords`), give the same words as `effectiveDateWords` and
    /// `releaseDateWords`, so a translation written with either name covers the other.
    private static func sameValue(_ name: MustacheTags.Name) -> MustacheTags.Name {
        switch name.name {
        case "effectiveDateLong": MustacheTags.Name(name: "effectiveDateWords", section: name.section)
        case "releaseDateLong": MustacheTags.Name(name: "releaseDateWords", section: name.section)
        default: name
        }
    }

    static func checkCoverage(_ files: [String: [String: String]], displayFolder: String) throws(NoticeError) {
        guard let base = files[""] else { return }
        for (locale, parts) in files.sorted(by: { $0.key < $1.key }) where !locale.isEmpty {
            for part in NoticeTemplateSources.parts {
                guard let source = parts[part], let defaultSource = base[part] else { continue }
                let missing = Swift.Set(MustacheTags.names(in: defaultSource).map(sameValue))
                    .subtracting(MustacheTags.names(in: source).map(sameValue))
                guard !missing.isEmpty else { continue }
                let listed = missing.sorted { ($0.name, $0.section ? 0 : 1) < ($1.name, $1.section ? 0 : 1) }
                    .map { $0.section ? "{{#\($0.name)}}" : "{{\($0.name)}}" }
                throw .invalidTemplate(
                    path: "\(displayFolder)/notice.\(locale).\(part).mustache",
                    message: "uses no \(listed.joined(separator: ", ")), which notice.\(part).mustache uses: a localised "
                        + "template carries every paragraph and value of the default one (the consent paragraph, the "
                        + "editorial changes, the dates), so no User is told less in their language")
            }
        }
    }
}

/// The names a Mustache template uses: variables (`{{x}}`, `{{{x}}}`, `{{&x}}`) and sections
/// (`{{#x}}`, `{{^x}}`, which test the same value). Comments, partials, pragmas and closing tags name
/// nothing new. Enough of Mustache for comparing two templates, not a parser of it.
enum MustacheTags {
    struct Name: Hashable {
        var name: String
        var section: Bool
    }

    static func names(in template: String) -> Set<Name> {
        var names: Set<Name> = []
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound]
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") {
                tag = tag.dropFirst()
                if rest.hasPrefix("}") { rest = rest.dropFirst() }
            }
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            guard let sigil = trimmed.first else { continue }
            switch sigil {
            case "!", ">", "/", "%", "=":
                continue
            case "#", "^":
                names.insert(Name(name: trimmed.dropFirst().trimmingCharacters(in: .whitespaces), section: true))
            case "&":
                names.insert(Name(name: trimmed.dropFirst().trimmingCharacters(in: .whitespaces), section: false))
            default:
                names.insert(Name(name: trimmed, section: false))
            }
        }
        return names
    }
}
