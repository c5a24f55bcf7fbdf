/// The site's default templates and stylesheet (`SiteTemplates/`, built into the binary), by file name
/// as a project's `templates/` names them. A project's own file of the same name replaces one of them;
/// any other `.mustache` (a partial) or `.css` file it holds is added.
public enum SiteTemplates {
    public static let builtIn: [String: [UInt8]] = [
        "archive.mustache": PackageResources.archive_mustache,
        "changes.mustache": PackageResources.changes_mustache,
        "feed.mustache": PackageResources.feed_mustache,
        "index.mustache": PackageResources.index_mustache,
        "layout-foot.mustache": PackageResources.layout_foot_mustache,
        "layout-head.mustache": PackageResources.layout_head_mustache,
        "policy.mustache": PackageResources.policy_mustache,
        "style.css": PackageResources.style_css,
    ]
}
