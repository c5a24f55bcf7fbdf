import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyTestSupport
import Testing

/// What must hold for any policy: the same text is unchanged, reformatting is editorial, meaning changes
/// are material. Run on the project's own policy and on the seed.
@Suite struct PropertyTests {
    static let own = try! String(contentsOf: Fixtures.ownPolicy, encoding: .utf8)

    func diff(_ old: String, _ new: String) -> ChangeSet {
        PolicyDiffer.diff(PolicyParser.parse(text: old), PolicyParser.parse(text: new))
    }

    func rules(_ changes: ChangeSet) -> Set<String> {
        Set(changes.changes.flatMap { $0.reasons.map(\.rule) })
    }

    @Test func aDocumentAgainstItselfIsUnchanged() throws {
        let changes = diff(Self.own, Self.own)
        #expect(changes.verdict == .unchanged)
        #expect(changes.changes.isEmpty)
        #expect(!changes.material)
    }

    @Test(.enabled(if: Fixtures.hasSeed)) func theSeedAgainstItselfIsUnchanged() throws {
        let seed = try String(contentsOf: Fixtures.seed, encoding: .utf8)
        #expect(diff(seed, seed).verdict == .unchanged)
    }

    /// Ways to reformat Markdown that keep every word.
    enum Reformatting: String, CaseIterable, Sendable {
        case listMarkers, emphasisSyntax, setextToATX, trailingSpaces, rewrapping, escapes, blankLines

        func apply(_ text: String) -> String {
            switch self {
            case .listMarkers: text.replacing("\n* ", with: "\n- ")
            case .emphasisSyntax: text.replacing("**", with: "__")
            case .setextToATX: text.replacing(/\n([^\n]+)\n-{3,}\n/) { "\n## \($0.output.1)\n" }
            case .trailingSpaces: text.replacing(".\n", with: ".   \n")
            case .rewrapping:
                // Break long prose lines after their first comma, as an editor re-wrapping a paragraph would.
                text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    guard line.count > 100, line.first?.isUppercase == true,
                          let comma = line.firstRange(of: ", ") else { return String(line) }
                    return line[..<comma.lowerBound] + ",\n" + line[comma.upperBound...]
                }.joined(separator: "\n")
            case .escapes: text.replacing(" (", with: " \\(")
            case .blankLines: text.replacing("\n\n", with: "\n\n\n")
            }
        }
    }

    @Test(arguments: Reformatting.allCases)
    func reformattingIsEditorial(_ reformatting: Reformatting) throws {
        let reformatted = reformatting.apply(Self.own)
        #expect(reformatted != Self.own, "\(reformatting) changed nothing")
        let changes = diff(Self.own, reformatted)
        #expect(changes.verdict == .editorial, "\(reformatting): \(rules(changes).sorted())")
    }

    @Test func allReformattingsAtOnceAreEditorial() throws {
        let reformatted = Reformatting.allCases.reduce(Self.own) { $1.apply($0) }
        let changes = diff(Self.own, reformatted)
        #expect(changes.verdict == .editorial, "\(rules(changes).sorted())")
    }

    @Test func aClauseWithSeveralTriggerWordsNamesTheFirstEveryTime() throws {
        // The trigger word was once picked from a Set, whose order changes from run to run.
        let anchor = "* to take payments, issue invoices and manage your Subscription;\n"
        #expect(Self.own.contains(anchor))
        let added = "* to show you targeted ads and advertising profiling based on your notes;\n"
        let changes = diff(Self.own, Self.own.replacing(anchor, with: anchor + added))
        let reasons = changes.changes.flatMap(\.reasons).filter { $0.rule == "new-purpose" }
        #expect(changes.verdict == .consent)
        #expect(reasons.count == 1)
        #expect(reasons.allSatisfy { $0.detail.hasPrefix("“targeted”") }, "\(reasons)")
    }

    @Test func swappingTwoWholeSectionsAndRenumberingThemIsEditorial() throws {
        let eight = try #require(Self.own.firstRange(of: "### 8\\."))
        let nine = try #require(Self.own.firstRange(of: "### 9\\."))
        let ten = try #require(Self.own.firstRange(of: "### 10\\."))
        let sectionEight = String(Self.own[eight.lowerBound..<nine.lowerBound]).replacing("### 8\\.", with: "### 9\\.")
        let sectionNine = String(Self.own[nine.lowerBound..<ten.lowerBound]).replacing("### 9\\.", with: "### 8\\.")
        let swapped = String(Self.own[..<eight.lowerBound]) + sectionNine + sectionEight + String(Self.own[ten.lowerBound...])
        let changes = diff(Self.own, swapped)
        #expect(changes.verdict == .editorial, "\(rules(changes).sorted())")
        #expect(rules(changes).contains("renumbered"))
        #expect(changes.changes.allSatisfy { $0.subject == .section }, "no clause should look moved")
    }

    @Test func droppingANotIsMaterial() throws {
        let sentence = try #require(Self.own.firstMatch(of: /[^.\n]* not [^.\n]*\./)).output
        let changes = diff(Self.own, Self.own.replacing(sentence, with: sentence.replacing(" not ", with: " ")))
        #expect(changes.verdict >= .material)
        #expect(rules(changes).contains("negation"))
    }

    @Test func changingANumberIsMaterial() throws {
        let changes = diff(Self.own, Self.own.replacing("30 days", with: "31 days", maxReplacements: 1))
        #expect(changes.verdict >= .material)
        #expect(rules(changes).contains("number"))
    }

    @Test func addingAListItemToWhatIsCollectedIsMaterial() throws {
        let list = try #require(Self.own.firstRange(of: "\n* "))
        let edited = Self.own.replacingCharacters(in: list, with: "\n* Your precise location, every few minutes.\n* ")
        let changes = diff(Self.own, edited)
        #expect(changes.verdict >= .material)
        #expect(changes.changes.contains { $0.kind == .added && $0.subject == .clause })
    }

    @Test func aParagraphSplitInTwoWithTheSameWordsIsOneEditorialChange() throws {
        let paragraph = try #require(Self.own.firstMatch(of: /\n\n([A-Z][^\n]{60,}?\.) ([A-Z][^\n]{40,})\n\n/))
        let split = Self.own.replacing(paragraph.output.0, with: "\n\n\(paragraph.output.1)\n\n\(paragraph.output.2)\n\n")
        let changes = diff(Self.own, split)
        #expect(changes.verdict == .editorial, "\(rules(changes).sorted())")
        #expect(changes.changes.count == 1)
        #expect(changes.changes.first?.kind == .split)
    }

    @Test func aMovedAndRewordedClauseIsMovedWithItsWordDiff() throws {
        let item = "* Your responses to optional product surveys, if you choose to answer them.\n"
        var text = Self.own
        let first = try #require(text.firstRange(of: "\n* "))
        text.insert(contentsOf: item, at: text.index(after: first.lowerBound))
        let base = text
        // Move it to the end of the policy's last list, and reword it.
        text = text.replacing(item, with: "")
        let last = try #require(text.ranges(of: "\n* ").last)
        text.insert(contentsOf: item.replacing("optional", with: "voluntary"), at: text.index(after: last.lowerBound))
        let changes = diff(base, text)
        let moved = try #require(changes.changes.first { $0.kind == .moved })
        #expect(moved.words?.contains { $0.operation == .insert && $0.text.contains("voluntary") } == true)
    }

    @Test func overridesSetTheTierAndAreEchoed() throws {
        let edited = Self.own.replacing("30 days", with: "31 days", maxReplacements: 1)
        let first = diff(Self.own, edited)
        let change = try #require(first.changes.first { $0.tier == .material })
        let options = DiffOptions(overrides: [Override(fingerprint: change.fingerprint, tier: .editorial,
                                                       reason: "The 31st day is a correction agreed with counsel.")])
        let second = PolicyDiffer.diff(PolicyParser.parse(text: Self.own), PolicyParser.parse(text: edited), options: options)
        let overridden = try #require(second.changes.first { $0.fingerprint == change.fingerprint })
        #expect(overridden.tier == .editorial)
        #expect(overridden.override?.reason.contains("counsel") == true)
        #expect(overridden.reasons.contains { $0.rule == "override" })
        #expect(change.fingerprint == diff(Self.own, edited).changes.first { $0.tier == .material }?.fingerprint,
                "fingerprints are stable run to run")
    }

    @Test func configuredSensitiveWordsAndCategoriesCount() throws {
        let edited = Self.own.replacing("Quillmate", with: "Quillmate Labs", maxReplacements: 1)
        let options = DiffOptions(sensitiveWords: ["labs"])
        let changes = PolicyDiffer.diff(PolicyParser.parse(text: Self.own), PolicyParser.parse(text: edited), options: options)
        #expect(changes.changes.contains { $0.reasons.contains { $0.rule == "sensitive-word" } })
    }

    @Test func wordDiffKeepsMarkupForRedlines() throws {
        let old = "# T\n\nWe share data with [our partners](https://example.com/partners) **only** on request.\n"
        let new = "# T\n\nWe share data with [our partners](https://example.com/partners) on request.\n"
        let changes = diff(old, new)
        let change = try #require(changes.changes.first)
        let removed = try #require(change.words?.first { $0.operation == .delete })
        #expect(removed.inlines.contains { if case .strong = $0 { return true } else { return false } })
        let kept = change.words?.filter { $0.operation == .equal }.flatMap(\.inlines) ?? []
        #expect(kept.contains { if case .link = $0 { return true } else { return false } })
    }

    @Test func wordsBesideTheLastUpdatedDateAreJudgedAsUsual() {
        let old = "# T\n\nEffective date: May 1, 2024. We do not sell your personal data.\n\n## A\n\nText.\n"
        let new = "# T\n\nEffective date: June 1, 2024. We sell your personal data to advertisers.\n\n## A\n\nText.\n"
        let changes = diff(old, new)
        #expect(changes.verdict == .consent, "\(rules(changes).sorted())")
        let dateOnly = diff(old, old.replacing("May 1", with: "June 1"))
        #expect(dateOnly.verdict == .editorial)
        #expect(rules(dateOnly) == ["last-updated"])
    }

    @Test(arguments: [("store", "share"), ("encrypt", "decrypt"), ("from our partners", "for our partners")])
    func realWordsSwappedAreNotTypos(old: String, new: String) {
        let text = "# T\n\nWe store data. We encrypt and decrypt files. Data from our partners and for our partners.\n\n"
            + "## A\n\nWe \(old) the data we receive \(old) every device.\n"
        let changes = diff(text, text.replacing("We \(old) the data we receive \(old)", with: "We \(new) the data we receive \(new)"))
        #expect(changes.verdict >= .material, "\(old) → \(new): \(rules(changes).sorted())")
    }

    @Test func aOneOffMisspellingIsSpelling() {
        let text = "# T\n\n## A\n\nWe recieve requests by email and answer them.\n"
        let changes = diff(text, text.replacing("recieve", with: "receive"))
        #expect(changes.verdict == .editorial)
        #expect(rules(changes).contains("spelling"))
    }

    /// The verdict's reasons are the first 20 different reasons of the changes at the verdict's tier, in
    /// the changes' order; a reason repeated by a later change is not listed twice.
    @Test func theVerdictReasonsAreTheFirstTwentyOfTheVerdictsTier() {
        let added = (1...40).map { "We may share your order history with partner number \($0)." }
        // The same added clause twice gives the same reason twice.
        let text = Self.own + "\n" + (added + [added[0]]).joined(separator: "\n\n") + "\n"
        let changes = diff(Self.own, text.replacing("Subscription", with: "subscription"))
        #expect(changes.verdict == .material)
        var expected: [Reason] = []
        for change in changes.changes where change.tier == changes.verdict {
            for reason in change.reasons where !expected.contains(reason) { expected.append(reason) }
        }
        #expect(expected.count > 20)
        #expect(changes.verdictReasons == Array(expected.prefix(20)))
        #expect(Set(changes.verdictReasons).count == 20)
        #expect(changes.verdictReasons.allSatisfy { reason in !changes.changes.contains { $0.tier != .material && $0.reasons.contains(reason) } })
    }

    /// A new title is named, editorial; it once read "the Markdown changed; the text did not".
    @Test func aRenamedTitleIsNamed() throws {
        let renamed = Self.own.replacing("Privacy Policy\n==============\n", with: "Privacy and Cookie Policy\n=========================\n")
        #expect(renamed != Self.own)
        let changes = diff(Self.own, renamed)
        #expect(changes.verdict == .editorial)
        let change = try #require(changes.changes.first)
        #expect(changes.changes.count == 1)
        #expect(change.subject == .document && change.kind == .renamed)
        #expect(change.reasons == [Reason(rule: "title-renamed", detail: "“Privacy Policy” → “Privacy and Cookie Policy”")])

        // Front matter names a page too; a title made from the file's name is no title of the policy's.
        let front = { (title: String) in "---\ntitle: \(title)\n---\n\nWe keep your notes private.\n" }
        #expect(diff(front("Privacy"), front("Privacy and Cookies")).changes.first?.reasons.first?.rule == "title-renamed")
        let untitled = "We keep your notes private.\n"
        let stems = PolicyDiffer.diff(PolicyParser.parse(text: untitled, path: "old.md"),
                                      PolicyParser.parse(text: untitled, path: "new.md"))
        #expect(stems.verdict == .unchanged)
    }

    /// The same number in digits or in words is the same promise; another number is not.
    @Test func aNumberSpelledOutIsEditorial() {
        let anchor = "keeping them longer than 30 days"
        #expect(Self.own.contains(anchor))
        for spelledOut in ["thirty days", "thirty (30) days"] {
            let edited = Self.own.replacing(anchor, with: "keeping them longer than \(spelledOut)")
            for (old, new) in [(Self.own, edited), (edited, Self.own)] {
                let spelled = diff(old, new)
                #expect(spelled.verdict == .editorial, "\(spelledOut): \(rules(spelled).sorted())")
                #expect(rules(spelled) == ["equivalent-wording"], "\(spelledOut)")
            }
        }
        for other in ["thirty-one days", "31 days", "forty days", "seventy days", "thirty (31) days", "thirty (30) months"] {
            let changed = diff(Self.own, Self.own.replacing(anchor, with: "keeping them longer than \(other)"))
            #expect(changed.verdict >= .material, "\(other)")
            #expect(rules(changed).contains("number"), "\(other): \(rules(changed).sorted())")
        }
    }

    /// "cannot" and "can not" are one word written two ways; a change of spacing alone is named so.
    @Test func cannotAndSpacingAreEditorialAndNamed() throws {
        let anchor = "Quillmate cannot function without them"
        #expect(Self.own.contains(anchor))
        let split = diff(Self.own, Self.own.replacing(anchor, with: "Quillmate can not function without them"))
        #expect(split.verdict == .editorial, "\(rules(split).sorted())")
        #expect(rules(split) == ["equivalent-wording"])

        let spaced = diff(Self.own, Self.own.replacing("with other information: your name", with: "with other information:your name"))
        let reason = try #require(spaced.changes.first?.reasons.first)
        #expect(spaced.verdict == .editorial)
        #expect(reason.rule == "punctuation-or-case")
        #expect(reason.detail == "spacing", "a change of spacing once read: added “”")
    }

    /// A table row of empty cells says nothing; a row with words is judged by them.
    @Test func anEmptyTableRowIsEditorial() throws {
        let anchor = "| Account details | Name, email address, password hash, settings |"
        #expect(Self.own.contains(anchor))
        // Beside a kept row it reads as that row split in two, same words; either way, editorial.
        #expect(diff(Self.own, Self.own.replacing(anchor, with: "|  |  |  |\n" + anchor)).verdict == .editorial)
        let full = diff(Self.own, Self.own.replacing(anchor, with: "| Voice prints | Recordings | Forever |\n" + anchor))
        #expect(full.verdict >= .material)

        let before = "# Policy\n\n## Data\n\nWe keep your notes.\n"
        let empty = diff(before, before + "\n## Table\n\n|  |  |\n|---|---|\n|  |  |\n")
        #expect(empty.verdict == .editorial, "\(rules(empty).sorted())")
        let rows = empty.changes.filter { $0.subject == .clause }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.reasons.map(\.rule) == ["formatting"] && $0.reasons[0].detail.hasSuffix("which has no words") })
    }

    /// A word whose case alone changed names no new party; a new name still does.
    @Test func aCaseChangeIsNoNamedParty() throws {
        let anchor = "* to take payments, issue invoices and manage your Subscription;"
        #expect(Self.own.contains(anchor))
        // Beside another change, each case change is a region of its own: punctuation or case.
        let edited = diff(Self.own, Self.own.replacing(anchor, with: "* to collect payments, issue Invoices and manage your subscription;"))
        let reasons = try #require(edited.changes.first?.reasons)
        #expect(!reasons.contains { $0.rule == "named-party" }, "\(reasons)")
        #expect(reasons.contains { $0.rule == "punctuation-or-case" && $0.detail.contains("“invoices” → “Invoices”") }, "\(reasons)")
        let plan = diff(Self.own, Self.own.replacing(anchor, with: "* to take payments, issue invoices and manage your subscription plan;"))
        #expect(!rules(plan).contains("named-party"), "\(rules(plan).sorted())")
        let renamed = diff(Self.own, Self.own.replacing(anchor, with: "* to take payments, issue invoices and manage your Stripe Subscription;"))
        #expect(rules(renamed).contains("named-party"))
    }
}
