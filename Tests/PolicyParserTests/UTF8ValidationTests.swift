import Foundation
import PolicyModel
import PolicyParser
import Testing

/// `UTF8Validation` is the one check of UTF-8 in policyc: held to the standard library's decoder on
/// hostile bytes, and to the parser's scan, which records its flaws through it.
@Suite struct UTF8ValidationTests {
    /// The first offset the standard library's decoder rejects, or nil.
    static func stdlibFirstInvalid(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    static let hostile: [[UInt8]] = [
        [], Array("plain ASCII, longer than eight bytes".utf8), Array("é, “quotes”, 😀 and 中文".utf8),
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],       // overlong "/"
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],                             // surrogates
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE], // past U+10FFFF, never valid
        [0x80], [0xBF, 0x41], Array("abcdefgh".utf8) + [0xE2, 0x80],         // a continuation alone; cut short
        Array("abcdefghijklmnop".utf8) + [0xC3] + Array(" and more text".utf8),
        [0xF0, 0x9F, 0x98], [0xF0, 0x9F, 0x98, 0x80, 0x80],
    ]

    @Test(arguments: UTF8ValidationTests.hostile)
    func agreesWithTheStandardLibrary(bytes: [UInt8]) {
        #expect(UTF8Validation.firstInvalidOffset(bytes) == Self.stdlibFirstInvalid(bytes))
        #expect(UTF8Validation.firstInvalidOffset(bytes[...]) == Self.stdlibFirstInvalid(bytes), "a slice")
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // Mostly text, with a few high bytes: where a validator can be wrong.
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ -> UInt8 in
                Bool.random(using: &generator) ? UInt8.random(in: 0x20...0x7E, using: &generator) : UInt8.random(in: 0x80...0xFF, using: &generator)
            }
            #expect(UTF8Validation.firstInvalidOffset(bytes) == Self.stdlibFirstInvalid(bytes), "\(bytes)")
        }
    }

    /// The parser records the first bad byte where the validator finds it.
    @Test(arguments: UTF8ValidationTests.hostile.filter { UTF8ValidationTests.stdlibFirstInvalid($0) != nil })
    func theParsersFirstFlawIsTheValidatorsOffset(bytes: [UInt8]) {
        let source = Array("# T\n\n".utf8) + bytes
        let document = PolicyParser.parse(source, path: "p.md")
        let firstFlaw = document.source.flaws.first { $0.kind == .invalidUTF8 }
        #expect(firstFlaw?.offset == UTF8Validation.firstInvalidOffset(source))
    }
}
