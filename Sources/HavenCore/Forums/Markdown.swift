/// Forum posts' Markdown, rendered to HTML that is safe to put in a page as it is.
///
/// Safety comes from construction rather than from filtering: the renderer writes every tag
/// itself, only from a fixed allow-list (`p`, `br`, `strong`, `em`, `code`, `pre`, `blockquote`,
/// `ul`, `ol`, `li`, `h3`–`h6`, `a`, `img`, `hr`, `del`), and every piece of the author's text
/// is HTML-escaped on its way out. Raw HTML in a post is shown as text. Links may only lead to
/// http, https and mailto addresses, paths on this site and fragments, and carry
/// `rel="nofollow noopener noreferrer"`; images may only come from this site, so reading a post
/// never makes a reader's browser contact another host.
///
/// Any string is a valid post: rendering never fails, and its cost grows about linearly with the
/// length of the post, whatever the post contains, so a hostile post cannot stall a server.
public enum Markdown {
    /// The HTML for `source`, block elements separated by "\n".
    ///
    /// Supported: paragraphs (a single line break is kept as `<br>`), `#` headings (shown as
    /// `h3`–`h6`, so a post never outranks the page's own headings), fenced code, block quotes,
    /// bulleted and numbered lists, thematic breaks, emphasis, strong emphasis, `~~`
    /// strikethrough, code spans, backslash escapes, inline links, autolinks and images. Raw
    /// HTML, reference links, tables, setext headings and indented code are not: they show as
    /// the text they are written as.
    public static func render(_ source: String) -> String {
        let text = self.normalised(source)
        let lines = BlockParser.lines(of: text)
        let blocks = BlockParser.parse(lines, depth: 0).blocks
        var output: [UInt8] = []
        output.reserveCapacity(text.count + text.count / 4 + 16)
        HTMLWriter.write(blocks, tight: false, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The deepest nesting of block quotes and lists; markers beyond it are shown as text.
    private static let maximumNesting = 8

    /// The most nested parentheses a link destination may have (as in cmark), which keeps the
    /// work of reading many unclosed `](` proportional to the length of the post.
    private static let maximumLinkParentheses = 32

    /// The source's UTF-8 with CRLF and CR turned into LF and NUL characters dropped.
    private static func normalised(_ source: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.utf8.count)
        var previousWasCR = false
        for byte in source.utf8 {
            switch byte {
            case ASCII.nul:
                continue
            case ASCII.carriageReturn:
                bytes.append(ASCII.newline)
                previousWasCR = true
                continue
            case ASCII.newline where previousWasCR:
                break
            default:
                bytes.append(byte)
            }
            previousWasCR = false
        }
        return bytes
    }
}

// The renderer's parts, nested so that their short names cannot clash with the rest of the module.
extension Markdown {
    // MARK: - Characters

    /// The bytes Markdown gives meaning to.
    private enum ASCII {
        static let nul: UInt8 = 0x00
        static let tab: UInt8 = 0x09
        static let newline: UInt8 = 0x0A
        static let carriageReturn: UInt8 = 0x0D
        static let space: UInt8 = 0x20
        static let delete: UInt8 = 0x7F
        static let exclamation = UInt8(ascii: "!")
        static let quote = UInt8(ascii: "\"")
        static let hash = UInt8(ascii: "#")
        static let apostrophe = UInt8(ascii: "'")
        static let openParenthesis = UInt8(ascii: "(")
        static let closeParenthesis = UInt8(ascii: ")")
        static let asterisk = UInt8(ascii: "*")
        static let plus = UInt8(ascii: "+")
        static let hyphen = UInt8(ascii: "-")
        static let period = UInt8(ascii: ".")
        static let slash = UInt8(ascii: "/")
        static let colon = UInt8(ascii: ":")
        static let lessThan = UInt8(ascii: "<")
        static let greaterThan = UInt8(ascii: ">")
        static let at = UInt8(ascii: "@")
        static let openBracket = UInt8(ascii: "[")
        static let backslash = UInt8(ascii: "\\")
        static let closeBracket = UInt8(ascii: "]")
        static let underscore = UInt8(ascii: "_")
        static let backtick = UInt8(ascii: "`")
        static let tilde = UInt8(ascii: "~")

        static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

        static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }

        static func isSpaceOrTab(_ byte: UInt8) -> Bool { byte == self.space || byte == self.tab }

        /// Characters a backslash can escape (CommonMark's ASCII punctuation).
        static func isPunctuation(_ byte: UInt8) -> Bool {
            (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
                || (0x7B...0x7E).contains(byte)
        }

        /// Control characters and the space: never part of a link target as written.
        static func isControlOrSpace(_ byte: UInt8) -> Bool { byte <= self.space || byte == self.delete }

        static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
    }

    // MARK: - HTML output

    /// Escaping and the fixed set of tags the renderer writes.
    private enum HTML {
        /// Appends `text` with & < > " ' replaced by entities, so it is inert both as element
        /// content and inside a double-quoted attribute.
        static func appendEscaped<Bytes: Sequence<UInt8>>(_ text: Bytes, to output: inout [UInt8]) {
            for byte in text {
                switch byte {
                case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): output.append(contentsOf: "&#39;".utf8)
                default: output.append(byte)
                }
            }
        }

        static func linkOpening(href: [UInt8]) -> [UInt8] {
            var tag = Array("<a href=\"".utf8)
            self.appendEscaped(href, to: &tag)
            tag.append(contentsOf: "\" rel=\"nofollow noopener noreferrer\">".utf8)
            return tag
        }

        static let linkClosing = Array("</a>".utf8)

        static func image(source: [UInt8], alternative: [UInt8]) -> [UInt8] {
            var tag = Array("<img src=\"".utf8)
            self.appendEscaped(source, to: &tag)
            tag.append(contentsOf: "\" alt=\"".utf8)
            self.appendEscaped(alternative, to: &tag)
            tag.append(contentsOf: "\">".utf8)
            return tag
        }

        static let lineBreak = Array("<br>".utf8)
        static let codeOpening = Array("<code>".utf8)
        static let codeClosing = Array("</code>".utf8)
    }

    // MARK: - Link policy

    /// Which link and image targets a post may use.
    private enum URLPolicy {
        /// The href for a link to `target`, or nil if the target is not allowed: only http, https and
        /// mailto URLs, paths on this site (a single leading `/`) and `#fragments` are.
        ///
        /// Browsers ignore control characters and surrounding spaces in URLs, so the scheme is judged
        /// with them removed (`java\tscript:` is `javascript:` to a browser); character references
        /// are not decoded, so `javascript&#58;` is judged, and written, literally. A target that
        /// mentions a script scheme anywhere (`https://x.example/?next=javascript:…`) is refused as
        /// well, so no href the renderer writes ever contains one.
        static func linkHref(_ target: [UInt8]) -> [UInt8]? {
            let probe = target.filter { !ASCII.isControlOrSpace($0) }
            guard !self.mentionsScriptScheme(probe) else { return nil }
            if probe.first == ASCII.hash || self.isSitePath(probe) { return self.cleaned(target) }
            for scheme in ["http:", "https:", "mailto:"] where self.hasPrefix(probe, caseInsensitive: scheme) {
                return self.cleaned(target)
            }
            return nil
        }

        /// The src for an image at `target`, or nil unless it is a path on this site.
        static func imageSource(_ target: [UInt8]) -> [UInt8]? {
            let probe = target.filter { !ASCII.isControlOrSpace($0) }
            return self.isSitePath(probe) && !self.mentionsScriptScheme(probe) ? self.cleaned(target) : nil
        }

        private static let scriptSchemes = [Array("javascript:".utf8), Array("vbscript:".utf8)]

        private static func mentionsScriptScheme(_ probe: [UInt8]) -> Bool {
            let lowercased = probe.map(ASCII.lowercased)
            return self.scriptSchemes.contains { scheme in
                lowercased.count >= scheme.count
                    && (0...(lowercased.count - scheme.count)).contains { lowercased[$0..<($0 + scheme.count)].elementsEqual(scheme) }
            }
        }

        /// A single leading slash: `//host` is another host, and so is `/\host` to a browser.
        private static func isSitePath(_ probe: [UInt8]) -> Bool {
            guard probe.first == ASCII.slash else { return false }
            return probe.count == 1 || (probe[1] != ASCII.slash && probe[1] != ASCII.backslash)
        }

        private static func hasPrefix(_ bytes: [UInt8], caseInsensitive prefix: String) -> Bool {
            let prefix = Array(prefix.utf8)
            guard bytes.count >= prefix.count else { return false }
            return zip(bytes, prefix).allSatisfy { ASCII.lowercased($0) == $1 }
        }

        /// The target as a browser would read it: surrounding spaces and control characters trimmed,
        /// inner control characters dropped, inner spaces percent-encoded.
        private static func cleaned(_ target: [UInt8]) -> [UInt8] {
            guard let first = target.firstIndex(where: { !ASCII.isControlOrSpace($0) }),
                let last = target.lastIndex(where: { !ASCII.isControlOrSpace($0) })
            else { return [] }
            var result: [UInt8] = []
            result.reserveCapacity(last - first + 1)
            for byte in target[first...last] {
                if byte == ASCII.space {
                    result.append(contentsOf: "%20".utf8)
                } else if !ASCII.isControlOrSpace(byte) {
                    result.append(byte)
                }
            }
            return result
        }
    }

    // MARK: - Blocks

    /// A block of a post, before its inline content is rendered.
    private enum Block {
        /// Lines joined by "\n", leading and trailing spaces removed.
        case paragraph([UInt8])
        /// `level` is the number of `#`s, 1 to 6.
        case heading(level: Int, text: ArraySlice<UInt8>)
        case code([ArraySlice<UInt8>])
        case quote([Block])
        case list(ordered: Bool, tight: Bool, items: [[Block]])
        case thematicBreak
    }

    /// A list item's marker: `-`, `*`, `+`, or a number followed by `.` or `)`.
    private struct ListMarker {
        var ordered: Bool
        /// The bullet, or the character after the number; a different one starts a new list.
        var symbol: UInt8
        var number: Int
        /// Columns before the marker.
        var indent: Int
        /// Columns before the item's text.
        var contentIndent: Int
        var content: ArraySlice<UInt8>

        /// Columns a following line needs to belong to this item (two suffice even after a wide number).
        var continuationIndent: Int { min(self.contentIndent, self.indent + 2) }

        func continuesList(of other: ListMarker) -> Bool {
            self.ordered == other.ordered && self.symbol == other.symbol
        }
    }

    /// Splits a post into blocks, line by line; each line is looked at a bounded number of times
    /// per level of nesting, and nesting is capped.
    private enum BlockParser {
        typealias Line = ArraySlice<UInt8>

        static func lines(of text: [UInt8]) -> [Line] {
            var lines = text.split(separator: ASCII.newline, omittingEmptySubsequences: false)
            // A final newline ends the last line rather than starting an empty one.
            if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
            return lines
        }

        /// The blocks of `lines`, and whether blank lines separate any two of them (which makes the
        /// list item they are in a loose one).
        static func parse(_ lines: [Line], depth: Int) -> (blocks: [Block], separatedByBlankLines: Bool) {
            let nests = depth < Markdown.maximumNesting
            var blocks: [Block] = []
            var separated = false
            var blankPending = false
            var index = 0
            while index < lines.count {
                let line = lines[index]
                if self.isBlank(line) {
                    blankPending = !blocks.isEmpty
                    index += 1
                    continue
                }
                if blankPending { separated = true }
                blankPending = false

                if let fence = self.fenceOpening(line) {
                    var body: [Line] = []
                    var closed = false
                    index += 1
                    while index < lines.count, !closed {
                        let bodyLine = lines[index]
                        index += 1
                        closed = self.isFenceClosing(bodyLine, character: fence.character, length: fence.length)
                        if !closed { body.append(self.droppingIndent(bodyLine, columns: fence.indent)) }
                    }
                    // An unclosed fence runs to the end of its container, less any trailing blank lines.
                    while !closed, let last = body.last, self.isBlank(last) { body.removeLast() }
                    blocks.append(.code(body))
                } else if let heading = self.heading(line) {
                    blocks.append(.heading(level: heading.level, text: heading.text))
                    index += 1
                } else if self.isThematicBreak(line) {
                    blocks.append(.thematicBreak)
                    index += 1
                } else if nests, self.quoted(line) != nil {
                    var inner: [Line] = []
                    while index < lines.count, let content = self.quoted(lines[index]) {
                        inner.append(content)
                        index += 1
                    }
                    blocks.append(.quote(self.parse(inner, depth: depth + 1).blocks))
                } else if nests, let marker = self.listMarker(line) {
                    let (list, next) = self.parseList(lines, from: index, first: marker, depth: depth)
                    blocks.append(list)
                    index = next
                } else {
                    var text = Array(self.trimmed(line))
                    index += 1
                    while index < lines.count, !self.isBlank(lines[index]), !self.interruptsParagraph(lines[index], nests: nests) {
                        text.append(ASCII.newline)
                        text.append(contentsOf: self.trimmed(lines[index]))
                        index += 1
                    }
                    blocks.append(.paragraph(text))
                }
            }
            return (blocks, separated)
        }

        /// A list starting at `start`, and the index of the first line after it.
        private static func parseList(_ lines: [Line], from start: Int, first: ListMarker, depth: Int) -> (Block, Int) {
            var itemLines: [[Line]] = []
            var current: [Line] = [first.content]
            var marker = first
            var loose = false
            var previousBlank = self.isBlank(first.content)
            var index = start + 1
            while index < lines.count {
                let line = lines[index]
                let threshold = marker.continuationIndent
                if self.isBlank(line) {
                    var next = index
                    while next < lines.count, self.isBlank(lines[next]) { next += 1 }
                    guard next < lines.count else { break }
                    if self.indentation(lines[next]).columns >= threshold {
                        for blank in lines[index..<next] { current.append(self.droppingIndent(blank, columns: marker.contentIndent)) }
                    } else if let sibling = self.listMarker(lines[next]), sibling.continuesList(of: first) {
                        loose = true
                    } else {
                        break
                    }
                    previousBlank = true
                    index = next
                    continue
                }
                let columns = self.indentation(line).columns
                if columns >= threshold {
                    current.append(self.droppingIndent(line, columns: min(columns, marker.contentIndent)))
                    previousBlank = false
                } else if let sibling = self.listMarker(line), sibling.continuesList(of: first) {
                    itemLines.append(current)
                    current = [sibling.content]
                    marker = sibling
                    previousBlank = self.isBlank(sibling.content)
                } else if !previousBlank, !self.interruptsParagraph(line, nests: true), self.listMarker(line) == nil {
                    // A lazy continuation of the item's last paragraph.
                    current.append(self.trimmed(line))
                } else {
                    break
                }
                index += 1
            }
            itemLines.append(current)

            var items: [[Block]] = []
            items.reserveCapacity(itemLines.count)
            for lines in itemLines {
                let item = self.parse(lines, depth: depth + 1)
                if item.separatedByBlankLines { loose = true }
                items.append(item.blocks)
            }
            return (.list(ordered: first.ordered, tight: !loose, items: items), index)
        }

        /// Whether `line` starts a block even without a blank line before it.
        private static func interruptsParagraph(_ line: Line, nests: Bool) -> Bool {
            if self.fenceOpening(line) != nil || self.heading(line) != nil || self.isThematicBreak(line) { return true }
            guard nests else { return false }
            if self.quoted(line) != nil { return true }
            if let marker = self.listMarker(line) {
                // As in CommonMark, so that "the year\n2024. was" stays a paragraph.
                return !self.isBlank(marker.content) && (!marker.ordered || marker.number == 1)
            }
            return false
        }

        // MARK: Line tests

        static func isBlank(_ line: Line) -> Bool { line.allSatisfy(ASCII.isSpaceOrTab) }

        /// Columns of leading spaces and tabs (a tab reaching the next multiple of 4), and where the
        /// rest of the line starts.
        static func indentation(_ line: Line) -> (columns: Int, start: Int) {
            self.indentation(line, upTo: .max)
        }

        static func droppingIndent(_ line: Line, columns limit: Int) -> Line {
            line[self.indentation(line, upTo: limit).start...]
        }

        /// Like `indentation(_:)`, stopping once `limit` columns are reached.
        private static func indentation(_ line: Line, upTo limit: Int) -> (columns: Int, start: Int) {
            var columns = 0
            var index = line.startIndex
            while index < line.endIndex, columns < limit {
                if line[index] == ASCII.space {
                    columns += 1
                } else if line[index] == ASCII.tab {
                    columns = (columns / 4 + 1) * 4
                } else {
                    break
                }
                index += 1
            }
            return (columns, index)
        }

        static func trimmed(_ line: Line) -> Line {
            guard let first = line.firstIndex(where: { !ASCII.isSpaceOrTab($0) }),
                let last = line.lastIndex(where: { !ASCII.isSpaceOrTab($0) })
            else { return line[line.endIndex...] }
            return line[first...last]
        }

        private static func fenceOpening(_ line: Line) -> (character: UInt8, length: Int, indent: Int)? {
            let (indent, start) = self.indentation(line)
            guard start < line.endIndex, line[start] == ASCII.backtick || line[start] == ASCII.tilde else { return nil }
            let character = line[start]
            var end = start
            while end < line.endIndex, line[end] == character { end += 1 }
            guard end - start >= 3 else { return nil }
            // "```code```" on one line is a code span, not a fence.
            if character == ASCII.backtick, line[end...].contains(ASCII.backtick) { return nil }
            return (character, end - start, indent)
        }

        private static func isFenceClosing(_ line: Line, character: UInt8, length: Int) -> Bool {
            let start = self.indentation(line).start
            var end = start
            while end < line.endIndex, line[end] == character { end += 1 }
            return end - start >= length && line[end...].allSatisfy(ASCII.isSpaceOrTab)
        }

        private static func heading(_ line: Line) -> (level: Int, text: Line)? {
            let start = self.indentation(line).start
            var end = start
            while end < line.endIndex, line[end] == ASCII.hash { end += 1 }
            let level = end - start
            guard (1...6).contains(level), end == line.endIndex || ASCII.isSpaceOrTab(line[end]) else { return nil }
            var text = self.trimmed(line[end...])
            // An optional closing run of #s, if set off by a space.
            var closing = text.endIndex
            while closing > text.startIndex, text[closing - 1] == ASCII.hash { closing -= 1 }
            if closing == text.startIndex {
                text = text[text.startIndex..<text.startIndex]
            } else if closing < text.endIndex, ASCII.isSpaceOrTab(text[closing - 1]) {
                text = self.trimmed(text[text.startIndex..<closing])
            }
            return (level, text)
        }

        private static func isThematicBreak(_ line: Line) -> Bool {
            var character: UInt8?
            var count = 0
            for byte in line where !ASCII.isSpaceOrTab(byte) {
                guard byte == ASCII.hyphen || byte == ASCII.asterisk || byte == ASCII.underscore else { return false }
                if let character, character != byte { return false }
                character = byte
                count += 1
            }
            return count >= 3
        }

        /// The rest of a line that starts with `>`, after one optional space.
        private static func quoted(_ line: Line) -> Line? {
            let start = self.indentation(line).start
            guard start < line.endIndex, line[start] == ASCII.greaterThan else { return nil }
            var content = start + 1
            if content < line.endIndex, ASCII.isSpaceOrTab(line[content]) { content += 1 }
            return line[content...]
        }

        private static func listMarker(_ line: Line) -> ListMarker? {
            let (indent, start) = self.indentation(line)
            guard start < line.endIndex else { return nil }
            var end = start
            var ordered = false
            var number = 0
            let symbol: UInt8
            let first = line[start]
            if first == ASCII.hyphen || first == ASCII.asterisk || first == ASCII.plus {
                symbol = first
                end += 1
            } else if ASCII.isDigit(first) {
                while end < line.endIndex, ASCII.isDigit(line[end]) {
                    guard end - start < 9 else { return nil }
                    number = number * 10 + Int(line[end] - 0x30)
                    end += 1
                }
                guard end < line.endIndex, line[end] == ASCII.period || line[end] == ASCII.closeParenthesis else { return nil }
                symbol = line[end]
                ordered = true
                end += 1
            } else {
                return nil
            }
            guard end == line.endIndex || ASCII.isSpaceOrTab(line[end]) else { return nil }
            let markerColumns = indent + (end - start)
            var columns = markerColumns
            var contentStart = end
            while contentStart < line.endIndex, ASCII.isSpaceOrTab(line[contentStart]) {
                columns = line[contentStart] == ASCII.tab ? (columns / 4 + 1) * 4 : columns + 1
                contentStart += 1
            }
            let content = line[contentStart...]
            let contentIndent = content.isEmpty ? markerColumns + 1 : columns
            return ListMarker(
                ordered: ordered, symbol: symbol, number: number, indent: indent, contentIndent: contentIndent, content: content
            )
        }
    }

    // MARK: - Block output

    private enum HTMLWriter {
        /// Writes `blocks` separated by "\n"; in a tight list item, paragraphs are written without `<p>`.
        static func write(_ blocks: [Block], tight: Bool, into output: inout [UInt8]) {
            for (index, block) in blocks.enumerated() {
                if index > 0 { output.append(ASCII.newline) }
                self.write(block, tight: tight, into: &output)
            }
        }

        private static func write(_ block: Block, tight: Bool, into output: inout [UInt8]) {
            switch block {
            case .paragraph(let text):
                if tight {
                    InlineParser.render(text, into: &output)
                } else {
                    output.append(contentsOf: "<p>".utf8)
                    InlineParser.render(text, into: &output)
                    output.append(contentsOf: "</p>".utf8)
                }
            case .heading(let level, let text):
                // A post's headings sit below the page's own h1 and h2.
                let tag = "h\(min(level + 2, 6))"
                output.append(contentsOf: "<\(tag)>".utf8)
                InlineParser.render(Array(text), into: &output)
                output.append(contentsOf: "</\(tag)>".utf8)
            case .code(let lines):
                output.append(contentsOf: "<pre><code>".utf8)
                for (index, line) in lines.enumerated() {
                    if index > 0 { output.append(ASCII.newline) }
                    HTML.appendEscaped(line, to: &output)
                }
                output.append(contentsOf: "</code></pre>".utf8)
            case .quote(let blocks):
                output.append(contentsOf: "<blockquote>\n".utf8)
                self.write(blocks, tight: false, into: &output)
                if !blocks.isEmpty { output.append(ASCII.newline) }
                output.append(contentsOf: "</blockquote>".utf8)
            case .list(let ordered, let tightList, let items):
                output.append(contentsOf: (ordered ? "<ol>\n" : "<ul>\n").utf8)
                for item in items {
                    output.append(contentsOf: "<li>".utf8)
                    let inlineFirst = tightList && item.first.map(self.isParagraph) == true
                    let inlineLast = tightList && item.last.map(self.isParagraph) == true
                    if !item.isEmpty, !inlineFirst { output.append(ASCII.newline) }
                    self.write(item, tight: tightList, into: &output)
                    if !item.isEmpty, !inlineLast { output.append(ASCII.newline) }
                    output.append(contentsOf: "</li>\n".utf8)
                }
                output.append(contentsOf: (ordered ? "</ol>" : "</ul>").utf8)
            case .thematicBreak:
                output.append(contentsOf: "<hr>".utf8)
            }
        }

        private static func isParagraph(_ block: Block) -> Bool {
            if case .paragraph = block { return true }
            return false
        }
    }

    // MARK: - Inlines

    /// Emphasis, links, code spans and the rest within one paragraph or heading.
    ///
    /// CommonMark's rules, so posts read as they do elsewhere, kept to work that grows linearly
    /// with the paragraph: runs of `[`, `*`, `` ` `` or `](` that never close cost no more than
    /// ordinary text.
    private struct InlineParser {
        enum Piece {
            /// The author's text at this range of the paragraph; escaped when written.
            case source(Range<Int>)
            /// The author's text from elsewhere (a code span's content, an image's alternative text); escaped when written.
            case text([UInt8])
            /// Markup the renderer made, and what it stands for in an image's alternative text.
            case markup([UInt8], alternative: [UInt8])
            /// An autolink's tag, dropped if the autolink turns out to be inside another link.
            case autolinkMarkup([UInt8])
            /// A run of `*`, `_` or `~~` (an index into `delimiters`).
            case delimiter(Int)
            case empty
        }

        struct Node {
            var piece: Piece
            /// Set on an image: the nodes up to here were folded into it.
            var skipTo: Int?
        }

        enum Emphasis {
            case em, strong, del

            var opening: String {
                switch self {
                case .em: "<em>"
                case .strong: "<strong>"
                case .del: "<del>"
                }
            }

            var closing: String {
                switch self {
                case .em: "</em>"
                case .strong: "</strong>"
                case .del: "</del>"
                }
            }
        }

        struct Delimiter {
            let node: Int
            let character: UInt8
            /// Characters not yet used by emphasis.
            var count: Int
            let runLength: Int
            let canOpen: Bool
            let canClose: Bool
            var previous: Int
            var next: Int
            /// Emphasis this run opens, innermost first.
            var opens: [Emphasis] = []
            /// Emphasis this run closes, innermost first.
            var closes: [Emphasis] = []
        }

        struct Bracket {
            let node: Int
            let isImage: Bool
            /// The last delimiter before the bracket: emphasis inside a link is resolved above it.
            let delimiterBottom: Int
            let sequence: Int
        }

        /// For every position, where the next unescaped `"`, `'`, `(` and `)` are (or `count`).
        struct TitleIndex {
            var quote: [Int]
            var apostrophe: [Int]
            var open: [Int]
            var close: [Int]
        }

        enum CharacterClass { case whitespace, punctuation, other }

        let text: [UInt8]
        var nodes: [Node] = []
        var delimiters: [Delimiter] = []
        /// The last delimiter still in the stack (-1 for none); the stack is a linked list through `previous` and `next`.
        var lastDelimiter = -1
        var brackets: [Bracket] = []
        var bracketSequence = 0
        /// Link openers pushed before this sequence number can no longer make links: links do not nest.
        var linksActiveFrom = 0
        var backtickRuns: [Int: (starts: [Int], cursor: Int)]?
        var titleIndex: TitleIndex?

        static func render(_ text: [UInt8], into output: inout [UInt8]) {
            var parser = InlineParser(text: text)
            parser.parse()
            parser.write(into: &output)
        }

        private init(text: [UInt8]) { self.text = text }

        // MARK: Scanning

        private mutating func parse() {
            let count = self.text.count
            var textStart = 0
            var index = 0
            while index < count {
                let byte = self.text[index]
                switch byte {
                case ASCII.newline:
                    self.flush(textStart, index)
                    self.nodes.append(Node(piece: .markup(HTML.lineBreak, alternative: [ASCII.space])))
                    index += 1
                    textStart = index
                case ASCII.backslash:
                    guard index + 1 < count else {
                        index += 1
                        continue
                    }
                    let next = self.text[index + 1]
                    if next == ASCII.newline {
                        self.flush(textStart, index)
                        self.nodes.append(Node(piece: .markup(HTML.lineBreak, alternative: [ASCII.space])))
                    } else if ASCII.isPunctuation(next) {
                        self.flush(textStart, index)
                        self.nodes.append(Node(piece: .source(index + 1..<index + 2)))
                    } else {
                        index += 1
                        continue
                    }
                    index += 2
                    textStart = index
                case ASCII.backtick:
                    self.flush(textStart, index)
                    index = self.codeSpan(at: index)
                    textStart = index
                case ASCII.asterisk, ASCII.underscore, ASCII.tilde:
                    self.flush(textStart, index)
                    index = self.delimiterRun(at: index)
                    textStart = index
                case ASCII.openBracket:
                    self.flush(textStart, index)
                    self.pushBracket(at: index, isImage: false)
                    index += 1
                    textStart = index
                case ASCII.exclamation where index + 1 < count && self.text[index + 1] == ASCII.openBracket:
                    self.flush(textStart, index)
                    self.pushBracket(at: index, isImage: true)
                    index += 2
                    textStart = index
                case ASCII.closeBracket:
                    self.flush(textStart, index)
                    index = self.closeBracket(at: index)
                    textStart = index
                case ASCII.lessThan:
                    if let end = self.autolink(at: index, flushingFrom: textStart) {
                        index = end
                        textStart = index
                    } else {
                        index += 1
                    }
                default:
                    index += 1
                }
            }
            self.flush(textStart, count)
            self.processEmphasis(above: -1)
        }

        private mutating func flush(_ start: Int, _ end: Int) {
            if end > start { self.nodes.append(Node(piece: .source(start..<end))) }
        }

        /// A code span opening at `start`, or its backticks as text if none closes it; returns where scanning resumes.
        private mutating func codeSpan(at start: Int) -> Int {
            var end = start
            while end < self.text.count, self.text[end] == ASCII.backtick { end += 1 }
            let length = end - start
            guard let closing = self.backtickRun(length: length, from: end) else {
                self.nodes.append(Node(piece: .source(start..<end)))
                return end
            }
            var content = self.text[end..<closing].map { $0 == ASCII.newline ? ASCII.space : $0 }
            if content.count >= 2, content.first == ASCII.space, content.last == ASCII.space,
                content.contains(where: { $0 != ASCII.space })
            {
                content = Array(content.dropFirst().dropLast())
            }
            self.nodes.append(Node(piece: .markup(HTML.codeOpening, alternative: [])))
            self.nodes.append(Node(piece: .text(content)))
            self.nodes.append(Node(piece: .markup(HTML.codeClosing, alternative: [])))
            return closing + length
        }

        /// The start of the first run of exactly `length` backticks at or after `position`.
        ///
        /// Calls come with increasing positions, so each length's list is walked once.
        private mutating func backtickRun(length: Int, from position: Int) -> Int? {
            if self.backtickRuns == nil {
                var runs: [Int: (starts: [Int], cursor: Int)] = [:]
                var index = 0
                while index < self.text.count {
                    guard self.text[index] == ASCII.backtick else {
                        index += 1
                        continue
                    }
                    let start = index
                    while index < self.text.count, self.text[index] == ASCII.backtick { index += 1 }
                    runs[index - start, default: ([], 0)].starts.append(start)
                }
                self.backtickRuns = runs
            }
            guard var entry = self.backtickRuns?[length] else { return nil }
            while entry.cursor < entry.starts.count, entry.starts[entry.cursor] < position { entry.cursor += 1 }
            self.backtickRuns?[length] = entry
            return entry.cursor < entry.starts.count ? entry.starts[entry.cursor] : nil
        }

        private mutating func delimiterRun(at start: Int) -> Int {
            let character = self.text[start]
            var end = start
            while end < self.text.count, self.text[end] == character { end += 1 }
            let length = end - start
            // Only `~~` strikes through; other runs of tildes are text.
            if character == ASCII.tilde, length != 2 {
                self.nodes.append(Node(piece: .source(start..<end)))
                return end
            }
            let before = start == 0 ? .whitespace : self.characterClass(endingAt: start)
            let after = end == self.text.count ? .whitespace : self.characterClass(startingAt: end)
            let leftFlanking = after != .whitespace && (after != .punctuation || before != .other)
            let rightFlanking = before != .whitespace && (before != .punctuation || after != .other)
            let canOpen: Bool
            let canClose: Bool
            if character == ASCII.underscore {
                // So that snake_case_words stay as they are.
                canOpen = leftFlanking && (!rightFlanking || before == .punctuation)
                canClose = rightFlanking && (!leftFlanking || after == .punctuation)
            } else {
                canOpen = leftFlanking
                canClose = rightFlanking
            }
            guard canOpen || canClose else {
                self.nodes.append(Node(piece: .source(start..<end)))
                return end
            }
            let index = self.delimiters.count
            self.delimiters.append(
                Delimiter(
                    node: self.nodes.count, character: character, count: length, runLength: length,
                    canOpen: canOpen, canClose: canClose, previous: self.lastDelimiter, next: -1
                )
            )
            if self.lastDelimiter >= 0 { self.delimiters[self.lastDelimiter].next = index }
            self.lastDelimiter = index
            self.nodes.append(Node(piece: .delimiter(index)))
            return end
        }

        private mutating func pushBracket(at start: Int, isImage: Bool) {
            self.nodes.append(Node(piece: .source(start..<start + (isImage ? 2 : 1))))
            self.brackets.append(
                Bracket(
                    node: self.nodes.count - 1, isImage: isImage, delimiterBottom: self.lastDelimiter, sequence: self.bracketSequence
                )
            )
            self.bracketSequence += 1
        }

        /// Handles `]`: makes a link or image if an opener and a `(destination)` fit; returns where scanning resumes.
        private mutating func closeBracket(at position: Int) -> Int {
            guard let opener = self.brackets.last else {
                self.nodes.append(Node(piece: .source(position..<position + 1)))
                return position + 1
            }
            guard opener.isImage || opener.sequence >= self.linksActiveFrom,
                let (destination, end) = self.linkTail(at: position + 1)
            else {
                self.brackets.removeLast()
                self.nodes.append(Node(piece: .source(position..<position + 1)))
                return position + 1
            }
            self.brackets.removeLast()
            self.processEmphasis(above: opener.delimiterBottom)
            let contentEnd = self.nodes.count
            if opener.isImage {
                var alternative: [UInt8] = []
                var index = opener.node + 1
                while index < contentEnd {
                    self.appendAlternative(of: self.nodes[index], to: &alternative)
                    index = self.nodes[index].skipTo ?? index + 1
                }
                if let source = URLPolicy.imageSource(destination) {
                    let image = HTML.image(source: source, alternative: alternative)
                    self.nodes[opener.node].piece = .markup(image, alternative: alternative)
                } else {
                    self.nodes[opener.node].piece = .text(alternative)
                }
                self.nodes[opener.node].skipTo = contentEnd
            } else {
                if let href = URLPolicy.linkHref(destination) {
                    // An autolink inside a link's text stays text: links do not nest.
                    var index = opener.node + 1
                    while index < contentEnd {
                        if case .autolinkMarkup = self.nodes[index].piece { self.nodes[index].piece = .empty }
                        index = self.nodes[index].skipTo ?? index + 1
                    }
                    self.nodes[opener.node].piece = .markup(HTML.linkOpening(href: href), alternative: [])
                    self.nodes.append(Node(piece: .markup(HTML.linkClosing, alternative: [])))
                } else {
                    // A refused link keeps its text.
                    self.nodes[opener.node].piece = .empty
                }
                self.linksActiveFrom = self.bracketSequence
            }
            return end
        }

        private func appendAlternative(of node: Node, to alternative: inout [UInt8]) {
            switch node.piece {
            case .source(let range): alternative.append(contentsOf: self.text[range])
            case .text(let text): alternative.append(contentsOf: text)
            case .markup(_, let text): alternative.append(contentsOf: text)
            case .delimiter(let index):
                let delimiter = self.delimiters[index]
                alternative.append(contentsOf: repeatElement(delimiter.character, count: delimiter.count))
            case .autolinkMarkup, .empty: break
            }
        }

        /// Reads `(destination "optional title")` at `position`: the destination with backslash
        /// escapes resolved, and where the link ends.
        private mutating func linkTail(at position: Int) -> ([UInt8], Int)? {
            let count = self.text.count
            guard position < count, self.text[position] == ASCII.openParenthesis else { return nil }
            var index = self.skippingWhitespace(from: position + 1)
            if index < count, self.text[index] == ASCII.closeParenthesis { return ([], index + 1) }
            let destination: [UInt8]
            if index < count, self.text[index] == ASCII.lessThan {
                let start = index + 1
                index = start
                while index < count {
                    let byte = self.text[index]
                    if byte == ASCII.greaterThan || byte == ASCII.lessThan || byte == ASCII.newline { break }
                    index += byte == ASCII.backslash && index + 1 < count && ASCII.isPunctuation(self.text[index + 1]) ? 2 : 1
                }
                guard index < count, self.text[index] == ASCII.greaterThan else { return nil }
                destination = self.resolvingEscapes(start..<index)
                index += 1
            } else {
                let start = index
                var depth = 0
                while index < count {
                    let byte = self.text[index]
                    if ASCII.isControlOrSpace(byte) { break }
                    if byte == ASCII.backslash, index + 1 < count, ASCII.isPunctuation(self.text[index + 1]) {
                        index += 2
                        continue
                    }
                    if byte == ASCII.openParenthesis {
                        depth += 1
                        guard depth <= Markdown.maximumLinkParentheses else { return nil }
                    } else if byte == ASCII.closeParenthesis {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    index += 1
                }
                guard depth == 0, index > start else { return nil }
                destination = self.resolvingEscapes(start..<index)
            }
            let destinationEnd = index
            index = self.skippingWhitespace(from: index)
            if index > destinationEnd, index < count,
                [ASCII.quote, ASCII.apostrophe, ASCII.openParenthesis].contains(self.text[index])
            {
                guard let titleEnd = self.titleEnd(openingAt: index) else { return nil }
                index = self.skippingWhitespace(from: titleEnd + 1)
            }
            guard index < count, self.text[index] == ASCII.closeParenthesis else { return nil }
            return (destination, index + 1)
        }

        /// The text in `range` with backslash escapes resolved.
        private func resolvingEscapes(_ range: Range<Int>) -> [UInt8] {
            var result: [UInt8] = []
            result.reserveCapacity(range.count)
            var index = range.lowerBound
            while index < range.upperBound {
                let byte = self.text[index]
                if byte == ASCII.backslash, index + 1 < range.upperBound, ASCII.isPunctuation(self.text[index + 1]) {
                    result.append(self.text[index + 1])
                    index += 2
                } else {
                    result.append(byte)
                    index += 1
                }
            }
            return result
        }

        private func skippingWhitespace(from position: Int) -> Int {
            var index = position
            while index < self.text.count, ASCII.isSpaceOrTab(self.text[index]) || self.text[index] == ASCII.newline { index += 1 }
            return index
        }

        /// Where a link title opening at `position` closes. Titles are read only to find the end of
        /// the link; they are not written out.
        private mutating func titleEnd(openingAt position: Int) -> Int? {
            let index = self.titleIndex ?? self.buildTitleIndex()
            self.titleIndex = index
            let count = self.text.count
            let after = position + 1
            guard after <= count else { return nil }
            let closing: Int
            switch self.text[position] {
            case ASCII.quote: closing = index.quote[after]
            case ASCII.apostrophe: closing = index.apostrophe[after]
            default:
                closing = index.close[after]
                // A parenthesised title cannot contain an unescaped "(".
                guard index.open[after] > closing else { return nil }
            }
            return closing < count ? closing : nil
        }

        private func buildTitleIndex() -> TitleIndex {
            let count = self.text.count
            var escaped = [Bool](repeating: false, count: count)
            var backslashes = 0
            for index in 0..<count {
                escaped[index] = backslashes % 2 == 1
                backslashes = self.text[index] == ASCII.backslash ? backslashes + 1 : 0
            }
            var index = TitleIndex(
                quote: [Int](repeating: count, count: count + 1), apostrophe: [Int](repeating: count, count: count + 1),
                open: [Int](repeating: count, count: count + 1), close: [Int](repeating: count, count: count + 1)
            )
            var position = count - 1
            while position >= 0 {
                index.quote[position] = index.quote[position + 1]
                index.apostrophe[position] = index.apostrophe[position + 1]
                index.open[position] = index.open[position + 1]
                index.close[position] = index.close[position + 1]
                if !escaped[position] {
                    switch self.text[position] {
                    case ASCII.quote: index.quote[position] = position
                    case ASCII.apostrophe: index.apostrophe[position] = position
                    case ASCII.openParenthesis: index.open[position] = position
                    case ASCII.closeParenthesis: index.close[position] = position
                    default: break
                    }
                }
                position -= 1
            }
            return index
        }

        /// An autolink (`<https://…>` or `<name@example.org>`) at `position`, as a link or, if its
        /// target is refused, as text; returns where scanning resumes, or nil if it is no autolink.
        private mutating func autolink(at position: Int, flushingFrom textStart: Int) -> Int? {
            var end = position + 1
            while end < self.text.count {
                let byte = self.text[end]
                if byte == ASCII.greaterThan { break }
                if byte == ASCII.lessThan || ASCII.isControlOrSpace(byte) { return nil }
                end += 1
            }
            guard end < self.text.count else { return nil }
            let content = self.text[(position + 1)..<end]
            let target: [UInt8]
            if self.isURIAutolink(content) {
                target = Array(content)
            } else if self.isEmailAutolink(content) {
                target = Array("mailto:".utf8) + content
            } else {
                return nil
            }
            self.flush(textStart, position)
            if let href = URLPolicy.linkHref(target) {
                self.nodes.append(Node(piece: .autolinkMarkup(HTML.linkOpening(href: href))))
                self.nodes.append(Node(piece: .source((position + 1)..<end)))
                self.nodes.append(Node(piece: .autolinkMarkup(HTML.linkClosing)))
            } else {
                self.nodes.append(Node(piece: .source(position..<(end + 1))))
            }
            return end + 1
        }

        /// `scheme:anything`, the scheme 2 to 32 letters, digits, `+`, `.` or `-`, starting with a letter.
        private func isURIAutolink(_ content: ArraySlice<UInt8>) -> Bool {
            guard let colon = content.firstIndex(of: ASCII.colon), let first = content.first, ASCII.isLetter(first) else {
                return false
            }
            let scheme = content[content.startIndex..<colon]
            return (2...32).contains(scheme.count)
                && scheme.allSatisfy {
                    ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.plus || $0 == ASCII.period || $0 == ASCII.hyphen
                }
        }

        private func isEmailAutolink(_ content: ArraySlice<UInt8>) -> Bool {
            guard let at = content.firstIndex(of: ASCII.at) else { return false }
            let local = content[content.startIndex..<at]
            let localSymbols = Array("!#$%&'*+/=?^_`{|}~-.".utf8)
            guard !local.isEmpty,
                local.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || localSymbols.contains($0) })
            else { return false }
            let labels = content[(at + 1)...].split(separator: ASCII.period, omittingEmptySubsequences: false)
            return labels.allSatisfy { label in
                guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
                return first != ASCII.hyphen && last != ASCII.hyphen
                    && label.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.hyphen }
            }
        }

        // MARK: Emphasis

        /// Pairs up the delimiters after `bottom` into emphasis, then takes them all off the stack.
        private mutating func processEmphasis(above bottom: Int) {
            var first = -1
            var below = self.lastDelimiter
            while below != -1, below > bottom {
                first = below
                below = self.delimiters[below].previous
            }
            // Per kind of closer, the point below which no opener for it exists.
            var openersBottom = [Int](repeating: bottom, count: 18)
            var current = first
            while current != -1 {
                let closer = self.delimiters[current]
                guard closer.canClose else {
                    current = closer.next
                    continue
                }
                let kind = closer.character == ASCII.asterisk ? 0 : closer.character == ASCII.underscore ? 1 : 2
                let key = kind * 6 + (closer.runLength % 3) * 2 + (closer.canOpen ? 1 : 0)
                let limit = max(bottom, openersBottom[key])
                var candidate = closer.previous
                var opener = -1
                while candidate != -1, candidate > limit {
                    let delimiter = self.delimiters[candidate]
                    if delimiter.character == closer.character, delimiter.canOpen, self.canPair(delimiter, closer) {
                        opener = candidate
                        break
                    }
                    candidate = delimiter.previous
                }
                guard opener != -1 else {
                    openersBottom[key] = closer.previous
                    let next = closer.next
                    if !closer.canOpen { self.unlink(current) }
                    current = next
                    continue
                }
                let emphasis: Emphasis
                let used: Int
                if closer.character == ASCII.tilde {
                    (emphasis, used) = (.del, 2)
                } else if closer.count >= 2 && self.delimiters[opener].count >= 2 {
                    (emphasis, used) = (.strong, 2)
                } else {
                    (emphasis, used) = (.em, 1)
                }
                self.delimiters[opener].count -= used
                self.delimiters[opener].opens.append(emphasis)
                self.delimiters[current].count -= used
                self.delimiters[current].closes.append(emphasis)
                // Delimiters between the pair can no longer match anything.
                self.delimiters[opener].next = current
                self.delimiters[current].previous = opener
                if self.delimiters[opener].count == 0 { self.unlink(opener) }
                if self.delimiters[current].count == 0 {
                    let next = self.delimiters[current].next
                    self.unlink(current)
                    current = next
                }
            }
            // Whatever is left is text.
            self.lastDelimiter = below
            if below != -1 { self.delimiters[below].next = -1 }
        }

        /// CommonMark's "rule of 3", which keeps `*foo**bar*` from pairing the wrong runs.
        private func canPair(_ opener: Delimiter, _ closer: Delimiter) -> Bool {
            if closer.character == ASCII.tilde { return opener.count == 2 && closer.count == 2 }
            guard opener.canClose || closer.canOpen else { return true }
            return (opener.runLength + closer.runLength) % 3 != 0 || (opener.runLength % 3 == 0 && closer.runLength % 3 == 0)
        }

        private mutating func unlink(_ index: Int) {
            let previous = self.delimiters[index].previous
            let next = self.delimiters[index].next
            if previous != -1 { self.delimiters[previous].next = next }
            if next != -1 {
                self.delimiters[next].previous = previous
            } else if self.lastDelimiter == index {
                self.lastDelimiter = previous
            }
        }

        // MARK: Classifying characters

        private func characterClass(startingAt index: Int) -> CharacterClass {
            self.characterClass(of: self.scalar(at: index))
        }

        private func characterClass(endingAt end: Int) -> CharacterClass {
            var start = end - 1
            while start > 0, end - start < 4, self.text[start] & 0xC0 == 0x80 { start -= 1 }
            return self.characterClass(of: self.scalar(at: start))
        }

        private func characterClass(of scalar: Unicode.Scalar?) -> CharacterClass {
            guard let scalar else { return .other }
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                if ASCII.isSpaceOrTab(byte) || (0x0A...0x0D).contains(byte) { return .whitespace }
                return ASCII.isPunctuation(byte) ? .punctuation : .other
            }
            switch scalar.properties.generalCategory {
            case .spaceSeparator:
                return .whitespace
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                return .punctuation
            default:
                return .other
            }
        }

        /// The scalar whose UTF-8 starts at `index`.
        private func scalar(at index: Int) -> Unicode.Scalar? {
            guard index >= 0, index < self.text.count else { return nil }
            let lead = self.text[index]
            let length: Int
            var value: UInt32
            switch lead {
            case 0x00..<0x80: return Unicode.Scalar(lead)
            case 0xC0..<0xE0: (length, value) = (2, UInt32(lead & 0x1F))
            case 0xE0..<0xF0: (length, value) = (3, UInt32(lead & 0x0F))
            case 0xF0..<0xF8: (length, value) = (4, UInt32(lead & 0x07))
            default: return nil
            }
            guard index + length <= self.text.count else { return nil }
            for offset in 1..<length {
                let byte = self.text[index + offset]
                guard byte & 0xC0 == 0x80 else { return nil }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            return Unicode.Scalar(value)
        }

        // MARK: Output

        private func write(into output: inout [UInt8]) {
            var index = 0
            while index < self.nodes.count {
                let node = self.nodes[index]
                switch node.piece {
                case .source(let range): HTML.appendEscaped(self.text[range], to: &output)
                case .text(let text): HTML.appendEscaped(text, to: &output)
                case .markup(let markup, _), .autolinkMarkup(let markup): output.append(contentsOf: markup)
                case .delimiter(let delimiterIndex):
                    let delimiter = self.delimiters[delimiterIndex]
                    for emphasis in delimiter.closes { output.append(contentsOf: emphasis.closing.utf8) }
                    output.append(contentsOf: repeatElement(delimiter.character, count: delimiter.count))
                    for emphasis in delimiter.opens.reversed() { output.append(contentsOf: emphasis.opening.utf8) }
                case .empty: break
                }
                index = node.skipTo ?? index + 1
            }
        }
    }
}
