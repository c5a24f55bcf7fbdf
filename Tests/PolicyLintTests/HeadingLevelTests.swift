import PolicyTestSupport
import Testing

@Suite struct HeadingLevelTests {
    @Test func houseStyleHasNoWarning() {
        // The seed's style: numbered `###` sections, unnumbered setext `##` headings inside them.
        let input = MarkedText("""
            Privacy Policy
            ==============

            ### 1\\. Collection

            Text.

            What We Collect
            ---------------

            Text.

            ### 2\\. Use

            Text.
            """)
        #expect(findings("heading-level", in: input) == [])
    }

    @Test func siblingNumbersAtDifferentLevels() {
        let input = MarkedText("""
            ## 1. One
            Text.
            ## 2. Two
            Text.
            ⟨a⟩### 3. Three
            Text.
            """)
        #expect(findings("heading-level", in: input)
                == input.expected(["a": """
                    section 3 “Three” is a level-3 heading, but the sections numbered alongside it are level 2
                    """]))
    }

    @Test func numberWrittenOneLevelUpEscapingItsHeading() {
        // The tree puts 3 beside "Terms" rather than under it; the numbering still runs 1, 2, 3.
        let input = MarkedText("""
            # Policy

            ### Terms of Service
            #### 1. One
            Text.
            #### 2. Two
            Text.
            ⟨a⟩### 3. Three
            Text.
            """)
        #expect(findings("heading-level", in: input) == input.expected([
            "a": "section 3 “Three” is a level-3 heading, but the sections numbered alongside it are level 4",
        ]))
        #expect(lint(input.text).filter { $0.rule.hasPrefix("numbering-") }.map(line) == [])
    }

    @Test func subNumberNotDeeperThanItsParent() {
        let input = MarkedText("""
            ## 1. One
            Text.
            ⟨a⟩## 1.1 Detail
            Text.
            """)
        #expect(findings("heading-level", in: input)
                == input.expected(["a": "section 1.1 is a level-2 heading, not deeper than its parent section 1 (level 2)"]))
    }

    @Test func unnumberedHeadingSkipsALevel() {
        let input = MarkedText("""
            # Policy

            ## General
            Text.
            ⟨a⟩#### Detail
            Text.
            """)
        #expect(findings("heading-level", in: input)
                == input.expected(["a": "heading “Detail” skips a level: level 4 under the level-2 heading “General”"]))
    }

    @Test func consistentLevelsHaveNoWarning() {
        let input = MarkedText("""
            # Policy

            ## General
            Text.
            ### Detail
            Text.
            ## 1. One
            Text.
            ### 1.1 Detail
            Text.
            #### A note under a numbered section
            Text.
            ## 2. Two
            Text.
            """)
        #expect(findings("heading-level", in: input) == [])
    }
}
