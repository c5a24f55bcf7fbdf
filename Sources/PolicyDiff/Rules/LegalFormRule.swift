/// "OpenRouter" → "OpenRouter, Inc.", "Acme Ltd" → "Acme": a company's legal form written out or left off
/// after its name. The party is the same one; a form *replaced* by another ("Inc." → "LLC") is left to the
/// triggers, since that can be another legal entity.
enum LegalFormRule: RegionRule {
    static let id = "legal-form"
    static let title = "Company's legal form written out"
    static let summary = "a legal form (Inc., LLC, Ltd, GmbH…) added after or removed from a name that stays"
    static let examples: [(old: String, new: String)] = [
        ("Questions go to Quillmate by email.", "Questions go to Quillmate, Inc. by email."),
        ("This policy applies to data that Quillmate Ltd collects.", "This policy applies to data that Quillmate collects."),
        ("Payments are handled by Stripe.", "Payments are handled by Stripe, Inc."),
    ]

    /// Lowercased, without their dots.
    private static let forms: Set<String> = [
        "inc", "incorporated", "llc", "llp", "ltd", "limited", "plc", "corp", "corporation", "gmbh", "ag", "kg",
        "sas", "sarl", "srl", "spa", "pty", "pte",
    ]
    /// Forms written with a stop after each letter ("S.A.", "B.V."), which the tokenizer reads as letters.
    private static let lettered: Set<String> = ["sa", "bv", "nv", "ag", "se"]

    static func explains(_ region: ChangedRegion, _ context: RegionContext) -> Bool {
        let changed = region.deletedWords.isEmpty ? region.insertedWords : region.deletedWords
        guard region.deletedWords.isEmpty || region.insertedWords.isEmpty, (1...3).contains(changed.count),
              let name = region.wordBefore, !context.vocabulary.functionWords.contains(name) else { return false }
        // Written as a name writes it: "Inc.", "LLC", "GmbH", never "inc" in running text.
        guard changed.allSatisfy({ $0.key.first?.isUppercase == true }) else { return false }
        let keys = changed.lowercasedKeys
        guard keys.allSatisfy(forms.contains) || keys.allSatisfy({ $0.count == 1 }) && lettered.contains(keys.joined())
        else { return false }
        // Only signs besides: "Quillmate, Inc." adds a comma and a stop, nothing that says more.
        let tokens = region.deletedWords.isEmpty ? region.inserted : region.deleted
        return tokens.allSatisfy { $0.isWord || $0.isSpace || [",", "."].contains($0.key) }
    }
}
