/// A day in words for readers: "6 January 2027", "1er janvier 2027", "6. Januar 2027", "6 de enero de 2027".
///
/// The one table of dates in words: the site writes its pages with it (`site.locale`) and the notice
/// emails theirs (the language of the template set a User's message comes from), so a date reads the
/// same on the page and in the email. A table, not the machine's locale: the same build on any machine
/// writes the same words (Foundation's formatters follow the host's ICU data), and a `CalendarDate` has
/// no time zone to get wrong.
public enum DateWords {
    /// The languages dates can be written in: a site's `site.locale`, a notice template set's language.
    public static let locales = ["en", "fr", "de", "es", "pt"]

    private struct Language: Sendable {
        var months: [String]
        /// The words for the day, the month and the year, in the language's order.
        var words: @Sendable (_ day: Int, _ month: String, _ year: Int) -> String
    }

    private static let languages: [String: Language] = [
        "en": Language(months: ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                "October", "November", "December"],
                       words: { "\($0) \($1) \($2)" }),
        // The first of the month is "1er" in French.
        "fr": Language(months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                                "octobre", "novembre", "décembre"],
                       words: { "\($0 == 1 ? "1er" : String($0)) \($1) \($2)" }),
        // German writes the day as an ordinal: "20. Dezember 2026".
        "de": Language(months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                                "Oktober", "November", "Dezember"],
                       words: { "\($0). \($1) \($2)" }),
        "es": Language(months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                                "octubre", "noviembre", "diciembre"],
                       words: { "\($0) de \($1) de \($2)" }),
        "pt": Language(months: ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                                "outubro", "novembro", "dezembro"],
                       words: { "\($0) de \($1) de \($2)" }),
    ]

    /// `date` in words in `locale` (a region such as `fr-CA` takes its language's words); English for a
    /// language the table does not have.
    public static func format(_ date: CalendarDate, locale: String) -> String {
        let language = languages[language(of: locale)]!
        return language.words(date.day, language.months[date.month - 1], date.year)
    }

    /// `fr-CA`, `fr_CA`, `FR` → `fr`; a language without words here (or none: a default template set) → `en`.
    public static func language(of locale: String) -> String {
        let language = locale.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        return languages[language] == nil ? "en" : language
    }
}
