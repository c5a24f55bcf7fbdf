import PolicyModel

/// Finds where a policy points at its own parts and resolves each to a section or clause id:
/// `[text](#anchor)`, "see Section 7", "Sections 1 and 2", "see *Managing Cookies*",
/// the “Your Choices” section.
struct ReferenceFinder {
    private var anchors: [String: String] = [:]
    private var sectionsByNumber: [String: String] = [:]
    private var sectionsByTitle: [String: String] = [:]
    /// Titles longest first, lowercased, for "see Title" written without markup.
    private var titles: [(lowered: String, title: String, id: String)] = []

    init(sections: [Section], clauses: [Clause], extraAnchors: [String: String]) {
        for clause in clauses { anchors[clause.id] = clause.id }
        for section in sections {
            anchors[section.id] = section.id
            for alias in section.aliases where anchors[alias] == nil { anchors[alias] = section.id }
            if let number = section.number, sectionsByNumber[number] == nil { sectionsByNumber[number] = section.id }
            let title = section.title.lowercased()
            if title.count >= 4, sectionsByTitle[title] == nil {
                sectionsByTitle[title] = section.id
                titles.append((title, section.title, section.id))
            }
        }
        for (anchor, target) in extraAnchors where anchors[anchor] == nil { anchors[anchor] = target }
        titles.sort { $0.lowered.count > $1.lowered.count }
    }

    func references(in clause: Clause) -> [Reference] {
        var found: [Reference] = []
        Inline.forEach(in: clause.inlines + (clause.cells ?? []).flatMap { $0 }) { inline in
            if case .link(let destination, _, _) = inline, destination.hasPrefix("#") {
                let anchor = String(destination.dropFirst())
                found.append(Reference(kind: .anchor, target: anchor, resolved: anchors[anchor] ?? anchors[anchor.lowercased()],
                                       clause: clause.id, location: clause.location))
            }
        }
        if clause.text.utf8.count > 8 {
            found += numberReferences(clause)
            found += titleReferences(clause)
        }
        return found
    }

    // MARK: "Section 7"

    private func numberReferences(_ clause: Clause) -> [Reference] {
        let words = clause.text.split(whereSeparator: { $0 == " " || $0 == "\u{A0}" })
        var found: [Reference] = []
        for (index, word) in words.enumerated() {
            let lowered = word.lowercased()
            guard lowered == "section" || lowered == "sections" else { continue }
            // "Civil Code section 1798.83", "Terms of Service section 5": a capitalised word before a
            // lowercase "section" names another document.
            if word.first == "s", index > 0, let previous = words[index - 1].first, previous.isUppercase { continue }
            var cursor = index + 1
            while cursor < words.count, cursor <= index + 5 {
                let token = words[cursor]
                let number = token.trimmingCharacters(in: ",.;:)(")
                guard isSectionNumber(number) else { break }
                // "Section 2703(f)" and "Section H of our Terms" are about other texts.
                if token.contains("(") { break }
                let rest = words.dropFirst(cursor + 1).prefix(3).joined(separator: " ").lowercased()
                if rest.hasPrefix("of the ") || rest.hasPrefix("of our ") || rest.hasPrefix("of these ")
                    || rest.hasPrefix("of their ") {
                    break
                }
                found.append(Reference(kind: .sectionNumber, target: number, resolved: sectionsByNumber[number],
                                       clause: clause.id, location: clause.location))
                cursor += 1
                if cursor < words.count, ["and", "or", "to", "through", "-", "–"].contains(words[cursor].lowercased()) {
                    cursor += 1
                }
                if lowered == "section" { break }
            }
        }
        return found
    }

    private func isSectionNumber(_ token: String) -> Bool {
        guard let first = token.first, token.count <= 8 else { return false }
        if first.isASCII, first.isNumber {
            return token.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." } && !token.hasSuffix(".")
                && token.split(separator: ".").allSatisfy { $0.count <= 3 }
        }
        // "Section H", "Section IV": a single capital or a roman numeral.
        return token.count <= 4 && token.allSatisfy { $0.isASCII && $0.isUppercase }
            && (token.count == 1 || token.allSatisfy { "IVXL".contains($0) })
    }

    // MARK: "see *Title*"

    private func titleReferences(_ clause: Clause) -> [Reference] {
        var found: [Reference] = []
        // Emphasised or quoted titles after "see", "under", "in": a clear reference, resolved or reported.
        var previousText = ""
        for inline in clause.inlines {
            switch inline {
            case .emphasis(let children), .strong(let children):
                let lead = previousText.lowercased()
                if lead.hasSuffix("see ") || lead.hasSuffix("see the ") || lead.hasSuffix("under ") {
                    let title = Inline.plainText(children).trimmingCharacters(in: ".,;:“”\"")
                    if !title.contains("›"), !title.contains(">") {
                        found.append(titleReference(title, clause: clause))
                    }
                }
                previousText = ""
            case .text(let text):
                previousText = text
            default:
                previousText = ""
            }
        }
        let text = clause.text
        let lowered = text.lowercased()
        // “Title” section / “Title” above / “Title” below
        for quote in text.ranges(of: "“") {
            guard let close = text[quote.upperBound...].firstIndex(of: "”") else { continue }
            let title = String(text[quote.upperBound..<close]).trimmingCharacters(in: ".,")
            let after = text[text.index(after: close)...].prefix(10).lowercased()
            if after.hasPrefix(" section") || after.hasPrefix(" above") || after.hasPrefix(" below") {
                found.append(titleReference(title, clause: clause))
            }
        }
        // "see Cookies and Other Tracking Technology": a known title right after "see", no markup.
        for see in lowered.ranges(of: "see ") {
            let rest = lowered[see.upperBound...]
            if let match = titles.first(where: { rest.hasPrefix($0.lowered) }) {
                let already = found.contains { $0.resolved == match.id }
                if !already {
                    found.append(Reference(kind: .sectionTitle, target: match.title, resolved: match.id,
                                           clause: clause.id, location: clause.location))
                }
            }
        }
        return found
    }

    private func titleReference(_ title: String, clause: Clause) -> Reference {
        Reference(kind: .sectionTitle, target: title, resolved: sectionsByTitle[title.lowercased()],
                  clause: clause.id, location: clause.location)
    }
}
