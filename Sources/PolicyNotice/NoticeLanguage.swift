import PolicyModel

/// The words policyc itself writes into a notice (dates, and the labels of the change sentences), in
/// the language of the template set a User's message is rendered from: the text around them is in that
/// language, so they are too. Tables of our own, not the machine's locale (Foundation's formatters
/// follow the host's ICU data and settings, and a notice must read the same wherever it is built). The
/// dates come from the site's table (`DateWords`), so a date reads the same in the email and on the page.
public struct NoticeLanguage: Sendable, Hashable {
    public var code: String
    let added, removed, movedNow, nowReads, itRead, newSection, sectionRemoved, sectionRenamed, renamedTo: String
    /// French sets a space before `:`; English does not.
    let colon: String

    /// The language of a template set: `fr-ca` → French; an unknown one, or the default set, English.
    public static func of(templateSet locale: String) -> NoticeLanguage {
        let language = DateWords.language(of: locale)
        return all.first { $0.code == language } ?? english
    }

    /// `date` in this language's words: "20 December 2026", "20 décembre 2026".
    public func dateWords(_ date: CalendarDate) -> String { DateWords.format(date, locale: code) }

    public static let english = NoticeLanguage(
        code: "en",
        added: "Added", removed: "Removed", movedNow: "Moved and reworded, now",
        nowReads: "Now reads", itRead: "it read", newSection: "New section", sectionRemoved: "Section removed",
        sectionRenamed: "Section renamed from", renamedTo: "to", colon: ":")

    public static let french = NoticeLanguage(
        code: "fr",
        added: "Ajouté", removed: "Supprimé", movedNow: "Déplacé et reformulé, désormais",
        nowReads: "Nouvelle rédaction", itRead: "ancienne rédaction", newSection: "Nouvelle section",
        sectionRemoved: "Section supprimée", sectionRenamed: "Section renommée de", renamedTo: "en", colon: "\u{00A0}:")

    public static let german = NoticeLanguage(
        code: "de",
        added: "Neu", removed: "Entfernt", movedNow: "Verschoben und umformuliert, jetzt",
        nowReads: "Neue Fassung", itRead: "bisher", newSection: "Neuer Abschnitt", sectionRemoved: "Abschnitt entfernt",
        sectionRenamed: "Abschnitt umbenannt von", renamedTo: "in", colon: ":")

    public static let spanish = NoticeLanguage(
        code: "es",
        added: "Añadido", removed: "Eliminado", movedNow: "Movido y reformulado, ahora",
        nowReads: "Nueva redacción", itRead: "antes", newSection: "Nueva sección", sectionRemoved: "Sección eliminada",
        sectionRenamed: "Sección renombrada de", renamedTo: "a", colon: ":")

    public static let portuguese = NoticeLanguage(
        code: "pt",
        added: "Adicionado", removed: "Removido", movedNow: "Movido e reformulado, agora",
        nowReads: "Nova redação", itRead: "antes", newSection: "Nova seção", sectionRemoved: "Seção removida",
        sectionRenamed: "Seção renomeada de", renamedTo: "para", colon: ":")

    static let all = [english, french, german, spanish, portuguese]
}
