import PolicyModel

extension Document {
    /// Every run of inline content with where it starts: clause bodies, table cells and headings.
    func forEachInlineRun(_ body: ([Inline], SourceLocation?) -> Void) {
        for section in allSections { body(section.titleInlines, section.location) }
        for (_, clause) in allClauses {
            body(clause.inlines, clause.location)
            for cell in clause.cells ?? [] { body(cell, clause.location) }
        }
    }
}
