import Foundation
import PolicyTestSupport
import Testing

@testable import PolicyParser

/// ASCII headings are numbered byte by byte; others character by character. Both must agree.
@Suite struct HeadingNumberTests {
    static let headings = ["1. Information We Collect", "1\\. Escaped", "4.2 Sharing", "Section 5: Rights", "SECTION 5 Rights",
                           "Article 12 – Transfers", "Part II. Scope", "§ 3 Children", "IV. Retention", "A) Contact", "B.1 Notes",
                           "2024 Update", "I agree", "A note", "6.. Copyright", "7.", "Privacy Policy", "", "12)  Spaced",
                           "Sectional", "Section", "section5 x", "Particulars", "PART 3", "article\t7 Tab", "L. Letter", "C) Cookies",
                           "CCPA Notice", "X) Ten", "XIV: Rights", "1.2.3 Deep", "1 .2 Odd", "5:", "5 - Dash", "5\t-\tTabs",
                           "a) lower", "ii. roman", "12345 Year", "1234567890123456789 Long", "1.", "A.", "Z", "9\u{0B}Vertical",
                           "Contact Us", "How We Use Your Information", "3)Tight", "7 ) Spaced delimiter"]

    /// Every heading of the project's policy, the seed and the corpus, with the lists above.
    static func allHeadings() throws -> [String] {
        var texts = [try String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)]
        if Fixtures.hasSeed { texts.append(try String(contentsOf: Fixtures.seed, encoding: .utf8)) }
        for revision in try Fixtures.corpusRevisions() {
            texts.append(String(decoding: try Data(contentsOf: revision.url), as: UTF8.self))
        }
        let headings = texts.flatMap { text in
            text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("#") else { return nil }
                return String(line.drop { $0 == "#" }).trimmingSpaces
            }
        }
        return Self.headings + headings
    }

    @Test func bytesAndCharactersReadEveryHeadingAlike() throws {
        let headings = try Self.allHeadings()
        // Without ../shared (outside CI), the project's policy and the lists above are read alone.
        if Fixtures.hasCorpus { #expect(headings.count > 1000) }
        var numbered = 0
        for heading in headings where heading.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            var bytes = heading
            let ascii = bytes.withUTF8 { HeadingNumber.parse(ascii: $0) }
            #expect(ascii == HeadingNumber.parse(characters: Array(heading)), "\(heading)")
            if ascii != nil { numbered += 1 }
        }
        #expect(numbered > (Fixtures.hasCorpus ? 100 : 10))
    }

    /// Section ids and GitHub anchors of ASCII headings are made byte by byte; the scalar readings must agree.
    @Test func slugsOfEveryHeadingAgreeByteAndScalar() throws {
        let extra = ["Don't Sell", "  Spaces   around  ", "Über uns", "a--b__c", "What's New?", "'Quoted'", "1.2 Rights!",
                     "Tab\tand\nnewline", String(repeating: "word ", count: 20), "!!!", "", "-"]
        for heading in try Self.allHeadings() + extra {
            if let ascii = Slug.asciiAnchor(heading) { #expect(ascii == Slug.scalarAnchor(heading), "\(heading)") }
            if let ascii = Slug.asciiGithub(heading) { #expect(ascii == Slug.scalarGithub(heading), "\(heading)") }
        }
        #expect(Slug.anchor("Über uns") == "über-uns")
        #expect(Slug.github("What's New?") == "whats-new")
    }

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
        #expect(HeadingNumber.parse("XIV: Rights")?.style == .roman)
        #expect(HeadingNumber.parse("C) Cookies")?.style == .letter)
    }
}
