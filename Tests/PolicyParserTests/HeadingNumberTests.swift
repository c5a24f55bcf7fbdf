import Testing

@testable import PolicyParser

/// ASCII headings are numbered byte by byte; others character by character. Both must agree.
@Suite struct HeadingNumberTests {
    static let headings = ["1. Information We Collect", "1\\. Escaped", "4.2 Sharing", "Section 5: Rights", "SECTION 5 Rights",
                           "Article 12 – Transfers", "Part II. Scope", "§ 3 Children", "IV. Retention", "A) Contact", "B.1 Notes",
                           "2024 Update", "I agree", "A note", "6.. Copyright", "7.", "Privacy Policy", "", "12)  Spaced"]

    @Test func asciiAndUnicodeReadingsAgree() {
        for heading in Self.headings {
            // A non-ASCII title word sends the same number down the character-by-character path.
            let unicode = HeadingNumber.parse(heading + " Café")
            let ascii = HeadingNumber.parse(heading + " Cafe")
            #expect(ascii?.text == unicode?.text, "\(heading)")
            #expect(ascii?.style == unicode?.style, "\(heading)")
            #expect(ascii?.prefixLength == unicode?.prefixLength, "\(heading)")
        }
        #expect(HeadingNumber.parse("4.2 Sharing")?.parts == ["4", "2"])
        #expect(HeadingNumber.parse("Section 5: Rights")?.prefixLength == 11)
        #expect(HeadingNumber.parse("I agree") == nil)
    }
}
