import Foundation
import PolicyNotice
import PolicyRender

/// The built-in templates, written out for a project to change: `policyc templates export`.
public enum ProjectTemplates {
    /// Every built-in template by its path in `templates/`: the site's, and the emails' in `email/`.
    public static var defaults: [NewFile] {
        (SiteTemplates.builtIn.map { NewFile(path: $0.key, bytes: $0.value) }
            + NoticeTemplateSources.builtIn.map { NewFile(path: "email/\($0.key)", bytes: $0.value) })
            .sorted { $0.path < $1.path }
    }

    /// Writes the defaults into `folder` (made when missing), none of them over a file that is there.
    @discardableResult
    public static func export(to folder: URL, displayPath: String) throws(ProjectError) -> [String] {
        try AtomicOutput.createFiles(defaults, in: folder, displayPath: displayPath)
    }
}
