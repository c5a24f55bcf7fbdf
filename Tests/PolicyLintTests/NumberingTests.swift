import PolicyTestSupport
import Testing

@Suite struct NumberingGapTests {
    @Test func oneArabicNumberSkipped() {
        let input = MarkedText("""
            # Policy

            ## 1. One
            Text.
            ## 2. Two
            Text.
            ⟨a⟩## 4. Four
            Text.
            """)
        #expect(findings("numbering-gap", in: input)
                == input.expected(["a": "section 3 is missing: numbering goes from 2 to 4"]))
    }

    @Test func severalNumbersSkipped() {
        let input = MarkedText("""
            ### 1\\. One
            Text.
            ⟨a⟩### 5\\. Five
            Text.
            """)
        #expect(findings("numbering-gap", in: input)
                == input.expected(["a": "sections 2 to 4 are missing: numbering goes from 1 to 5"]))
    }

    @Test func romanNumberSkipped() {
        let input = MarkedText("""
            ## I. One
            Text.
            ## II. Two
            Text.
            ⟨a⟩## IV. Four
            Text.
            """)
        #expect(findings("numbering-gap", in: input)
                == input.expected(["a": "section III is missing: numbering goes from II to IV"]))
    }

    @Test func letterSkippedUnderANumberedSection() {
        let input = MarkedText("""
            ## 1. One
            Text.
            ### A. Alpha
            Text.
            ### B. Bravo
            Text.
            ⟨a⟩### D. Delta
            Text.
            """)
        #expect(findings("numbering-gap", in: input)
                == input.expected(["a": "section C is missing: numbering goes from B to D"]))
    }

    @Test func subNumberSkipped() {
        let input = MarkedText("""
            ## 1. One
            ### 1.1 First
            Text.
            ⟨a⟩### 1.3 Third
            Text.
            """)
        #expect(findings("numbering-gap", in: input)
                == input.expected(["a": "section 1.2 is missing: numbering goes from 1.1 to 1.3"]))
    }

    @Test func numberingStartsLate() {
        let input = MarkedText("""
            ⟨a⟩## 2. Two
            Text.
            ## 3. Three
            Text.
            """)
        #expect(findings("numbering-gap", in: input)
                == input.expected(["a": "section 1 is missing: numbering starts at 2"]))
    }

    @Test func completeNumberingHasNoGap() {
        // Letters restart under each numbered section; `I` after `H` is a letter, not the roman one.
        let letters = "ABCDEFGHIJ".map { "### \($0). Item \($0)\nText.\n" }.joined()
        let input = MarkedText("""
            ## 1. One
            \(letters)
            ## 2. Two
            ### A. Alpha
            Text.
            ### B. Bravo
            Text.
            ## 3. Three
            ### 3.1 First
            Text.
            ### 3.2 Second
            Text.
            """)
        let diagnostics = lint(input.text).filter { $0.rule.hasPrefix("numbering-") }
        #expect(diagnostics.map(line) == [])
    }

    @Test func aHeadingWrittenOneLevelUpDoesNotBreakTheSeries() {
        // Sections 1 and 2 sit under the unnumbered heading, 3 escaped it: one series, no gap.
        let input = MarkedText("""
            # Policy

            ### Terms of Service
            #### 1. One
            Text.
            #### 2. Two
            Text.
            ### 3. Three
            Text.
            """)
        #expect(findings("numbering-gap", in: input) == [])
    }
}

@Suite struct NumberingDuplicateTests {
    @Test func numberUsedTwiceAmongSiblings() {
        let input = MarkedText("""
            ## 1. One
            Text.
            ## 2. Two
            Text.
            ⟨a⟩## 2. Copy
            Text.
            """)
        #expect(findings("numbering-duplicate", in: input)
                == input.expected(["a": "section 2 appears twice: “Copy” repeats the number of “Two” on line 3"]))
    }

    @Test func dottedNumberUsedTwiceInDifferentPlaces() {
        let input = MarkedText("""
            ## 1. One
            ### 1.1 First
            Text.
            ## 2. Two
            Text.
            ⟨a⟩### 1.1 Again
            Text.
            """)
        #expect(findings("numbering-duplicate", in: input)
                == input.expected(["a": "section 1.1 appears twice: “Again” repeats the number of “First” on line 2"]))
    }

    @Test func numberingRestartingUnderEachPartIsNotADuplicate() {
        let input = MarkedText("""
            # Policy

            ## Part One
            ### 1. First
            Text.
            ### 2. Second
            Text.
            ## Part Two
            ### 1. First again
            Text.
            """)
        #expect(lint(input.text).filter { $0.rule.hasPrefix("numbering-") }.map(line) == [])
    }

    @Test func lettersRestartingUnderEachSectionAreNotDuplicates() {
        let input = MarkedText("""
            ## 1. One
            ### A. Alpha
            Text.
            ## 2. Two
            ### A. Alpha again
            Text.
            """)
        #expect(findings("numbering-duplicate", in: input) == [])
    }
}

@Suite struct NumberingOrderTests {
    @Test func numberGoingBackwards() {
        let input = MarkedText("""
            ## 1. One
            Text.
            ## 3. Three
            Text.
            ⟨a⟩## 2. Two
            Text.
            """)
        #expect(findings("numbering-order", in: input)
                == input.expected(["a": "section 2 comes after section 3: numbering goes backwards"]))
        // Every number from 1 to 3 is there: out of order, not missing.
        #expect(findings("numbering-gap", in: input) == [])
    }

    @Test func aRepeatedNumberIsADuplicateNotABackwardStep() {
        let input = MarkedText("""
            ## 1. One
            Text.
            ## 2. Two
            Text.
            ## 2. Two again
            Text.
            """)
        #expect(findings("numbering-order", in: input) == [])
        #expect(findings("numbering-duplicate", in: input).count == 1)
    }
}
