import PolicyDiff
import PolicyModel

/// A standalone redline page for a ChangeSet: `<ins>`/`<del>` with visually hidden "added"/"removed"
/// labels (not colour alone), moved clauses marked as moved, the reasons beside each change.
public enum RedlineRenderer {
    /// Who reads the redline. The review (`policyc diff --format html`, the legal team) sees tiers, rules,
    /// reasons and clause ids; the public site (Users) sees the words that changed, with a plain legend.
    public enum Audience: Sendable {
        case review, readers
    }

    /// The versions a redline goes between, in words ("version 2, in force since 2 December 2026"), when the
    /// caller knows them (the site does; `policyc diff OLD NEW` has two texts and their dates only).
    public struct Span: Sendable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// The pages of the two versions, relative to the redline's (`v3.html`, `v2.html`): each change of the
    /// readers' redline links to its place there. The changes must name the ids those pages carry (the
    /// site diffs the versions under their persistent ids), or a link lands on other words.
    public struct Pages: Sendable {
        public var old: String
        public var oldNumber: Int
        public var new: String
        public var newNumber: Int

        public init(old: String, oldNumber: Int, new: String, newNumber: Int) {
            self.old = old
            self.oldNumber = oldNumber
            self.new = new
            self.newNumber = newNumber
        }
    }

    /// The redline as an `<article>` fragment (the site wraps it in its templates). For readers it is the
    /// changes only, under `<h3>` headings: the page's template gives the title, the versions, the
    /// author's notes and the legend, in the site's language. With `pages`, each change links to where it
    /// is in the new version (a removed one, to where it was in the old).
    public static func article(_ changes: ChangeSet, for audience: Audience = .review, span: Span? = nil,
                               pages: Pages? = nil) -> String {
        var out = HTMLWriter(capacity: 64 * 1024)
        out.raw("<article class=\"redline\">\n")
        if audience == .review {
            out.raw("<header class=\"redline-header\">\n<h1>")
            out.text("Changes to \(changes.newTitle)")
            out.raw("</h1>\n")
            reviewHeader(changes, span: span, into: &out)
        }
        let groupHeading = audience == .readers ? "h3" : "h2"
        if changes.changes.isEmpty { out.raw("<p>No changes.</p>\n") }
        var group: String?
        for (index, change) in changes.changes.enumerated() {
            // Readers are not shown what only a reviewer weighs: the date line, markup and numbering.
            if audience == .readers, isForReviewersOnly(change) { continue }
            let heading = change.subject == .section ? "Sections"
                : change.subject == .document ? "The whole document"
                : (change.new ?? change.old)?.sectionHeading ?? "Preamble"
            if heading != group {
                if group != nil { out.raw("</section>\n") }
                out.raw("<section class=\"redline-group\">\n<\(groupHeading)>")
                out.text(heading)
                out.raw("</\(groupHeading)>\n")
                group = heading
            }
            renderChange(change, index: index, for: audience, pages: pages, into: &out)
        }
        if group != nil { out.raw("</section>\n") }
        out.raw("</article>\n")
        return out.string
    }

    private static func reviewHeader(_ changes: ChangeSet, span: Span?, into out: inout HTMLWriter) {
        out.raw("<p class=\"verdict verdict-\(changes.verdict.rawValue)\">Verdict: <strong>")
        out.text(changes.verdict.rawValue)
        out.raw("</strong>")
        if changes.material { out.raw(" — Users get advance notice by email") }
        out.raw("</p>\n")
        if let span {
            out.raw("<p class=\"dates\">From ")
            out.text(span.from)
            out.raw(" to ")
            out.text(span.to)
            out.raw("</p>\n")
        } else if let before = changes.oldLastUpdated, let after = changes.newLastUpdated {
            // Two texts with the same date (a draft against its release) are not "from D to D".
            if before == after {
                out.raw("<p class=\"dates\">Both texts say they were last updated on \(time(before)).</p>\n")
            } else {
                out.raw("<p class=\"dates\">From the text last updated on \(time(before)) to the text last updated on "
                        + "\(time(after)).</p>\n")
            }
        }
        if !changes.verdictReasons.isEmpty {
            out.raw("<ul class=\"verdict-reasons\">\n")
            for reason in changes.verdictReasons.prefix(10) { reasonItem(reason, into: &out) }
            out.raw("</ul>\n")
        }
        out.raw("</header>\n")
    }

    private static func time(_ date: CalendarDate) -> String {
        "<time datetime=\"\(date)\">\(DateWords.format(date, locale: "en"))</time>"
    }

    /// A complete HTML page, with its own minimal style, for `policyc diff --format html` and the review site.
    public static func page(_ changes: ChangeSet, span: Span? = nil) -> String {
        var out = HTMLWriter()
        out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        out.text("Changes to \(changes.newTitle)")
        out.raw("</title>\n<style>\n\(style)</style>\n</head>\n<body>\n<main>\n")
        out.raw(article(changes, span: span))
        out.raw("</main>\n</body>\n</html>\n")
        return out.string
    }

    static let style = """
    body { font: 1rem/1.6 Georgia, serif; max-width: 48rem; margin: 0 auto; padding: 1rem; color: #1b1f23; background: #fff; }
    @media (prefers-color-scheme: dark) { body { color: #e6edf3; background: #0d1117; } }
    ins { background: #dafbe1; color: #0a3622; text-decoration: underline; }
    del { background: #ffebe9; color: #5c0011; text-decoration: line-through; }
    .change { border-left: 4px solid #d0d7de; padding: .25rem .75rem; margin: 1rem 0; }
    .change.tier-material { border-color: #cf222e; } .change.tier-consent { border-color: #8250df; }
    .change-meta, .reasons { font: .875rem/1.4 system-ui, sans-serif; color: #57606a; }
    .moved-mark { font-weight: 600; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

    """

    /// An editorial change readers gain nothing from: markup or numbering (no words changed, the heading
    /// reads the same), or the "Last updated" line and nothing else in it (it has words, but the page's
    /// header already names both versions' dates).
    private static func isForReviewersOnly(_ change: Change) -> Bool {
        guard change.tier == .editorial, change.kind != .added, change.kind != .removed else { return false }
        // A heading that reads differently is a change readers see on the page, though it has no word diff.
        if change.reasons.contains(where: { $0.rule == "heading-renamed" || $0.rule == "title-renamed" }) { return false }
        return change.words == nil || (!change.reasons.isEmpty && change.reasons.allSatisfy { $0.rule == "last-updated" })
    }

    private static func renderChange(_ change: Change, index: Int, for audience: Audience, pages: Pages?,
                                     into out: inout HTMLWriter) {
        if audience == .readers {
            out.raw("<div class=\"change kind-\(change.kind.rawValue)\" id=\"change-\(index + 1)\">\n")
            if change.kind == .moved { out.raw("<p class=\"change-meta\"><span class=\"moved-mark\">⇄ moved</span></p>\n") }
        } else {
            out.raw("<div class=\"change tier-\(change.tier.rawValue) kind-\(change.kind.rawValue)\" id=\"change-\(index + 1)\"")
            if let id = change.new?.id ?? change.old?.id {
                out.raw(" data-clause=\"")
                out.text(id)
                out.raw("\"")
            }
            out.raw(">\n<p class=\"change-meta\"><strong>")
            out.text(change.tier.rawValue)
            out.raw("</strong> · ")
            if change.kind == .moved { out.raw("<span class=\"moved-mark\">⇄ moved</span>") } else { out.text(change.kind.rawValue) }
            out.raw(" ")
            out.text(change.subject.rawValue)
            if let id = change.new?.id ?? change.old?.id {
                out.raw(" · <code>")
                out.text(id)
                out.raw("</code>")
            }
            out.raw("</p>\n")
        }
        out.raw("<p class=\"change-text\">")
        if let words = change.words {
            for run in words {
                switch run.operation {
                case .equal: InlineHTML.write(run.inlines, into: &out)
                case .insert:
                    out.raw("<ins><span class=\"visually-hidden\">added: </span>")
                    InlineHTML.write(run.inlines, into: &out)
                    out.raw("</ins>")
                case .delete:
                    out.raw("<del><span class=\"visually-hidden\">removed: </span>")
                    InlineHTML.write(run.inlines, into: &out)
                    out.raw("</del>")
                }
            }
        } else {
            switch change.kind {
            case .removed:
                out.raw("<del><span class=\"visually-hidden\">removed: </span>")
                out.text(change.oldText ?? "")
                out.raw("</del>")
            case .added:
                out.raw("<ins><span class=\"visually-hidden\">added: </span>")
                out.text(change.newText ?? "")
                out.raw("</ins>")
            default:
                out.text(change.newText ?? change.oldText ?? "")
            }
        }
        out.raw("</p>\n")
        // The date line sits in the page's header, without an id of its own: there is no place to link to.
        if let pages, change.subject != .document, !change.reasons.contains(where: { $0.rule == "last-updated" }) {
            if let new = change.new {
                place("\(pages.new)#\(new.id)", "See it in version \(pages.newNumber)", into: &out)
            } else if let old = change.old {
                place("\(pages.old)#\(old.id)", "See it as it was in version \(pages.oldNumber)", into: &out)
            }
        }
        if audience == .review {
            out.raw("<ul class=\"reasons\">\n")
            for reason in change.reasons { reasonItem(reason, into: &out) }
            out.raw("</ul>\n")
        }
        out.raw("</div>\n")
    }

    private static func place(_ url: String, _ words: String, into out: inout HTMLWriter) {
        out.raw("<p class=\"change-place\"><a href=\"")
        out.text(url)
        out.raw("\">")
        out.text(words)
        out.raw("</a></p>\n")
    }

    private static func reasonItem(_ reason: Reason, into out: inout HTMLWriter) {
        out.raw("<li>")
        out.text(reason.summary)
        out.raw(" <code>")
        out.text(reason.rule)
        out.raw("</code></li>\n")
    }
}
