import Foundation
import PolicyModel
import PolicyTestSupport
import Testing
@testable import PolicyNotice

/// Localised notices: every translation says all the default says, dates and labels in its language,
/// `pt-BR` falls back to `pt`, and a User with no name is greeted without their address.
struct LocalisedNoticeTests {
    let folder: URL

    init() throws {
        folder = try Fixtures.temporaryDirectory()
        // A project's copy of every built-in email template, as `policyc templates export` writes them.
        let email = folder.appendingPathComponent("email")
        try FileManager.default.createDirectory(at: email, withIntermediateDirectories: true)
        for (name, bytes) in NoticeTemplateSources.builtIn { try Data(bytes).write(to: email.appendingPathComponent(name)) }
    }

    func load() throws -> NoticeTemplateSources {
        try NoticeTemplateSources.load(folder: folder.appendingPathComponent("email"), displayFolder: "templates/email")
    }

    func text(_ locale: String, name: String = "Élodie", verdict: String = "consent") throws -> String {
        var facts = MessageTests.facts
        facts.verdict = verdict
        facts.sections = [NoticeSection(heading: "2. Information We Collect", statements: [.added("“your phone number”"),
                                                                                          .modified(new: "“30 days”", old: "“14 days”")])]
        let templates = try load()
        let key = templates.key(for: locale)
        let notice = try CompiledNotice.compile(templates.sets[key]!, locale: key, facts: facts, templatePath: "templates/email")
        let values = MessageComposer.values(for: Recipient(line: 1, id: "1", email: "jane@example.com", name: name, locale: locale))
        return CompiledNotice.fill(notice.subject, values: values, html: false) + "\n" + CompiledNotice.fill(notice.text, values: values, html: false)
    }

    @Test func theFrenchConsentNoticeCarriesTheConsentParagraphWithFrenchDatesAndLabels() throws {
        let french = try text("fr-CA")
        #expect(french.contains("Certaines de ces modifications nécessitent votre accord"), "the consent paragraph")
        #expect(french.contains("en vigueur le 20 décembre 2026"), "the date in French words, whatever the machine's locale")
        #expect(french.contains("- Ajouté\u{00A0}: “your phone number”"))
        #expect(french.contains("Nouvelle rédaction\u{00A0}: “30 days” (ancienne rédaction\u{00A0}: “14 days”)"))
        #expect(french.contains("Nous avons aussi apporté 3 modifications"), "the editorial count, as in English")
        #expect(!(try text("fr", verdict: "material")).contains("nécessitent votre accord"), "only a consent release asks")
        let english = try text("de")
        #expect(english.contains("takes effect on 20 December 2026") && english.contains("Added: “your phone number”"),
                "no German templates: the default's English, dates included")
    }

    @Test func aUserWithoutANameIsGreetedWithoutTheirAddress() throws {
        #expect(try text("en", name: "").contains("\nHello,\n"))
        #expect(try text("fr", name: "").contains("\nBonjour,\n"))
        #expect(try text("en", name: "Jane").contains("\nHello Jane,\n"))
        #expect(!(try text("en", name: "")).contains("Hello jane@example.com"))
    }

    @Test func ptBRFallsBackToPortugueseThenToTheDefault() throws {
        #expect(try load().key(for: "pt-BR") == "", "no Portuguese templates: the default")
        let email = folder.appendingPathComponent("email")
        for part in ["subject", "text", "html"] {
            let english = try String(contentsOf: email.appendingPathComponent("notice.\(part).mustache"), encoding: .utf8)
            try english.replacingOccurrences(of: "Hello", with: "Olá")
                .write(to: email.appendingPathComponent("notice.pt.\(part).mustache"), atomically: true, encoding: .utf8)
        }
        #expect(try load().key(for: "pt-BR") == "pt" && (try load()).key(for: "pt_br") == "pt")
        let portuguese = try text("pt-BR")
        #expect(portuguese.contains("Olá Élodie,") && portuguese.contains("20 de dezembro de 2026") && portuguese.contains("Adicionado: "))
    }

    @Test(arguments: [
        ("text", "{{#consent}}", "{{#consent}}"),
        ("html", "{{editorialCount}}", "{{editorialCount}}"),
        // The long date, the name of before `DateWords` was the one table, counts as the date in words.
        ("subject", "{{effectiveDateWords}}", "{{effectiveDateWords}}"),
    ])
    func aTranslationThatDropsAParagraphIsAnError(part: String, dropped: String, named: String) throws {
        let file = folder.appendingPathComponent("email/notice.fr.\(part).mustache")
        var source = try String(contentsOf: file, encoding: .utf8)
        if dropped == "{{#consent}}" {
            // The whole paragraph, as a translator who skipped it would leave the file.
            let start = try #require(source.range(of: "{{#consent}}")), end = try #require(source.range(of: "{{/consent}}"))
            source.removeSubrange(start.lowerBound..<end.upperBound)
        } else {
            source = source.replacingOccurrences(of: dropped, with: "20/12")
        }
        try source.write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try load()
            Issue.record("a French \(part) without \(dropped) was accepted")
        } catch {
            guard case .invalidTemplate(let path, let message)? = error as? NoticeError else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == "templates/email/notice.fr.\(part).mustache")
            #expect(message.hasPrefix("uses no \(named), which notice.\(part).mustache uses"), "\(message)")
        }
    }

    /// A translation written before the dates had one table says `{{effectiveDateLong}}`: it still covers
    /// the default's `{{effectiveDateWords}}` and gives the same words.
    @Test func aTranslationWithTheOldDateNameStillServes() throws {
        for part in NoticeTemplateSources.parts {
            let file = folder.appendingPathComponent("email/notice.fr.\(part).mustache")
            try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "{{effectiveDateWords}}", with: "{{effectiveDateLong}}")
                .write(to: file, atomically: true, encoding: .utf8)
        }
        #expect(try text("fr").contains("en vigueur le 20 décembre 2026"))
    }

    /// One table of dates in words serves the site and every email: each language of the notices has its
    /// dates there, and the English email writes the date as the site does.
    @Test func theEmailsAndTheSiteShareOneTableOfDates() throws {
        #expect(Set(NoticeLanguage.all.map(\.code)) == Set(DateWords.locales))
        let day = CalendarDate(year: 2026, month: 12, day: 1)!
        #expect(NoticeLanguage.all.map { $0.dateWords(day) }
                == ["1 December 2026", "1er décembre 2026", "1. Dezember 2026", "1 de diciembre de 2026", "1 de dezembro de 2026"])
        for language in NoticeLanguage.all { #expect(language.dateWords(day) == DateWords.format(day, locale: language.code)) }
        #expect(try text("en").contains("takes effect on 20 December 2026"))
    }

    @Test func mustacheTagsAreReadForTheirNames() {
        let names = MustacheTags.names(in: "{{! note}}{{#a}}{{b}}{{/a}}{{^c}}{{{d}}}{{& e }}{{> partial}}{{% CONTENT_TYPE: TEXT}}")
        #expect(names == [.init(name: "a", section: true), .init(name: "b", section: false), .init(name: "c", section: true),
                          .init(name: "d", section: false), .init(name: "e", section: false)])
    }
}
