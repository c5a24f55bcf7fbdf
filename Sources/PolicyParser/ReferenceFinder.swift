import PolicyModel

/// Finds where a policy points at its own parts and resolves each to a section or clause id:
/// `[text](#anchor)`, "see Section 7", "Sections 1 and 2", "see *Managing Cookies*",
/// the “Your Choices” section.
struct ReferenceFinder {
    private var anchors: [String: String] = [:]
    private var sectionsByNumber: [String: String] = [:]
    private var sectionsByTitle: [String: String] = [:]
    /// Titles lowercased, without trailing punctuation, for "see Title" written without markup.
    /// Looked up by the text's prefixes that end a word, so the cost of a "see" does not grow with
    /// the number of sections (a generated 50 MB policy has 170 000 of them).
    private var titlesAfterSee: [Substring: (title: String, id: String)] = [:]
    private var longestTitleAfterSee = 0

    init(sections: [Section], clauses: [Clause], extraAnchors: [String: String]) {
        for clause in clauses { anchors[clause.id] = clause.id }
        for section in sections {
            anchors[section.id] = section.id
            for alias in section.aliases where anchors[alias] == nil { anchors[alias] = section.id }
            if let number = section.number, sectionsByNumber[number] == nil { sectionsByNumber[number] = section.id }
            let title = section.title.lowercased()
            if title.count >= 4, sectionsByTitle[title] == nil {
                sectionsByTitle[title] = section.id
            }
            var key = Substring(title)
            while let last = key.last, !(last.isLetter || last.isNumber) { key.removeLast() }
            if key.count >= 4, titlesAfterSee[key] == nil {
                titlesAfterSee[key] = (section.title, section.id)
                longestTitleAfterSee = max(longestTitleAfterSee, key.count)
            }
        }
        for (anchor, target) in extraAnchors where anchors[anchor] == nil { anchors[anchor] = target }
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
            let cues = Self.cues(in: clause.text)
            if cues.section { found += numberReferences(clause) }
            found += titleReferences(clause, mayHaveSee: cues.see)
        }
        return found
    }

    /// Cheap cues, found in one pass over the bytes, that spare most clauses the word-by-word reading:
    /// "section" and "see " at the start of a word, in any case ("subsection", "protection" and
    /// "foresee" don't count).
    private static func cues(in text: String) -> (section: Bool, see: Bool) {
        var text = text
        return text.withUTF8 { bytes in
            var section = false
            var see = false
            var previousIsLetter = false
            // ASCII letters only: `byte | 0x20` lowercases them and maps no other byte into a…z.
            func follows(_ rest: StaticString, at index: Int) -> Bool {
                guard index + rest.utf8CodeUnitCount <= bytes.count else { return false }
                for offset in 0..<rest.utf8CodeUnitCount where bytes[index + offset] | 0x20 != rest.utf8Start[offset] {
                    return false
                }
                return true
            }
            for index in bytes.indices {
                let lowered = bytes[index] | 0x20
                let isLetter = lowered >= 0x61 && lowered <= 0x7A
                if lowered == 0x73, !previousIsLetter {
                    if !section, follows("ection", at: index + 1) { section = true }
                    if !see, follows("ee ", at: index + 1) { see = true }
                }
                previousIsLetter = isLetter
            }
            return (section, see)
        }
    }

    // MARK: "Section 7"

    /// Reads only the few words around each "section": splitting every clause into words was most of
    /// the parser's time on large policies.
    private func numberReferences(_ clause: Clause) -> [Reference] {
        let bytes = Array(clause.text.utf8)
        var found: [Reference] = []
        var index = 0
        while index + 7 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == UInt8(ascii: "s"), index == 0 || !Self.isWordByte(bytes[index - 1]),
                  Self.follows(bytes, "ection", at: index + 1) else { continue }
            var after = index + 7
            let plural = after < bytes.count && bytes[after] | 0x20 == UInt8(ascii: "s")
            if plural { after += 1 }
            guard after < bytes.count, bytes[after] == 0x20 || bytes[after] == 0xC2 else { continue }
            // "Civil Code section 1798.83", "Terms of Service section 5": a capitalised word before a
            // lowercase "section" names another document.
            if bytes[index] == UInt8(ascii: "s"), let previous = Self.previousWordStart(bytes, before: index),
               bytes[previous] >= UInt8(ascii: "A"), bytes[previous] <= UInt8(ascii: "Z") {
                continue
            }
            let window = String(decoding: bytes[after..<min(bytes.count, after + 96)], as: UTF8.self)
            let words = window.split(whereSeparator: { $0 == " " || $0 == "\u{A0}" })
            var cursor = 0
            while cursor < words.count, cursor <= 5 {
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
                if !plural { break }
            }
            index = after - 1
        }
        return found
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        let lowered = byte | 0x20
        return (lowered >= 0x61 && lowered <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
    }

    private static func follows(_ bytes: [UInt8], _ rest: StaticString, at index: Int) -> Bool {
        guard index + rest.utf8CodeUnitCount <= bytes.count else { return false }
        for offset in 0..<rest.utf8CodeUnitCount where bytes[index + offset] | 0x20 != rest.utf8Start[offset] {
            return false
        }
        return true
    }

    /// The index of the first byte of the word before `index`, if there is one.
    private static func previousWordStart(_ bytes: [UInt8], before index: Int) -> Int? {
        var cursor = index - 1
        while cursor >= 0, bytes[cursor] == 0x20 { cursor -= 1 }
        guard cursor >= 0, isWordByte(bytes[cursor]) else { return nil }
        while cursor > 0, isWordByte(bytes[cursor - 1]) { cursor -= 1 }
        return cursor
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

    private func titleReferences(_ clause: Clause, mayHaveSee: Bool) -> [Reference] {
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
        // “Title” section / “Title” above / “Title” below
        for quote in text.utf8Ranges(of: "“") {
            guard let close = text[quote.upperBound...].firstIndex(of: "”") else { continue }
            let title = String(text[quote.upperBound..<close]).trimmingCharacters(in: ".,")
            let after = text[text.index(after: close)...].prefix(10).lowercased()
            if after.hasPrefix(" section") || after.hasPrefix(" above") || after.hasPrefix(" below") {
                found.append(titleReference(title, clause: clause))
            }
        }
        // "see Cookies and Other Tracking Technology": a known title right after "see", no markup.
        guard mayHaveSee else { return found }
        let bytes = Array(text.utf8)
        var index = 0
        while index + 4 <= bytes.count {
            defer { index += 1 }
            // "see " at the start of a word ("foresee " is not "see "); only the words after it are lowercased.
            guard bytes[index] | 0x20 == UInt8(ascii: "s"), index == 0 || !Self.isWordByte(bytes[index - 1]),
                  Self.follows(bytes, "ee ", at: index + 1) else { continue }
            let start = index + 4
            let window = String(decoding: bytes[start..<min(bytes.count, start + 4 * longestTitleAfterSee + 8)],
                                as: UTF8.self).lowercased()
            if let match = titleStarting(Substring(window)), !found.contains(where: { $0.resolved == match.id }) {
                found.append(Reference(kind: .sectionTitle, target: match.title, resolved: match.id,
                                       clause: clause.id, location: clause.location))
            }
        }
        return found
    }

    /// The longest known title that `text` starts with, ending where a word ends
    /// ("see Cookies" is no reference to a section titled "Cookie").
    private func titleStarting(_ text: Substring) -> (title: String, id: String)? {
        var best: (title: String, id: String)?
        var index = text.startIndex
        var length = 0
        var inWord = false
        while length <= longestTitleAfterSee {
            let atEnd = index == text.endIndex
            let isWordCharacter = !atEnd && (text[index].isLetter || text[index].isNumber)
            if inWord, !isWordCharacter, let match = titlesAfterSee[text[..<index]] { best = match }
            if atEnd { break }
            inWord = isWordCharacter
            index = text.index(after: index)
            length += 1
        }
        return best
    }

    private func titleReference(_ title: String, clause: Clause) -> Reference {
        Reference(kind: .sectionTitle, target: title, resolved: sectionsByTitle[title.lowercased()],
                  clause: clause.id, location: clause.location)
    }
}

extension String {
    /// Every occurrence of `needle`, matched byte by byte. `ranges(of:)` matches Characters,
    /// which costs grapheme breaking over every clause of the document.
    func utf8Ranges(of needle: String) -> [Range<String.Index>] {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return [] }
        let offsets = utf8.withContiguousStorageIfAvailable { Self.offsets(of: pattern, in: $0) }
            ?? Array(utf8).withUnsafeBufferPointer { Self.offsets(of: pattern, in: $0) }
        return offsets.map { offset in
            let lower = utf8.index(utf8.startIndex, offsetBy: offset)
            return lower..<utf8.index(lower, offsetBy: pattern.count)
        }
    }

    private static func offsets(of pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var result: [Int] = []
        let first = pattern[0]
        var start = 0
        while start + pattern.count <= bytes.count {
            if bytes[start] == first, bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
                result.append(start)
                start += pattern.count
            } else {
                start += 1
            }
        }
        return result
    }
}
