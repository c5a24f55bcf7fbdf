/// A day in words for readers, in the site's language: "6 January 2027", "1er janvier 2027".
///
/// A table, not the machine's locale: the same build on any machine writes the same pages, and a
/// `CalendarDate` has no time zone to get wrong.
public enum DateWords {
    /// The languages a site may be written in (`site.locale` in `policy/policyc.yml`).
    public static let locales = ["en", "fr"]

    private static let months: [String: [String]] = [
        "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"],
        "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"],
    ]

    /// `date` in words in `locale` (`en`, `fr`; a region such as `fr-CA` takes its language's words);
    /// English for any other.
    public static func format(_ date: CalendarDate, locale: String) -> String {
        let language = language(of: locale)
        let month = months[language]![date.month - 1]
        switch language {
        case "fr": return "\(date.day == 1 ? "1er" : String(date.day)) \(month) \(date.year)"
        default: return "\(date.day) \(month) \(date.year)"
        }
    }

    /// `fr-CA`, `fr_CA`, `FR` → `fr`; a language without words here → `en`.
    public static func language(of locale: String) -> String {
        let language = locale.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        return months[language] == nil ? "en" : language
    }
}
