import PolicyTestSupport
import PolicyModel
import PolicyParser
import Testing

/// Terms a policy defines, in the forms policies write them.
@Suite struct DefinedTermTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let paragraph: String
        let terms: [String]
        var testDescription: String { paragraph }
    }

    @Test(arguments: [
        Case(paragraph: "People who create an account (“**Users**”) get notices.", terms: ["Users"]),
        Case(paragraph: "Our website (the “**Site**”) is where we publish.", terms: ["Site"]),
        Case(paragraph: "Acme, Inc. (“**we**”, “**us**” or “**our**”) respects you.", terms: ["we", "us", "our"]),
        Case(paragraph: "TikTok Pte. Ltd. (\"**TikTok**,\" \"**our**,\" \"**we**,\" or \"**us**\") runs it.",
             terms: ["TikTok", "our", "we", "us"]),
        Case(paragraph: "This software (\"Service\") is provided as is.", terms: ["Service"]),
        Case(paragraph: "These terms (collectively, the “Agreement”) apply.", terms: ["Agreement"]),
        Case(paragraph: "Our apps and sites (together, “**Services**”) are covered.", terms: ["Services"]),
        Case(paragraph: "People who sign up (**Users**) can post.", terms: ["Users"]),
        Case(paragraph: "People who sign up (__Users__) can post.", terms: ["Users"]),
        Case(paragraph: "Our website (the **Site**) is here.", terms: ["Site"]),
        Case(paragraph: "**“Affiliate”** means any entity that controls us.", terms: ["Affiliate"]),
        Case(paragraph: "An \"Account\" represents your legal relationship with us.", terms: ["Account"]),
        Case(paragraph: "The “Company” refers to Acme.", terms: ["Company"]),
        Case(paragraph: "“Personal Data” shall mean any information about you.", terms: ["Personal Data"]),
        Case(paragraph: "The terms (“**Terms**”) and the rules (\"**Rules**\") apply.", terms: ["Terms", "Rules"]),
        Case(paragraph: "A person you appoint (an “**Authorized Agent**”) may ask.", terms: ["Authorized Agent"]),
        // Every opening quote the byte prefilter must let through, also after other parentheses and accents.
        Case(paragraph: "São Paulo (Brazil) hosts it (the «Processor») for us.", terms: ["Processor"]),
        Case(paragraph: "Our café (‘Venue’) is open.", terms: ["Venue"]),
        Case(paragraph: "Our shop (”Store”) is open.", terms: ["Store"]),
        Case(paragraph: "The   “Owner” means Acme.", terms: ["Owner"]),
        // Only spaces, commas and lead words may stand between a parenthesis and its quote; a parenthesis
        // that fails that test must not hide a later one, nor a definition at the start.
        Case(paragraph: "See section (2) and the notes (1a), then the data (hereinafter referred to as “Data”).",
             terms: ["Data"]),
        Case(paragraph: "Each of us (each, an “Affiliate”) and (Collectively, THE  “Group”) agree.", terms: ["Affiliate", "Group"]),
        Case(paragraph: "Our site (\u{00A0}“Site”) and app (\u{2003}“App”) are here.", terms: ["Site", "App"]),
        Case(paragraph: "“Partner” means (as you agreed) our reseller (the “Reseller”).", terms: ["Reseller", "Partner"]),
    ])
    func forms(_ example: Case) throws {
        let marked = Marked("# T\n\n## Definitions\n\n⟨clause⟩\(example.paragraph)\n")
        let document = parse(marked.text)
        #expect(document.definedTerms.map(\.term) == example.terms)
        #expect(document.definedTerms.allSatisfy { $0.clause == "sec-definitions.p1" })
        #expect(document.definedTerms.allSatisfy { $0.location == marked["clause"] })
    }

    @Test(arguments: [
        "We say (see “Cookies” below) what we do.",
        "He said (“hello there my friend, how are you doing today, and what about tomorrow”) loudly.",
        "Click “Accept” to agree.",
        "We use cookies (small files) and pixels (**not** cookies, strictly).",
        "The word “means” means nothing here.",
        "Prices (in “USD”) are shown at checkout, (“ and a stray quote.",
    ])
    func notDefinitions(_ paragraph: String) {
        let document = parse("# T\n\n\(paragraph)\n")
        #expect(document.definedTerms.isEmpty, "\(document.definedTerms.map(\.term))")
    }

    @Test func definitionsInListItemsAndTableCells() throws {
        let document = parse("""
        # T

        1. **“Account”** means your account.
        2. A “Workspace” means a shared space.

        | Term | Meaning |
        |---|---|
        | Data | information (the “**Data**”) |
        """)
        #expect(document.definedTerms.map(\.term) == ["Account", "Workspace", "Data"])
        #expect(document.definedTerms.map(\.clause) == ["preamble.p1", "preamble.p2", "preamble.p4"])
    }

    @Test func aTermDefinedTwiceInOneClauseIsListedOnce() {
        let document = parse("# T\n\nAcme (“**we**”) and again (“**we**”).\n")
        #expect(document.definedTerms.map(\.term) == ["we"])
    }

    /// A diff parses without defined terms and asks of each reworded old clause whether it defines one:
    /// the clauses that do must be those of the terms a parse with `.definedTerms` finds, on every document.
    @Test func definingClausesFoundAfterTheParseAreTheParsesOwn() throws {
        var urls = [Fixtures.ownPolicy] + (Fixtures.hasSeed ? [Fixtures.seed] : [])
        urls += try Fixtures.corpusRevisions().map(\.url)
        var defining = 0
        for url in urls {
            let bytes = try Fixtures.data(url)
            let withTerms = PolicyParser.parse(bytes, path: url.lastPathComponent, analysis: .definedTerms)
            let without = PolicyParser.parse(bytes, path: url.lastPathComponent, analysis: [])
            #expect(without.definedTerms.isEmpty)
            let expected = Set(withTerms.definedTerms.map(\.clause))
            let found = Set(without.allClauses.map(\.clause).filter(PolicyParser.definesTerm).map(\.id))
            #expect(found == expected, "\(url.path)")
            defining += expected.count
        }
        #expect(defining > 0)
    }
}
