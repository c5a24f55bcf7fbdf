import PolicyModel

/// The words policyc itself writes into a notice (dates, and the labels of the change sentences), in
/// the language of the template set a User's message is rendered from: the text around them is in that
/// language, so they are too. Tables of our own, not the machine's locale (Foundation's formatters
/// follow the host's ICU data and settings, and a notice must read the same wherever it is built).
public struct NoticeLanguage: Sendable, Hashable {
    public var code: String
    let months: [String]
    /// `{month} {day}, {year}` or `{day} {month} {year}`.
    let dayFirst: Bool
    /// "1er" for the first of the month in French.
    let firstDay: String?
    let added, removed, movedNow, nowReads, itRead, newSection, sectionRemoved, sectionRenamed, renamedTo: String
    /// French sets a space before `:`; English does not.
    let colon: String

    /// The language of a template set: `fr-ca` → French; an unknown one, or the default set, English.
    public static func of(templateSet locale: String) -> NoticeLanguage {
        let language = locale.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        return all.first { $0.code == language } ?? english
    }

    public func longDate(_ date: CalendarDate) -> String {
        let month = months[date.month - 1]
        guard dayFirst else { return "\(month) \(date.day), \(date.year)" }
        // Spanish and Portuguese: "20 de diciembre de 2026".
        if code == "es" || code == "pt" { return "\(date.day) de \(month) de \(date.year)" }
        let day = date.day == 1 ? firstDay ?? "1" : String(date.day)
        return "\(day) \(month) \(date.year)"
    }

    public static let english = NoticeLanguage(
        code: "en",
        months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"],
        dayFirst: false, firstDay: nil, added: "Added", removed: "Removed", movedNow: "Moved and reworded, now",
        nowReads: "Now reads", itRead: "it read", newSection: "New section", sectionRemoved: "Section removed",
        sectionRenamed: "Section renamed from", renamedTo: "to", colon: ":")

    public static let french = NoticeLanguage(
        code: "fr",
        months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"],
        dayFirst: true, firstDay: "1er", added: "Ajouté", removed: "Supprimé", movedNow: "Déplacé et reformulé, désormais",
        nowReads: "Nouvelle rédaction", itRead: "ancienne rédaction", newSection: "Nouvelle section",
        sectionRemoved: "Section supprimée", sectionRenamed: "Section renommée de", renamedTo: "en", colon: "\u{00A0}:")

    public static let german = NoticeLanguage(
        code: "de",
        months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember"],
        dayFirst: true, firstDay: nil, added: "Neu", removed: "Entfernt", movedNow: "Verschoben und umformuliert, jetzt",
        nowReads: "Neue Fassung", itRead: "bisher", newSection: "Neuer Abschnitt", sectionRemoved: "Abschnitt entfernt",
        sectionRenamed: "Abschnitt umbenannt von", renamedTo: "in", colon: ":")

    public static let spanish = NoticeLanguage(
        code: "es",
        months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                 "noviembre", "diciembre"],
        dayFirst: true, firstDay: nil, added: "Añadido", removed: "Eliminado", movedNow: "Movido y reformulado, ahora",
        nowReads: "Nueva redacción", itRead: "antes", newSection: "Nueva sección", sectionRemoved: "Sección eliminada",
        sectionRenamed: "Sección renombrada de", renamedTo: "a", colon: ":")

    public static let portuguese = NoticeLanguage(
        code: "pt",
        months: ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
                 "novembro", "dezembro"],
        dayFirst: true, firstDay: nil, added: "Adicionado", removed: "Removido", movedNow: "Movido e reformulado, agora",
        nowReads: "Nova redação", itRead: "antes", newSection: "Nova seção", sectionRemoved: "Seção removida",
        sectionRenamed: "Seção renomeada de", renamedTo: "para", colon: ":")

    static let all = [english, french, german, spanish, portuguese]
}
