/// "Flashtalking" → "DoubleClick" where the project says they are one party (`diff.sameParty`): the words
/// before and after name the same group.
enum SamePartyRule: RegionRule {
    static let id = "same-party"
    static let title = "Another name of the same party"
    static let summary = "a name replaced by another name of the same party, as diff.sameParty in policyc.yml lists them"
    // Needs the project's word: `ExplanationTests.namesTheProjectCallsOnePartyAreNoNewParty` shows it.
    static let examples: [(old: String, new: String)] = []

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        guard !context.partyGroups.isEmpty, !region.deletedWords.isEmpty, !region.insertedWords.isEmpty else { return false }
        func group(_ words: [WordToken]) -> Int? { context.partyGroups[words.lowercasedKeys.joined(separator: " ")] }
        guard let before = group(region.deletedWords), let after = group(region.insertedWords) else { return false }
        return before == after
    }
}
