import PolicyDiff
import PolicyModel
import PolicyParser
@testable import PolicyRender
import Testing

/// Policy text printed to a terminal cannot drive it: a pull request that hides "not" behind ESC[8m
/// (conceal) must not make "We do not sell" read "We do  sell" in a reviewer's coloured diff.
@Suite struct TerminalTextTests {
    let conceal = "\u{1B}[8m"

    func changes(_ old: String, _ new: String) -> ChangeSet {
        PolicyDiffer.diff(PolicyParser.parse(text: old), PolicyParser.parse(text: new))
    }

    @Test(arguments: [true, false])
    func escapesInPolicyTextAreShownNotObeyed(color: Bool) {
        let old = "# Privacy\n\n## Sharing\n\nWe do not sell your data.\n"
        let new = "# Privacy\n\n## Sharing \(conceal)x\u{1B}[0m\n\nWe do \(conceal)not\u{1B}[0m sell your data, \u{9B}31m ever.\n"
        let text = DiffTextRenderer.render(changes(old, new), color: color)
        #expect(!text.contains(conceal), "no concealing sequence reaches the terminal")
        #expect(!text.unicodeScalars.contains("\u{9B}"), "nor a C1 control sequence introducer")
        #expect(text.contains("\\u{1b}[8mnot\\u{1b}[0m"), "the sequence is shown as text: \(text)")
        // Only our own colour codes remain, and only with colour on.
        let escapes = text.unicodeScalars.filter { $0 == "\u{1B}" }.count
        #expect(color ? escapes > 0 : escapes == 0)
        for range in text.ranges(of: "\u{1B}[") {
            let code = text[range.upperBound...].prefix { $0 != "m" }
            #expect(["0", "1", "2", "31", "32", "1;31", "1;35"].contains(String(code)), "our colour code, not \(code)")
        }
    }

    @Test func textRenderingShowsControlCharactersAndDirectionOverrides() {
        let document = PolicyParser.parse(text: "# T\n\nWe do \u{1B}[8mnot\u{1B}[0m sell; \u{202E}txet desrever\u{202C}.\n")
        let text = TextRenderer.render(document)
        #expect(!text.contains("\u{1B}") && !text.unicodeScalars.contains("\u{202E}"))
        #expect(text.contains("\\u{1b}[8mnot") && text.contains("\\u{202e}txet"))
    }
}
