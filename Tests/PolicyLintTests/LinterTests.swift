import PolicyTestSupport
import PolicyLint
import PolicyModel
import PolicyParser
import Testing

@Suite struct LinterTests {
    @Test func rulesHaveTheDocumentedIDsAndSeverities() {
        let expected: KeyValuePairs<String, Diagnostic.Severity> = [
            "numbering-gap": .warning, "numbering-duplicate": .error, "numbering-order": .warning,
            "heading-level": .warning, "term-duplicate": .error, "term-unused": .warning,
            "reference-unresolved": .warning, "anchor-unresolved": .error,
            "last-updated-missing": .warning, "last-updated-invalid": .error, "last-updated-future": .error,
            "section-empty": .warning, "raw-html": .warning, "unsafe-link": .error,
            "invalid-utf8": .error, "nul-byte": .error, "control-character": .error, "nesting-too-deep": .warning,
            "empty-document": .error,
        ]
        #expect(Linter.rules.map { $0.id } == expected.map(\.key))
        #expect(Linter.rules.map { $0.severity } == expected.map(\.value))
        #expect(Linter.rules.allSatisfy { !$0.summary.isEmpty && $0.summary.first!.isLowercase })
    }

    /// A policy with something for many rules.
    private let troubled = """
        # Policy

        Last updated: soon

        Acme (the “**Site**”) runs the Site. Ghosts (“**Ghost**”) haunt it.

        ## 1. One
        See [nowhere](#nowhere) and Section 9.
        ## 3. Three
        ## 2. Two
        <div>raw</div>

        [x](javascript:void(0))
        """

    @Test func diagnosticsAreSortedByLocationAndDeterministic() {
        let document = PolicyParser.parse(text: troubled, path: "policies/privacy.md")
        let options = LintOptions(today: testToday)
        let diagnostics = Linter.lint(document, options: options)
        #expect(diagnostics.count >= 8)
        #expect(diagnostics == Linter.lint(document, options: options))
        let positions = diagnostics.map { ($0.location?.line ?? 0, $0.location?.column ?? 0) }
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(diagnostics.allSatisfy { $0.path == "policies/privacy.md" })
    }

    @Test func diagnosticsPrintAsACompilerWould() {
        let diagnostics = Linter.lint(PolicyParser.parse(text: troubled, path: "policy.md"),
                                      options: LintOptions(today: testToday))
        #expect(diagnostics.map(\.formatted) == [
            "policy.md:3:1: error: the “Last updated” date “soon” is not a date: write a day, such as “April 15, 2025” [last-updated-invalid]",
            "policy.md:5:1: warning: “Ghost” is defined but never used [term-unused]",
            "policy.md:8:1: error: link to “#nowhere” points nowhere: no section or clause has that anchor [anchor-unresolved]",
            "policy.md:8:1: warning: “section 9” points nowhere: no section has that number [reference-unresolved]",
            "policy.md:9:1: warning: section “3. Three” is empty [section-empty]",
            "policy.md:10:1: warning: section 2 comes after section 3: numbering goes backwards [numbering-order]",
            "policy.md:11:1: warning: raw HTML “<div>raw</div>” is dropped from the output [raw-html]",
            "policy.md:13:1: error: link to “javascript:void(0)” uses the unsafe “javascript:” scheme and will not be emitted [unsafe-link]",
        ])
    }

    @Test func cleanPolicyHasNoDiagnostics() {
        let text = """
            # Policy

            _Last updated: April 15, 2025_

            Acme (the “**Site**”) collects little on the Site.

            ## 1. What We Collect
            Your email address; see Section 2.
            ## 2. Your Choices
            Write to [us](mailto:privacy@example.com).
            """
        #expect(lint(text).map(\.formatted) == [])
    }
}
