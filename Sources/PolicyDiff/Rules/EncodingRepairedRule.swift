/// "thatâ€™s" → "that’s": characters that had been mis-decoded (UTF-8 read as Windows-1252, "mojibake")
/// written as they should be, or the reverse. The words are the same once the sequences are read back.
enum EncodingRepairedRule: RegionRule {
    static let id = "encoding-repaired"
    static let title = "Characters repaired"
    static let summary = "mis-decoded characters (“â€™”, “Ã©”) written as they should be (“’”, “é”)"
    static let examples: [(old: String, new: String)] = [
        ("We think thatâ€™s fair to you.", "We think that’s fair to you."),
        ("Our cafÃ© partners never see your data.", "Our café partners never see your data."),
    ]

    /// UTF-8 bytes of a character read as Windows-1252, and the character; longest first.
    private static let sequences: [(misread: String, character: String)] = [
        ("â€™", "’"), ("â€˜", "‘"), ("â€œ", "“"), ("â€\u{9D}", "”"), ("â€”", "—"), ("â€“", "–"), ("â€¦", "…"),
        ("â€", "”"), ("Ã©", "é"), ("Ã¨", "è"), ("Ã ", "à"), ("Ã¢", "â"), ("Ãª", "ê"), ("Ã®", "î"), ("Ã´", "ô"),
        ("Ã»", "û"), ("Ã§", "ç"), ("Ã¼", "ü"), ("Ã¶", "ö"), ("Ã¤", "ä"), ("Ã±", "ñ"), ("Ã³", "ó"), ("Ã¡", "á"),
        ("Ã­", "í"), ("Ãº", "ú"), ("Â ", " "), ("Â©", "©"), ("Â®", "®"), ("Â", ""),
    ]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let before = region.deleted.map(\.text).joined(), after = region.inserted.map(\.text).joined()
        // Either way: repaired, or (a bad export) garbled.
        for (garbled, clean) in [(before, after), (after, before)]
        where garbled.contains("Ã") || garbled.contains("â€") || garbled.contains("Â") {
            var repaired = garbled
            for (misread, character) in sequences { repaired = repaired.replacing(misread, with: character) }
            if repaired != garbled && TextNormalizer.looseWords(repaired) == TextNormalizer.looseWords(clean) { return true }
        }
        return false
    }
}
