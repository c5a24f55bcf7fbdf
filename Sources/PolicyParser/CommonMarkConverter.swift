import CCmarkGFM
import Dispatch
import PolicyModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one place that talks to cmark-gfm: parses bytes and converts the C tree to Swift values in one pass.
///
/// Each top-level block is freed as soon as it is converted, so the C tree and the Swift tree
/// are not both whole in memory at once.
struct CommonMarkConverter {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// Line added to every position: front matter and earlier pieces are cut before cmark sees the text.
    var lineOffset = 0
    /// Where content nested past `NestingLimit` was flattened.
    private(set) var flattenedAt: [SourceLocation] = []
    /// The line each converted top-level block starts on, as cmark knows it (0 where it does not).
    private(set) var topLevelLines: [Int] = []
    /// Trees parsed with cmark's `w` left ordinary (`parse(_:validateUTF8:wwwSpecial:)`) get their www
    /// autolinks here (`WWWAutolinks`). `declined`: where that could not be sure of cmark's answer;
    /// the caller parses the piece again with `w` special and converts that tree instead.
    var findsWWWAutolinks = false
    private(set) var declined = false

    /// cmark-gfm 0.29 keeps the inline parser's table of special characters (`~`, `:`, `w`) in a
    /// global: `cmark_parser_finish` sets the extensions' characters before its inline phase and
    /// clears them after, so two parses running at once could lose each other's strikethrough and
    /// autolinks. policyc replaces that setter (`keepSpecialCharacters` below) with one that never
    /// clears: every parser here attaches the same extensions, so the table is the same for all of
    /// them. Where the replacement is not in effect (no symbol interposition on the platform),
    /// cmark runs one parse at a time on this queue. A queue rather than a mutex: waiting threads
    /// sleep instead of spinning on a core the parse needs.
    private static let cmarkQueue = DispatchQueue(label: "policyc.cmark")

    /// Registers the extensions (not thread-safe: a lazy static runs it exactly once) and takes `w`
    /// out of autolink's characters (`WWWSpecial`).
    private static let extensionsRegistered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        WWWSpecial.dropFromAutolink()
        return true
    }()

    /// Parses a line of strikethrough on the queue to learn whether `keepSpecialCharacters` is the
    /// setter cmark calls. After this parse the table holds every extension character for good.
    /// Fast paths only: the reference never asks.
    static let parsesMayOverlap: Bool = {
        _ = extensionsRegistered
        let probe = Array("~~a~~ www.example.com\n".utf8)
        _ = cmarkQueue.sync { probe.withUnsafeBytes { run($0, validateUTF8: false, wwwSpecial: false) } }
        return SpecialCharacters.keptByPolicyc.load(ordering: .acquiring)
    }()

    /// A document as cmark parsed it, waiting to be converted; freed with its last reference.
    /// Unchecked: a C tree has one user at a time, the thread that parsed it, then the one that converts it.
    final class Tree: @unchecked Sendable {
        fileprivate let root: OpaquePointer

        fileprivate init(root: OpaquePointer) {
            self.root = root
        }

        deinit {
            cmark_node_free(root)
        }
    }

    /// The reference's parse: cmark-gfm as it is, one parse at a time. `w` is special while it runs
    /// (`onlyW` attached), so the autolink extension finds www autolinks itself: its characters and
    /// `onlyW`'s are together exactly the stock extension's, and cmark asks every inline extension's
    /// matcher at every special character, so the parse is stock cmark-gfm's. On the queue, as when
    /// `keepSpecialCharacters` is not in effect; where it is, it only skips clearing characters that
    /// every parse sets again.
    static func parseAlone(_ bytes: UnsafeRawBufferPointer, validateUTF8: Bool) -> Tree? {
        _ = extensionsRegistered
        return cmarkQueue.sync {
            WWWSpecial.whileSpecial { run(bytes, validateUTF8: validateUTF8, wwwSpecial: true) }
        }
    }

    /// Fast paths: runs cmark on `bytes` in parallel with other parses where `parsesMayOverlap`, else one at a time.
    /// `wwwSpecial`: with `w` a special character, so that cmark-gfm finds www autolinks itself.
    static func parse(_ bytes: UnsafeRawBufferPointer, validateUTF8: Bool, wwwSpecial: Bool = false) -> Tree? {
        guard parsesMayOverlap else {
            return cmarkQueue.sync { run(bytes, validateUTF8: validateUTF8, wwwSpecial: wwwSpecial) }
        }
        guard wwwSpecial else { return run(bytes, validateUTF8: validateUTF8, wwwSpecial: false) }
        return WWWSpecial.whileSpecial { run(bytes, validateUTF8: validateUTF8, wwwSpecial: true) }
    }

    private static func run(_ bytes: UnsafeRawBufferPointer, validateUTF8: Bool, wwwSpecial: Bool) -> Tree? {
        guard let parser = cmark_parser_new(validateUTF8 ? CMARK_OPT_VALIDATE_UTF8 : CMARK_OPT_DEFAULT) else { return nil }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        if wwwSpecial, let onlyW = WWWSpecial.onlyW { cmark_parser_attach_syntax_extension(parser, onlyW) }
        if let base = bytes.baseAddress {
            cmark_parser_feed(parser, base.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        // The tree outlives the parser: its nodes use cmark's default allocator, not the parser's.
        return cmark_parser_finish(parser).map(Tree.init(root:))
    }

    /// The tree's blocks as Swift values. Each top-level block is freed as soon as it is converted.
    mutating func convert(_ tree: Tree) -> [MarkdownBlock] {
        var blocks: [MarkdownBlock] = []
        while let child = cmark_node_first_child(tree.root) {
            if let block = convertBlock(child, depth: 0) {
                blocks.append(block)
                topLevelLines.append(Int(cmark_node_get_start_line(child)) + lineOffsetIfKnown(child))
            }
            cmark_node_unlink(child)
            cmark_node_free(child)
        }
        return blocks
    }

    // MARK: Blocks

    private mutating func convertBlock(_ node: OpaquePointer, depth: Int) -> MarkdownBlock? {
        let location = self.location(of: node)
        switch cmark_node_get_type(node) {
        case CMARK_NODE_HEADING:
            return .heading(level: Int(cmark_node_get_heading_level(node)),
                            inlines: blockInlines(of: node), location: location)
        case CMARK_NODE_PARAGRAPH:
            return .paragraph(inlines: blockInlines(of: node), location: location)
        case CMARK_NODE_CODE_BLOCK:
            return .code(literal: literal(of: node), location: location)
        case CMARK_NODE_HTML_BLOCK:
            return .html(literal: literal(of: node), location: location)
        case CMARK_NODE_THEMATIC_BREAK:
            return .thematicBreak
        case CMARK_NODE_BLOCK_QUOTE:
            return .quote(convertChildren(of: node, depth: depth + 1))
        case CMARK_NODE_LIST:
            return convertList(node, depth: depth)
        default:
            if typeString(of: node) == "table" { return convertTable(node) }
            // An unknown block (custom, footnote definition, an extension we did not ask for):
            // keep its words rather than lose them.
            let text = flattenedText(of: node)
            return text.isEmpty ? nil : .paragraph(inlines: [.text(text)], location: location)
        }
    }

    private mutating func convertChildren(of node: OpaquePointer, depth: Int) -> [MarkdownBlock] {
        guard depth < NestingLimit.blocks else {
            if let location = location(of: node) { flattenedAt.append(location) }
            return flattenedParagraphs(of: node)
        }
        var blocks: [MarkdownBlock] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            if let block = convertBlock(current, depth: depth) { blocks.append(block) }
            child = cmark_node_next(current)
        }
        return blocks
    }

    private mutating func convertList(_ node: OpaquePointer, depth: Int) -> MarkdownBlock {
        var items: [MarkdownListItem] = []
        var child = cmark_node_first_child(node)
        while let item = child {
            var checked: Bool?
            if cmark_node_get_syntax_extension(item) != nil, typeString(of: item) == "tasklist" {
                checked = cmark_gfm_extensions_get_tasklist_item_checked(item)
            }
            items.append(MarkdownListItem(location: location(of: item), checked: checked,
                                          blocks: convertChildren(of: item, depth: depth + 1)))
            child = cmark_node_next(item)
        }
        return .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                     start: Int(cmark_node_get_list_start(node)),
                     tight: cmark_node_get_list_tight(node) != 0,
                     items: items)
    }

    private mutating func convertTable(_ node: OpaquePointer) -> MarkdownBlock {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments: [TableBlock.Alignment] = []
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            for index in 0..<columns {
                switch UInt8(raw[index]) {
                case UInt8(ascii: "l"): alignments.append(.left)
                case UInt8(ascii: "c"): alignments.append(.center)
                case UInt8(ascii: "r"): alignments.append(.right)
                default: alignments.append(.none)
                }
            }
        }
        var rows: [MarkdownTableRow] = []
        var rowNode = cmark_node_first_child(node)
        while let row = rowNode {
            var cells: [[Inline]] = []
            var cellNode = cmark_node_first_child(row)
            while let cell = cellNode {
                cells.append(blockInlines(of: cell))
                cellNode = cmark_node_next(cell)
            }
            rows.append(MarkdownTableRow(isHeader: cmark_gfm_extensions_get_table_row_is_header(row) != 0,
                                         cells: cells, location: location(of: row)))
            rowNode = cmark_node_next(row)
        }
        return .table(alignments: alignments, rows: rows)
    }

    /// Past the nesting limit: every paragraph-like block below `node`, in order, walked without recursion.
    private func flattenedParagraphs(of node: OpaquePointer) -> [MarkdownBlock] {
        var blocks: [MarkdownBlock] = []
        walk(node) { descendant in
            switch cmark_node_get_type(descendant) {
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_CODE_BLOCK:
                let text = flattenedText(of: descendant)
                if !text.isEmpty {
                    blocks.append(.paragraph(inlines: [.text(text)], location: location(of: descendant)))
                }
                return false
            case CMARK_NODE_HTML_BLOCK:
                blocks.append(.html(literal: literal(of: descendant), location: location(of: descendant)))
                return false
            default:
                return true
            }
        }
        return blocks
    }

    // MARK: Inlines

    /// A paragraph's, heading's or table cell's inlines, with www autolinks where cmark left them to us.
    /// (Text flattened past the nesting limit needs none: a link only wraps text it keeps.)
    private mutating func blockInlines(of node: OpaquePointer) -> [Inline] {
        let inlines = convertInlines(of: node, depth: 0)
        guard findsWWWAutolinks else { return inlines }
        if let linked = WWWAutolinks.link(inlines) { return linked }
        declined = true
        return inlines
    }

    private mutating func convertInlines(of node: OpaquePointer, depth: Int) -> [Inline] {
        guard depth < NestingLimit.inlines else {
            if let location = location(of: node) { flattenedAt.append(location) }
            let text = flattenedText(of: node)
            return text.isEmpty ? [] : [.text(text)]
        }
        var inlines: [Inline] = []
        // Sized for every child at once (joined runs only leave it larger than needed): growing the
        // array as it filled was about 1% of a diff's instructions.
        var childCount = 0
        var counted = cmark_node_first_child(node)
        while let current = counted {
            childCount += 1
            counted = cmark_node_next(current)
        }
        inlines.reserveCapacity(childCount)
        var child = cmark_node_first_child(node)
        while let current = child {
            if let inline = convertInline(current, depth: depth) {
                // cmark splits text at every delimiter it considered; join adjacent runs.
                if case .text(let next) = inline, case .text(let previous)? = inlines.last {
                    inlines[inlines.count - 1] = .text(previous + next)
                } else {
                    inlines.append(inline)
                }
            }
            child = cmark_node_next(current)
        }
        return inlines
    }

    private mutating func convertInline(_ node: OpaquePointer, depth: Int) -> Inline? {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            // An empty run (what a hard break leaves of the spaces after a link) says nothing, and
            // whether cmark makes one depends on where it stopped: with `w` special or not (`WWWAutolinks`).
            let text = literal(of: node)
            return text.isEmpty ? nil : .text(text)
        case CMARK_NODE_CODE:
            return .code(literal(of: node))
        case CMARK_NODE_SOFTBREAK:
            return .softBreak
        case CMARK_NODE_LINEBREAK:
            return .lineBreak
        case CMARK_NODE_HTML_INLINE:
            return .html(literal(of: node))
        case CMARK_NODE_EMPH:
            return .emphasis(convertInlines(of: node, depth: depth + 1))
        case CMARK_NODE_STRONG:
            return .strong(convertInlines(of: node, depth: depth + 1))
        case CMARK_NODE_LINK:
            return .link(destination: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)),
                         children: convertInlines(of: node, depth: depth + 1))
        case CMARK_NODE_IMAGE:
            return .image(source: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)),
                          alt: convertInlines(of: node, depth: depth + 1))
        default:
            if typeString(of: node) == "strikethrough" {
                return .strikethrough(convertInlines(of: node, depth: depth + 1))
            }
            let text = flattenedText(of: node)
            return text.isEmpty ? nil : .text(text)
        }
    }

    // MARK: Helpers

    /// The text of every text-like node below `node`, walked without recursion.
    private func flattenedText(of node: OpaquePointer) -> String {
        var text = ""
        walk(node) { descendant in
            switch cmark_node_get_type(descendant) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                text += literal(of: descendant)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_ITEM:
                if !text.isEmpty, text.last != " " { text += " " }
            default:
                break
            }
            return true
        }
        return text.trimmingSpaces
    }

    /// Pre-order walk with cmark's own iterator; `visit` returns false to skip a node's children.
    private func walk(_ root: OpaquePointer, _ visit: (OpaquePointer) -> Bool) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        var skipUntilExitOf: OpaquePointer?
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            if let skipped = skipUntilExitOf {
                if event == CMARK_EVENT_EXIT, node == skipped { skipUntilExitOf = nil }
                continue
            }
            guard event == CMARK_EVENT_ENTER, node != root else { continue }
            if !visit(node), cmark_node_first_child(node) != nil {
                skipUntilExitOf = node
            }
        }
    }

    private func location(of node: OpaquePointer) -> SourceLocation? {
        SourceLocation(knownLine: Int(cmark_node_get_start_line(node)) + (lineOffsetIfKnown(node)),
                       column: Int(cmark_node_get_start_column(node)))
    }

    private func lineOffsetIfKnown(_ node: OpaquePointer) -> Int {
        cmark_node_get_start_line(node) > 0 ? lineOffset : 0
    }

    private func literal(of node: OpaquePointer) -> String {
        string(cmark_node_get_literal(node))
    }

    private func typeString(of node: OpaquePointer) -> String {
        string(cmark_node_get_type_string(node))
    }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}

/// Whether cmark called `keepSpecialCharacters`, policyc's replacement for its special-character setter.
private enum SpecialCharacters {
    static let keptByPolicyc = Atomic<Bool>(false)

    /// cmark-gfm's own setter, found past this executable in the symbol search order.
    static let librarySetter: (@convention(c) (OpaquePointer?, Int32) -> Void)? = {
        #if canImport(Glibc)
        // RTLD_NEXT: the next object after the caller's that defines the symbol.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -1), "cmark_manage_extensions_special_characters")
        else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (OpaquePointer?, Int32) -> Void).self)
        #else
        return nil
        #endif
    }()
}

/// Takes the place of cmark-gfm's `cmark_manage_extensions_special_characters` (ELF symbol
/// interposition: cmark calls it through its PLT, and the executable's definition comes first).
/// Setting is passed on to cmark's own function; clearing is skipped, so no parse can clear the
/// characters from under another. Sound because every parser attaches the same extensions.
/// Public only so that the linker can export it; nothing in Swift calls it.
@_cdecl("cmark_manage_extensions_special_characters")
public func keepSpecialCharacters(_ parser: OpaquePointer?, _ add: Int32) {
    guard let setter = SpecialCharacters.librarySetter else {
        fatalError("cmark_manage_extensions_special_characters: cmark-gfm's own definition was not found")
    }
    SpecialCharacters.keptByPolicyc.store(true, ordering: .releasing)
    if add != 0 { setter(parser, add) }
}

/// cmark-gfm's `w`, a special character of its inline parser only while a parse needs it.
///
/// The autolink extension is registered without `w` (see `WWWAutolinks`). A parse that must find www
/// autolinks itself attaches `onlyW`, an extension whose only part is `w`: starting its inline phase,
/// cmark makes `w` special in its global table, and the autolink extension's matcher is then asked
/// at every `w`. Other parses that run meanwhile see `w` special too, which costs them time, not
/// correctness. Where `keepSpecialCharacters` is in effect nothing clears the table, so the last of
/// those parses to finish takes `w` out again.
enum WWWSpecial {
    /// Without `onlyW` no parse could make `w` special again, so then autolink keeps it.
    static func dropFromAutolink() {
        guard onlyW != nil, let autolink = cmark_find_syntax_extension("autolink") else { return }
        cmark_syntax_extension_set_special_inline_chars(autolink, characters([":"]))
    }

    /// Registered nowhere: attached by hand to the parses that need it.
    /// Unsafe: a C pointer, which cmark only reads once this initialiser (run once, by `let`) has made it.
    nonisolated(unsafe) static let onlyW: OpaquePointer? = {
        guard let onlyW = cmark_syntax_extension_new("policyc-www") else { return nil }
        // A matcher is what makes cmark list an extension's characters; this one matches nothing.
        cmark_syntax_extension_set_match_inline_func(onlyW) { _, _, _, _, _ -> OpaquePointer? in nil }
        cmark_syntax_extension_set_special_inline_chars(onlyW, characters(["w"]))
        return onlyW
    }()

    private static func characters(_ list: [Character]) -> UnsafeMutablePointer<cmark_llist>? {
        var result: UnsafeMutablePointer<cmark_llist>?
        for character in list {
            result = cmark_llist_append(cmark_get_default_mem_allocator(), result,
                                        UnsafeMutableRawPointer(bitPattern: Int(character.asciiValue!)))
        }
        return result
    }

    private static let lock = Mutex(0)

    /// Runs `parse` with `w` special, and takes `w` out after the last such parse.
    static func whileSpecial<Result>(_ parse: () -> Result) -> Result {
        lock.withLock { $0 += 1 }
        defer {
            lock.withLock { count in
                count -= 1
                if count == 0 { clear() }
            }
        }
        return parse()
    }

    /// cmark's own setter, asked to remove the characters of a parser that has only `onlyW`.
    private static func clear() {
        guard let setter = SpecialCharacters.librarySetter, let onlyW,
              let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return }
        defer { cmark_parser_free(parser) }
        cmark_parser_attach_syntax_extension(parser, onlyW)
        setter(parser, 0)
    }
}
