import PolicyTestSupport
import PolicyModel
import Testing

@Suite struct SectionEmptyTests {
    @Test func headingWithNothingUnderIt() {
        let input = MarkedText("""
            ⟨a⟩## 1. One
            ## 2. Two
            Text.
            ⟨b⟩## 3. Three

            ---
            """)
        #expect(findings("section-empty", in: input) == input.expected([
            "a": "section “1. One” is empty",
            "b": "section “3. Three” is empty",
        ]))
    }

    @Test func sectionWithOnlySubsectionsIsNotEmpty() {
        let input = MarkedText("""
            ## 1. One
            ### 1.1 First
            Text.
            """)
        #expect(findings("section-empty", in: input) == [])
    }
}

@Suite struct EmptyDocumentTests {
    @Test(arguments: ["", "\n\n  \n", "# Just a Title\n", "---\ntitle: Policy\n---\n"])
    func documentWithoutContent(_ text: String) {
        #expect(findings("empty-document", in: MarkedText(text))
                == ["- the policy is empty: it has no text and no sections"])
    }

    @Test func documentWithOneParagraphIsNotEmpty() {
        #expect(findings("empty-document", in: MarkedText("We collect nothing.")) == [])
    }
}

@Suite struct RawHTMLTests {
    @Test func htmlBlocksInlinesCellsAndHeadings() {
        let input = MarkedText("""
            ⟨a⟩## 1. Cookies <br>

            ⟨b⟩<div class="notice">Read this</div>

            ⟨c⟩Some <span>words</span> here.

            | Kind | Note |
            |---|---|
            ⟨d⟩| cookie | one<br/>two |
            """)
        #expect(findings("raw-html", in: input) == input.expected([
            "a": "raw HTML “<br>” is dropped from the output",
            "b": "raw HTML “<div class=\"notice\">Read this</div>” is dropped from the output",
            "c": "raw HTML “<span>” is dropped from the output",
            "d": "raw HTML “<br/>” is dropped from the output",
        ]))
        #expect(lint(input.text).filter { $0.rule == "raw-html" }.allSatisfy { $0.severity == .warning })
    }

    @Test func htmlCommentsAreNotes() {
        let input = MarkedText("""
            ⟨a⟩<!-- markdownlint-disable -->

            ⟨b⟩We collect <!-- TODO: check --> data.
            """)
        let diagnostics = lint(input.text).filter { $0.rule == "raw-html" }
        #expect(diagnostics.map(line) == input.expected([
            "a": "HTML comment “<!-- markdownlint-disable -->” is dropped from the output",
            "b": "HTML comment “<!-- TODO: check -->” is dropped from the output",
        ]))
        #expect(diagnostics.allSatisfy { $0.severity == .note })
    }

    @Test func markdownWithoutHTMLHasNoFinding() {
        let input = MarkedText("We use *cookies* and `code`, and 3 < 4 > 2.")
        #expect(findings("raw-html", in: input) == [])
    }
}

@Suite struct UnsafeLinkTests {
    @Test func unsafeSchemesInLinksAndImages() {
        let input = MarkedText("""
            ⟨a⟩Click [here](javascript:alert(1)).

            ⟨b⟩Or [there](VBScript:MsgBox).

            ⟨c⟩![logo](data:image/png;base64,AAAA)

            ⟨d⟩| File |
            |---|
            ⟨e⟩| [passwords](file:///etc/passwd) |
            """)
        #expect(findings("unsafe-link", in: input) == input.expected([
            "a": "link to “javascript:alert(1)” uses the unsafe “javascript:” scheme and will not be emitted",
            "b": "link to “VBScript:MsgBox” uses the unsafe “vbscript:” scheme and will not be emitted",
            "c": "image from “data:image/png;base64,AAAA” uses the unsafe “data:” scheme and will not be emitted",
            "e": "link to “file:///etc/passwd” uses the unsafe “file:” scheme and will not be emitted",
        ]))
    }

    @Test func schemeHiddenBehindControlCharactersAndTabs() {
        // cmark keeps these bytes in a pointy-bracket destination; a browser would skip them.
        let input = MarkedText("⟨a⟩Click [here](<\u{01} java\tscript:alert(1)>).")
        #expect(findings("unsafe-link", in: input).count == 1)
        #expect(findings("unsafe-link", in: input).first?.hasPrefix("\(input.locations["a"]!) link to") == true)
    }

    @Test func ordinaryLinksAreSafe() {
        let input = MarkedText("""
            See [our site](https://example.com/javascript:x), [mail](mailto:a@example.com),
            [a page](javascript.html), [a section](#sec-1) and [data](./data:file).
            """)
        #expect(findings("unsafe-link", in: input) == [])
    }
}
