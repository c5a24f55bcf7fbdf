import PolicyDiff
import PolicyModel

/// The internal review of every release, for the legal team (`policyc build --review DIR`): verdicts,
/// tiers, the rules behind them, override decisions with their reasons, beside the notes Users read.
/// A site of its own, never part of the public one: Users get the notes and the words that changed.
public enum ReviewRenderer {
    /// Relative path → bytes: `index.html`, and `DOC/vN.html`, the review redline of each release.
    public static func render(_ policies: [PolicySite], siteTitle: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var index = HTMLWriter()
        start(&index, title: "Release review · \(siteTitle)")
        index.raw("<h1>Release review: ")
        index.text(siteTitle)
        index.raw("</h1>\n<p>Internal: verdicts, rules and override reasons of every release. The public site shows "
                  + "Users the release notes and the words that changed, never this page.</p>\n")
        for policy in policies.sorted(by: { $0.draft.id < $1.draft.id }) {
            let id = policy.draft.id
            index.raw("<section>\n<h2>")
            index.text(policy.current.document.title)
            index.raw("</h2>\n")
            if policy.versions.isEmpty { index.raw("<p>Never released.</p>\n") }
            for (position, version) in policy.versions.enumerated().reversed() {
                index.raw("<article class=\"release\">\n<h3>")
                index.text("\(version.name): \(version.verdict)")
                index.raw("</h3>\n<p class=\"change-meta\">Released <time datetime=\"\(version.releaseDate)\">\(version.releaseDate)</time>, "
                          + "effective <time datetime=\"\(version.effectiveDate)\">\(version.effectiveDate)</time>.")
                if position > 0, let changes = policy.changes[version.name] {
                    let path = "\(id)/\(version.name).html"
                    index.raw(" <a href=\"")
                    index.text(path)
                    index.raw("\">The review redline</a>.")
                    let previous = policy.versions[position - 1]
                    let span = RedlineRenderer.Span(from: "\(previous.name) (effective \(previous.effectiveDate))",
                                                    to: "\(version.name) (effective \(version.effectiveDate))")
                    files[path] = Array(RedlineRenderer.page(changes, span: span).utf8)
                }
                index.raw("</p>\n")
                if let notes = version.notes {
                    index.raw("<h4>Release notes</h4>\n<div class=\"notes\">\n")
                    index.raw(NotesRenderer.html(notes))
                    index.raw("</div>\n")
                } else if version.verdict == "material" || version.verdict == "consent" {
                    index.raw("<p><strong>No release notes</strong> (released before notes were kept).</p>\n")
                }
                list("Changes", version.summary, into: &index)
                list("Overrides", version.overrides, into: &index)
                index.raw("</article>\n")
            }
            index.raw("</section>\n")
        }
        index.raw("</main>\n</body>\n</html>\n")
        files["index.html"] = index.bytes
        return files.mapValues(SiteRenderer.withoutControlCharacters)
    }

    private static func start(_ out: inout HTMLWriter, title: String) {
        out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        out.raw("<meta name=\"robots\" content=\"noindex\">\n<title>")
        out.text(title)
        out.raw("</title>\n<style>\n\(RedlineRenderer.style)</style>\n</head>\n<body>\n<main>\n")
    }

    private static func list(_ heading: String, _ lines: [String], into out: inout HTMLWriter) {
        guard !lines.isEmpty else { return }
        out.raw("<h4>\(heading)</h4>\n<ul>\n")
        for line in lines {
            out.raw("<li>")
            out.text(line)
            out.raw("</li>\n")
        }
        out.raw("</ul>\n")
    }
}
