import PolicyTestSupport
import PolicyLint
import PolicyModel
import PolicyParser
import Testing

@Suite struct SourceFlawTests {
    private func lint(_ bytes: [UInt8]) -> [Diagnostic] {
        Linter.lint(PolicyParser.parse(bytes, path: "policy.md"), options: LintOptions(today: testToday))
    }

    @Test func invalidUTF8ByteIsReportedWithItsOffset() throws {
        let input = MarkedText("""
            # Policy

            We collect ⟨a⟩X and ⟨b⟩Y.
            """)
        let diagnostics = lint(input.bytes(replacing: ["a": 0xFF, "b": 0xC3]))
        let first = try #require(input.offsets["a"])
        let second = try #require(input.offsets["b"])
        #expect(diagnostics.filter { $0.rule == "invalid-utf8" }.map(line) == input.expected([
            "a": "invalid UTF-8 byte at offset \(first)",
            "b": "invalid UTF-8 byte at offset \(second)",
        ]))
        #expect(diagnostics.filter { $0.rule == "invalid-utf8" }.allSatisfy { $0.severity == .error })
    }

    @Test func nulByteIsReportedWithItsOffset() throws {
        let input = MarkedText("""
            # Policy

            We collect ⟨a⟩X.
            """)
        let diagnostics = lint(input.bytes(replacing: ["a": 0]))
        let offset = try #require(input.offsets["a"])
        #expect(diagnostics.filter { $0.rule == "nul-byte" }.map(line)
                == input.expected(["a": "NUL byte at offset \(offset)"]))
        #expect(diagnostics.filter { $0.rule == "invalid-utf8" }.isEmpty)
    }

    @Test func validMultibyteTextHasNoFlaw() {
        let diagnostics = lint(Array("# Politique\n\nNous collectons des données – “peu”.\n".utf8))
        #expect(diagnostics.filter { $0.rule == "invalid-utf8" || $0.rule == "nul-byte" }.isEmpty)
    }
}

@Suite struct NestingTooDeepTests {
    @Test func deeplyNestedQuotesAreFlattenedAndReported() {
        let depth = 40
        let text = String(repeating: "> ", count: depth) + "Deep.\n"
        let diagnostics = PolicyLintTests.lint(text).filter { $0.rule == "nesting-too-deep" }
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy {
            $0.message == "content is nested too deeply: it was flattened to plain paragraphs here"
                && $0.location?.line == 1 && $0.severity == .warning
        })
    }

    @Test func ordinaryNestingIsFine() {
        let text = "> Quote\n>\n> * item\n>   * nested *emphasis **strong***\n"
        #expect(PolicyLintTests.lint(text).filter { $0.rule == "nesting-too-deep" }.isEmpty)
    }
}
