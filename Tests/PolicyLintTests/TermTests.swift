import PolicyTestSupport
import PolicyModel
import Testing

@Suite struct TermDuplicateTests {
    @Test func termDefinedTwice() {
        let input = MarkedText("""
            Acme runs a website (the “**Site**”).

            ⟨a⟩Acme also runs a blog (the “**Site**”) for the Site.
            """)
        #expect(findings("term-duplicate", in: input)
                == input.expected(["a": "“Site” is defined twice: first on line 1"]))
    }

    @Test func termsDifferingInCaseAreDifferentTerms() {
        let input = MarkedText("""
            Acme runs a website (the “**Site**”) and a site for the Site (the “**site**”).
            """)
        #expect(findings("term-duplicate", in: input) == [])
    }
}

@Suite struct TermUnusedTests {
    @Test func termNeverUsedAfterItsDefinition() {
        let input = MarkedText("""
            We use an analytics service.

            ⟨a⟩Analytics are offered by Google LLC (“**Google**”).

            It counts visits.
            """)
        #expect(findings("term-unused", in: input) == input.expected(["a": "“Google” is defined but never used"]))
    }

    @Test func usesInOtherFormsCount() {
        let input = MarkedText("""
            Acme, Inc. (“**we**”, “**us**” or “**our**”) runs a website (the “**Site**”) for people with an
            account (“**Users**”), and shares data with partners (each, a “**Partner Company**”) and collects
            texts (collectively, “**Inputs**”). Inputs stay private.

            We keep the Site’s pages fast, and each User is told. Our Sites, and ours. Contact us.

            Two Partner Companies help. We set cookies (“**Cookies**”).

            ## Managing Cookies
            """)
        #expect(findings("term-unused", in: input) == [])
    }

    @Test func mentionsBeforeTheDefinitionDoNotCount() {
        let input = MarkedText("""
            We share data with Service Providers (defined below).

            ⟨a⟩Other companies help us (“**Service Providers**”). Service Providers are bound by contract.

            ⟨b⟩Analytics are offered by Google LLC (“**Google**”).
            """)
        #expect(findings("term-unused", in: input) == input.expected(["b": "“Google” is defined but never used"]))
    }

    @Test func lowercaseTermsAreNotInflectedAndWordsAreWhole() {
        let input = MarkedText("""
            ⟨a⟩Acme (“**us**”) runs a website (the “**Site**”).

            The Sitemap uses data.
            """)
        #expect(findings("term-unused", in: input) == input.expected([
            "a": "“us” is defined but never used",
            "a": "“Site” is defined but never used",
        ]))
    }
}
