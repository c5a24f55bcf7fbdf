import Foundation
import PolicyModel
import Testing

/// `JSONWriter` and `JSONText` are the one JSON writer and the one escaper: what they write must read
/// back as what was written, with any string, in both styles.
@Suite struct JSONWriterTests {
    struct Record: Codable, Equatable {
        var name: String
        var count: Int
        var flag: Bool
        var tags: [String]
        var map: [String: String]
        var missing: String?
    }

    /// Every C0 control, DEL, quotes and backslashes, line and paragraph separators, non-ASCII.
    static let hostile: [String] = [
        "", "plain", "\"quoted\" \\ back\\slash /", String((0..<0x20).map { Character(Unicode.Scalar($0)!) }), "\u{7F}",
        "line\u{2028}para\u{2029}", "é “quotes” 😀 中文", "\u{0}nul", "</script><!--",
    ]

    @Test(arguments: [JSONWriter.Style.pretty, .compact])
    func everyStringReadsBackAsWritten(style: JSONWriter.Style) throws {
        for text in Self.hostile {
            let record = Record(name: text, count: -3, flag: true, tags: [text, ""], map: [text: text, "z": "y"], missing: nil)
            let bytes = try JSONWriter.bytes(record, style: style)
            #expect(try JSONDecoder().decode(Record.self, from: Data(bytes)) == record, "\(Array(text.unicodeScalars))")
            // No raw control character or DEL in the output: each was escaped.
            let inside = style == .pretty ? bytes.filter { $0 != 0x0A } : bytes
            #expect(!inside.contains { $0 < 0x20 || $0 == 0x7F })
        }
    }

    @Test func compactIsOneLineWithSortedKeysAndNoAbsentOptionals() throws {
        let record = Record(name: "n", count: 1, flag: false, tags: [], map: ["b": "2", "a": "1"], missing: nil)
        let text = try JSONWriter.string(record, style: .compact)
        #expect(text == #"{"count":1,"flag":false,"map":{"a":"1","b":"2"},"name":"n","tags":[]}"#)
    }

    @Test func prettyIsIndentedWithSortedKeysAndAFinalNewline() throws {
        let record = Record(name: "n", count: 1, flag: false, tags: ["x"], map: [:], missing: "m")
        let text = try JSONWriter.string(record)
        #expect(text == """
            {
              "count" : 1,
              "flag" : false,
              "map" : {},
              "missing" : "m",
              "name" : "n",
              "tags" : [
                "x"
              ]
            }

            """)
    }

    @Test func theEscaperWritesShortFormsAndHexForTheRest() {
        #expect(JSONText.quoted("a\"b\\c\nd\re\tf\u{1}g\u{7F}h\u{8}é") == #""a\"b\\c\nd\re\tf\u0001g\u007fh\u0008é""#)
        var out: [UInt8] = []
        JSONText.appendEscaped([0x41, 0x0A, 0xC3, 0xA9], to: &out)
        #expect(out == Array(#"A\né"#.utf8))
    }
}
