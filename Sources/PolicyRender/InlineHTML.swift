import PolicyModel

/// Inline content as HTML, the same on every page: raw HTML dropped, unsafe links reduced to their text,
/// images shown as links (a published page makes no requests of its own).
enum InlineHTML {
    /// `anchorTargets`: old or alternative anchors (GitHub slugs) → the id they land on now.
    static func write(_ inlines: [Inline], into out: inout HTMLWriter, anchorTargets: [String: String] = [:]) {
        for inline in inlines {
            switch inline {
            case .text(let text):
                out.text(text)
            case .code(let text):
                wrap("code", into: &out) { $0.text(text) }
            case .emphasis(let children):
                wrap("em", into: &out) { write(children, into: &$0, anchorTargets: anchorTargets) }
            case .strong(let children):
                wrap("strong", into: &out) { write(children, into: &$0, anchorTargets: anchorTargets) }
            case .strikethrough(let children):
                // `<s>`, not `<del>`: on a redline `<del>` means "removed by this change".
                wrap("s", into: &out) { write(children, into: &$0, anchorTargets: anchorTargets) }
            case .link(let destination, let title, let children):
                guard LinkPolicy.isSafe(destination) else {
                    write(children, into: &out, anchorTargets: anchorTargets)
                    continue
                }
                out.raw("<a href=\"")
                out.text(href(destination, anchorTargets))
                if !title.isEmpty {
                    out.raw("\" title=\"")
                    out.text(title)
                }
                out.raw("\">")
                write(children, into: &out, anchorTargets: anchorTargets)
                out.raw("</a>")
            case .image(let source, _, let alt):
                guard LinkPolicy.isSafe(source) else {
                    write(alt, into: &out, anchorTargets: anchorTargets)
                    continue
                }
                out.raw("<a class=\"image-link\" href=\"")
                out.text(source)
                out.raw("\">")
                write(alt, into: &out, anchorTargets: anchorTargets)
                out.raw("</a>")
            case .softBreak:
                out.raw("\n")
            case .lineBreak:
                out.raw("<br>\n")
            case .html:
                continue
            }
        }
    }

    private static func wrap(_ tag: StaticString, into out: inout HTMLWriter, _ body: (inout HTMLWriter) -> Void) {
        out.raw("<\(tag)>")
        body(&out)
        out.raw("</\(tag)>")
    }

    /// `#github-style-slug` → `#sec-3` where the slug names a section of this document.
    private static func href(_ destination: String, _ anchorTargets: [String: String]) -> String {
        guard destination.hasPrefix("#"), let target = anchorTargets[String(destination.dropFirst())] else {
            return destination
        }
        return "#" + target
    }
}
