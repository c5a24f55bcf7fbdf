import PolicyTestSupport
import Testing

@Suite struct ReferenceUnresolvedTests {
    @Test func sectionNumberThatDoesNotExist() {
        let input = MarkedText("""
            ## 1. Cookies
            ⟨a⟩For your rights, see Section 12 below.
            """)
        #expect(findings("reference-unresolved", in: input)
                == input.expected(["a": "“section 12” points nowhere: no section has that number"]))
    }

    @Test func sectionTitleThatDoesNotExist() {
        let input = MarkedText("""
            ## 1. Cookies
            ⟨a⟩To turn them off, see *Cookie Choices*.
            """)
        #expect(findings("reference-unresolved", in: input)
                == input.expected(["a": "“Cookie Choices” points nowhere: no section has that title"]))
    }

    @Test func resolvedReferencesAreFine() {
        let input = MarkedText("""
            ## 1. Cookies
            Text.
            ## 2. Choices
            To turn cookies off, see *Cookies* and Section 1.
            """)
        #expect(findings("reference-unresolved", in: input) == [])
    }
}

@Suite struct AnchorUnresolvedTests {
    @Test func deadAnchor() {
        let input = MarkedText("""
            ## 1. Cookies
            ⟨a⟩Read [our choices](#choices) first.
            """)
        #expect(findings("anchor-unresolved", in: input)
                == input.expected(["a": "link to “#choices” points nowhere: no section or clause has that anchor"]))
        #expect(lint(input.text).first { $0.rule == "anchor-unresolved" }?.severity == .error)
    }

    @Test func anchorsOfSectionsAndTheirGitHubSlugsResolve() {
        let input = MarkedText("""
            ## 1. Cookies
            Read [this](#sec-1), [that](#1-cookies) and [the first paragraph](#sec-1.p1).
            """)
        #expect(findings("anchor-unresolved", in: input) == [])
    }
}
