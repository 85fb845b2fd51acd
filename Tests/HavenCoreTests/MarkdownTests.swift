import HavenCore
import Testing

@Suite struct MarkdownTests {
    static let rel = #"rel="nofollow noopener noreferrer""#

    static func link(_ href: String, _ text: String) -> String {
        #"<a href="\#(href)" \#(rel)>\#(text)</a>"#
    }

    // MARK: Blocks

    @Test func paragraphsAndLineBreaks() {
        #expect(Markdown.render("Hello\nworld\n\nSecond paragraph") == "<p>Hello<br>world</p>\n<p>Second paragraph</p>")
        #expect(Markdown.render("  spaced  \n\n\n\n  out  \n") == "<p>spaced</p>\n<p>out</p>")
        #expect(Markdown.render("") == "")
        #expect(Markdown.render("\n \n\t\n") == "")
    }

    @Test func lineEndingsAndNULsAreNormalised() {
        #expect(Markdown.render("a\r\nb\rc\u{0}d\r\n\r\ne\r\n") == "<p>a<br>b<br>cd</p>\n<p>e</p>")
    }

    @Test func headingsSitBelowThePagesOwn() {
        #expect(
            Markdown.render("# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six")
                == "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n<h6>Four</h6>\n<h6>Five</h6>\n<h6>Six</h6>"
        )
        #expect(Markdown.render("## Closed ##") == "<h4>Closed</h4>")
        #expect(Markdown.render("# *Styled* <b>") == "<h3><em>Styled</em> &lt;b&gt;</h3>")
        // Not headings: no space after the #s, or too many of them.
        #expect(Markdown.render("#hashtag") == "<p>#hashtag</p>")
        #expect(Markdown.render("####### seven") == "<p>####### seven</p>")
    }

    @Test func thematicBreaks() {
        #expect(Markdown.render("above\n\n---\n***\n___\n- - -\n\nbelow") == "<p>above</p>\n<hr>\n<hr>\n<hr>\n<hr>\n<p>below</p>")
        #expect(Markdown.render("text\n---") == "<p>text</p>\n<hr>")
    }

    @Test func fencedCodeIsEscapedVerbatim() {
        let source = "```html\n<script>alert(\"x\" & 'y')</script>\n  **not bold**\n```\nafter"
        #expect(
            Markdown.render(source)
                == "<pre><code>&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;\n  **not bold**</code></pre>\n<p>after</p>"
        )
        #expect(Markdown.render("~~~\n<b>\n\n~~~") == "<pre><code>&lt;b&gt;\n</code></pre>")
        #expect(Markdown.render("````\n```\n````") == "<pre><code>```</code></pre>")
    }

    @Test func anUnclosedFenceRunsToTheEndOfThePost() {
        #expect(
            Markdown.render("intro\n\n```\ncode\n\n# not a heading\n> not a quote\n\n\n")
                == "<p>intro</p>\n<pre><code>code\n\n# not a heading\n&gt; not a quote</code></pre>"
        )
    }

    @Test func anUnclosedFenceInAQuoteEndsWithTheQuote() {
        #expect(Markdown.render("> ```\n> code\n\nreply") == "<blockquote>\n<pre><code>code</code></pre>\n</blockquote>\n<p>reply</p>")
    }

    @Test func blockquotesNestListsAndQuotes() {
        let source = "> @alice wrote:\n> > the original\n> > post\n>\n> - one\n> - two\n\nMy reply"
        #expect(
            Markdown.render(source) == """
                <blockquote>
                <p>@alice wrote:</p>
                <blockquote>
                <p>the original<br>post</p>
                </blockquote>
                <ul>
                <li>one</li>
                <li>two</li>
                </ul>
                </blockquote>
                <p>My reply</p>
                """
        )
    }

    @Test func aQuotationOfAPostRenders() {
        // The shape Forums.quotation(of:by:) produces: a backslash-escaped name, then the post.
        let source = "> **Bob\\_the\\*builder** wrote:\n>\n> Can we fix it?\n> > Yes we can\n\nAgreed."
        #expect(
            Markdown.render(source) == """
                <blockquote>
                <p><strong>Bob_the*builder</strong> wrote:</p>
                <p>Can we fix it?</p>
                <blockquote>
                <p>Yes we can</p>
                </blockquote>
                </blockquote>
                <p>Agreed.</p>
                """
        )
    }

    @Test func nestingIsCapped() {
        let html = Markdown.render(String(repeating: ">", count: 20) + " deep")
        #expect(html.ranges(of: "<blockquote>").count == 8)
        #expect(html.contains("<p>&gt;&gt;&gt;&gt;&gt;&gt;&gt;&gt;&gt;&gt;&gt;&gt; deep</p>"))
    }

    @Test func unorderedAndOrderedLists() {
        #expect(Markdown.render("- one\n* two") == "<ul>\n<li>one</li>\n</ul>\n<ul>\n<li>two</li>\n</ul>")
        #expect(Markdown.render("+ a\n+ *b*") == "<ul>\n<li>a</li>\n<li><em>b</em></li>\n</ul>")
        #expect(Markdown.render("1. first\n2. second\n3. third") == "<ol>\n<li>first</li>\n<li>second</li>\n<li>third</li>\n</ol>")
        #expect(Markdown.render("1) first\n2) second") == "<ol>\n<li>first</li>\n<li>second</li>\n</ol>")
        #expect(Markdown.render("Shopping:\n- milk\n- eggs") == "<p>Shopping:</p>\n<ul>\n<li>milk</li>\n<li>eggs</li>\n</ul>")
        // Only a list starting at 1 interrupts a paragraph.
        #expect(Markdown.render("In the year\n2024. it rained") == "<p>In the year<br>2024. it rained</p>")
        // A lazy continuation line stays in its item.
        #expect(Markdown.render("- a long\nitem") == "<ul>\n<li>a long<br>item</li>\n</ul>")
    }

    @Test func listsNestByIndentation() {
        #expect(
            Markdown.render("- fruit\n  - apple\n  - pear\n- vegetables\n\n1. one\n   1. one point one") == """
                <ul>
                <li>fruit
                <ul>
                <li>apple</li>
                <li>pear</li>
                </ul>
                </li>
                <li>vegetables</li>
                </ul>
                <ol>
                <li>one
                <ol>
                <li>one point one</li>
                </ol>
                </li>
                </ol>
                """
        )
    }

    @Test func looseListsKeepParagraphs() {
        #expect(
            Markdown.render("- one\n\n  more about one\n- two") == """
                <ul>
                <li>
                <p>one</p>
                <p>more about one</p>
                </li>
                <li>
                <p>two</p>
                </li>
                </ul>
                """
        )
    }

    // MARK: Inlines

    @Test func emphasisStrongStrikethroughAndCode() {
        #expect(
            Markdown.render("**strong** __strong__ *em* _em_ ~~gone~~ `code`")
                == "<p><strong>strong</strong> <strong>strong</strong> <em>em</em> <em>em</em> <del>gone</del> <code>code</code></p>"
        )
        #expect(Markdown.render("***both*** *a **b** c*") == "<p><em><strong>both</strong></em> <em>a <strong>b</strong> c</em></p>")
        #expect(Markdown.render("`<b>&amp; *x*` ``a ` b``") == "<p><code>&lt;b&gt;&amp;amp; *x*</code> <code>a ` b</code></p>")
    }

    @Test func intrawordUnderscoresAreText() {
        #expect(Markdown.render("snake_case_word and a_b_c") == "<p>snake_case_word and a_b_c</p>")
        #expect(Markdown.render("_foo_bar_") == "<p><em>foo_bar</em></p>")
    }

    @Test func unmatchedDelimitersAreText() {
        #expect(Markdown.render("**not closed") == "<p>**not closed</p>")
        #expect(Markdown.render("2 * 3 * 4") == "<p>2 * 3 * 4</p>")
        #expect(Markdown.render("~~open ~single~ `tick") == "<p>~~open ~single~ `tick</p>")
        #expect(Markdown.render("[not a link] ] [ (x)") == "<p>[not a link] ] [ (x)</p>")
        #expect(Markdown.render("**foo*") == "<p>*<em>foo</em></p>")
    }

    @Test func backslashEscapes() {
        #expect(Markdown.render(#"\*not em\* \_x\_ \[a\](/b) \`c\` \\ \q"#) == #"<p>*not em* _x_ [a](/b) `c` \ \q</p>"#)
        #expect(Markdown.render("\\# not a heading") == "<p># not a heading</p>")
    }

    @Test func characterReferencesAreNotDecoded() {
        #expect(Markdown.render("&amp; &lt;b&gt; &#58;") == "<p>&amp;amp; &amp;lt;b&amp;gt; &amp;#58;</p>")
    }

    // MARK: Links

    @Test func allowedLinks() {
        #expect(Markdown.render("[site](https://example.org/a?b=1&c=2)") == "<p>\(Self.link("https://example.org/a?b=1&amp;c=2", "site"))</p>")
        #expect(Markdown.render("[plain](http://example.org)") == "<p>\(Self.link("http://example.org", "plain"))</p>")
        #expect(Markdown.render("[shout](HTTPS://EXAMPLE.ORG)") == "<p>\(Self.link("HTTPS://EXAMPLE.ORG", "shout"))</p>")
        #expect(Markdown.render("[mail](mailto:staff@example.org)") == "<p>\(Self.link("mailto:staff@example.org", "mail"))</p>")
        #expect(Markdown.render("[topic](/forums/t/42)") == "<p>\(Self.link("/forums/t/42", "topic"))</p>")
        #expect(Markdown.render("[below](#post-7)") == "<p>\(Self.link("#post-7", "below"))</p>")
        #expect(Markdown.render("[**bold** link](/a \"a title\")") == "<p>\(Self.link("/a", "<strong>bold</strong> link"))</p>")
        #expect(Markdown.render("[spaced](</a b>)") == "<p>\(Self.link("/a%20b", "spaced"))</p>")
        #expect(Markdown.render("[wiki](https://en.example/Foo_(bar))") == "<p>\(Self.link("https://en.example/Foo_(bar)", "wiki"))</p>")
    }

    @Test func autolinks() {
        #expect(Markdown.render("<https://example.org/x?a=1&b=2>") == "<p>\(Self.link("https://example.org/x?a=1&amp;b=2", "https://example.org/x?a=1&amp;b=2"))</p>")
        #expect(Markdown.render("<staff@example.org>") == "<p>\(Self.link("mailto:staff@example.org", "staff@example.org"))</p>")
        #expect(Markdown.render("<javascript:alert(1)>") == "<p>&lt;javascript:alert(1)&gt;</p>")
        #expect(Markdown.render("<data:text/html,x>") == "<p>&lt;data:text/html,x&gt;</p>")
    }

    @Test func linksDoNotNest() {
        #expect(Markdown.render("[a [b](/c) d](/e)") == "<p>[a \(Self.link("/c", "b")) d](/e)</p>")
        #expect(Markdown.render("[<https://x.example>](/y)") == "<p>\(Self.link("/y", "https://x.example"))</p>")
    }

    @Test(arguments: [
        "javascript:alert(1)", "JavaScript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "<java\tscript:alert(1)>",
        "<java\nscript:alert(1)>", "<\u{1}javascript:alert(1)>", "<javascript\u{7F}:alert(1)>", "<\u{C}javascript:alert(1)>",
        "javascript&#58;alert(1)", "javascript&colon;alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
        "file:///etc/passwd", "//evil.example/x", "/\\evil.example/x", "</ /evil.example>", "<\t//evil.example>", "relative/path", "?q=1",
        "ftp://example.org", "https://x.example/?next=javascript:alert(1)", "",
    ])
    func refusedLinksKeepOnlyTheirText(target: String) {
        let html = Markdown.render("[click me](\(target)) after")
        #expect(!html.contains("<a"))
        #expect(!html.contains("href"))
        #expect(html.contains("click me"))
        #expect(Self.markupProblems(in: html).isEmpty)
    }

    @Test func refusedLinkRendersAsTextExactly() {
        #expect(Markdown.render("[*click*](javascript:alert(1)) now") == "<p><em>click</em> now</p>")
        #expect(Markdown.render("[x](<java\tscript:alert(1)>)") == "<p>x</p>")
    }

    @Test func urlsCannotBreakOutOfTheAttribute() {
        #expect(
            Markdown.render(#"[x](https://x.example/"onmouseover="alert(1))"#)
                == "<p>\(Self.link("https://x.example/&quot;onmouseover=&quot;alert(1)", "x"))</p>"
        )
        #expect(
            Markdown.render(#"<https://x.example/"onmouseover="alert(1)>"#)
                == "<p>\(Self.link("https://x.example/&quot;onmouseover=&quot;alert(1)", "https://x.example/&quot;onmouseover=&quot;alert(1)"))</p>"
        )
        #expect(Markdown.render("[x](/a'onclick='b)") == "<p>\(Self.link("/a&#39;onclick=&#39;b", "x"))</p>")
        #expect(Markdown.render("[x](</a\"><script>>)") == "<p>[x](&lt;/a&quot;&gt;&lt;script&gt;&gt;)</p>")
    }

    // MARK: Images

    @Test func sameHostImagesOnly() {
        #expect(Markdown.render("![The logo](/static/logo.png)") == #"<p><img src="/static/logo.png" alt="The logo"></p>"#)
        #expect(Markdown.render("![*a* \"b\"](/x.png \"title\")") == #"<p><img src="/x.png" alt="a &quot;b&quot;"></p>"#)
        #expect(Markdown.render("![tracker](http://other.host/x.png)") == "<p>tracker</p>")
        #expect(Markdown.render("![tracker](https://other.host/x.png)") == "<p>tracker</p>")
        #expect(Markdown.render("![<b>](//other.host/x.png)") == "<p>&lt;b&gt;</p>")
        #expect(Markdown.render("![a](/\\other.host/x.png)") == "<p>a</p>")
        #expect(Markdown.render("![](data:image/png;base64,AAAA)") == "<p></p>")
        #expect(Markdown.render("![x](javascript:alert(1))") == "<p>x</p>")
        #expect(Markdown.render("[![icon](/i.png)](/page)") == "<p>\(Self.link("/page", #"<img src="/i.png" alt="icon">"#))</p>")
    }

    // MARK: Raw HTML

    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<a href=javascript:alert(1)>x</a>", "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;"),
        ("<iframe src=\"https://evil.example\"></iframe>", "&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;"),
        ("<style>body { display: none }</style>", "&lt;style&gt;body { display: none }&lt;/style&gt;"),
        ("<!-- comment --> <![CDATA[x]]>", "&lt;!-- comment --&gt; &lt;![CDATA[x]]&gt;"),
    ])
    func rawHTMLIsShownAsText(source: String, escaped: String) {
        #expect(Markdown.render(source) == "<p>\(escaped)</p>")
        #expect(Markdown.render("> \(source)") == "<blockquote>\n<p>\(escaped)</p>\n</blockquote>")
        #expect(Markdown.render("- *\(source)*") == "<ul>\n<li><em>\(escaped)</em></li>\n</ul>")
    }

    // MARK: Hostile input

    // The two heavy tests yield between documents: they share the cooperative thread pool with
    // other suites' servers, which must keep accepting connections meanwhile.
    @Test func pathologicalInputsRenderSafely() async {
        let size = 100_000
        let inputs: [String] = [
            String(repeating: "[", count: size), String(repeating: "]", count: size), String(repeating: "*", count: size),
            String(repeating: "_", count: size), String(repeating: ">", count: size), String(repeating: "`", count: size),
            String(repeating: "<", count: size), String(repeating: "\\", count: size), String(repeating: "!", count: size),
            "a" + String(repeating: "*", count: size) + "a",
            String(repeating: "> ", count: 10_000) + "<script>alert(1)</script>",
            String(repeating: "- ", count: 10_000) + "<script>",
            String(repeating: "*a**", count: size / 4), String(repeating: "_a", count: size / 2),
            String(repeating: "[](", count: size / 3), String(repeating: "[a](b \"", count: size / 7),
            String(repeating: "![", count: size / 2), String(repeating: "<a", count: size / 2),
            String(repeating: "`a``", count: size / 4), String(repeating: "[*_a_*](", count: size / 8),
            String(repeating: "~~a", count: size / 3), "[a](" + String(repeating: "(", count: size),
            String(repeating: "![", count: 20_000) + "x" + String(repeating: "](/a.png)", count: 20_000),
            String(repeating: "[", count: 20_000) + "x" + String(repeating: "](/a)", count: 20_000),
            "- a\n" + String(repeating: "b\n", count: size / 2), String(repeating: "- a\n\n", count: size / 5),
            String(repeating: "```\n", count: size / 4), String(repeating: "<script>", count: size / 8),
            (1...400).map { String(repeating: " ", count: $0) + "- x" }.joined(separator: "\n"),
            (1...400).map { String(repeating: ">", count: $0) + " <script>" }.joined(separator: "\n"),
        ]
        for input in inputs {
            await Task.yield()
            let html = Markdown.render(input)
            #expect(!html.contains("<script"))
            #expect(Self.markupProblems(in: html).isEmpty)
        }
        #expect(Markdown.render(String(repeating: "[", count: size)) == "<p>" + String(repeating: "[", count: size) + "</p>")
        #expect(Markdown.render(String(repeating: "<", count: size)) == "<p>" + String(repeating: "&lt;", count: size) + "</p>")
        #expect(Markdown.render(String(repeating: "*", count: size)) == "<hr>")
    }

    @Test func randomInputOnlyEverProducesAllowedMarkup() async {
        let pieces: [String] =
            "<>&\"'[]()!*_~`#\\/:-.1 \tabcxyz\n\n\n".map(String.init) + [
                "javascript:", "JaVaScRiPt:", "java\tscript:", "data:", "vbscript:", "http://x.example/", "https:", "mailto:",
                "//", "/\\", "<script>", "</script>", "<img src=x onerror=alert(1)>", "\" onmouseover=\"", "](", "![", "> ", "- ",
                "1. ", "```", "~~~", "&#58;", "&quot;", "\r\n", "\u{0}", "\u{1}", "é", "_x_", "**", "~~", "    ",
                // Link and image shapes, so that the generated posts often contain them.
                "[t](", "![i](", "](/", "](", ")", ")", "[t](/p)", "[t](javascript:alert(1))", "![i](/i.png)", "![i](//x.example/i.png)",
                "[t](<java\tscript:x>)", "<https://x.example/a>", "<javascript:x>", "<a@x.example>", "<http:", "(",
            ]
        var generator = XorShift(seed: 0x5EED_CAFE_F00D_BEEF)
        for index in 0..<2_000 {
            if index % 20 == 0 { await Task.yield() }
            let length = generator.below(120)
            var source = ""
            for _ in 0..<length { source += pieces[generator.below(pieces.count)] }
            let html = Markdown.render(source)
            let problems = Self.markupProblems(in: html)
            #expect(problems.isEmpty, "\(problems) for \(source.debugDescription) → \(html.debugDescription)")
        }
    }

    // MARK: Helpers

    /// A deterministic xorshift64 generator, so the random test is the same on every run.
    struct XorShift {
        var state: UInt64

        init(seed: UInt64) { self.state = seed == 0 ? 1 : seed }

        mutating func next() -> UInt64 {
            self.state ^= self.state << 13
            self.state ^= self.state >> 7
            self.state ^= self.state << 17
            return self.state
        }

        mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(bound)) }
    }

    static let containers: Set = ["p", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "del"]
    static let voids: Set = ["br", "hr", "img"]

    /// Everything wrong with `html` as the renderer's output: tags outside the allow-list,
    /// attributes other than a's href and rel and img's src and alt, unsafe link or image
    /// targets, unbalanced or nested links, and unescaped text.
    static func markupProblems(in html: String) -> [String] {
        var problems: [String] = []
        var open: [String] = []
        let bytes = Array(html.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                    problems.append("unclosed <")
                    break
                }
                let tag = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                problems += self.tagProblems(tag, open: &open)
                index = end + 1
                continue
            }
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                problems.append("unescaped \(Character(Unicode.Scalar(byte))) in text")
            }
            if byte == UInt8(ascii: "&") {
                let rest = String(decoding: bytes[index..<min(index + 6, bytes.count)], as: UTF8.self)
                if !["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(where: { rest.hasPrefix($0) }) {
                    problems.append("bare & in text")
                }
            }
            index += 1
        }
        if !open.isEmpty { problems.append("unclosed \(open)") }
        return problems
    }

    private static func tagProblems(_ tag: String, open: inout [String]) -> [String] {
        if tag.hasPrefix("/") {
            let name = String(tag.dropFirst())
            guard self.containers.contains(name) else { return ["closing tag </\(name)>"] }
            guard open.last == name else { return ["</\(name)> closes \(open.last ?? "nothing")"] }
            open.removeLast()
            return []
        }
        let name = String(tag.prefix { $0.isLetter || $0.isNumber })
        let attributes = tag.dropFirst(name.count)
        if attributes.isEmpty {
            guard self.containers.contains(name) || self.voids.contains(name), name != "a", name != "img" else { return ["tag <\(tag)>"] }
            if self.containers.contains(name) { open.append(name) }
            return []
        }
        let values = attributes.split(separator: "\"", omittingEmptySubsequences: false).map(String.init)
        switch name {
        case "a":
            guard values.count == 5, values[0] == " href=", values[2] == " rel=", values[3] == "nofollow noopener noreferrer",
                values[4].isEmpty
            else { return ["link <\(tag)>"] }
            if open.contains("a") { return ["nested link <\(tag)>"] }
            open.append(name)
            let href = self.unescaped(values[1]).lowercased().filter { !$0.isWhitespace && !($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }
            let allowed = ["http:", "https:", "mailto:", "#"].contains { href.hasPrefix($0) }
                || (href.hasPrefix("/") && !href.hasPrefix("//") && !href.hasPrefix("/\\"))
            return allowed && !href.contains("javascript:") ? [] : ["href \(href)"]
        case "img":
            guard values.count == 5, values[0] == " src=", values[2] == " alt=", values[4].isEmpty else { return ["image <\(tag)>"] }
            let source = self.unescaped(values[1])
            return source.hasPrefix("/") && !source.hasPrefix("//") && !source.hasPrefix("/\\") ? [] : ["src \(source)"]
        default:
            return ["tag <\(tag)>"]
        }
    }

    private static func unescaped(_ value: String) -> String {
        value.replacing("&quot;", with: "\"").replacing("&#39;", with: "'").replacing("&lt;", with: "<")
            .replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }
}
