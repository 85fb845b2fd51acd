import Foundation
import Testing

@testable import HavenAPI
@testable import HavenCore

/// The hand-written JSON of the forums' hot paths is byte for byte what JSONEncoder writes.
@Suite struct JSONOutputTests {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    static let awkward = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\"\\/é😀\u{7f}\u{2028} <b>&amp;</b> مرحبا 你好"

    static func post(_ index: Int, optionals: Bool) -> ForumPost {
        ForumPost(
            id: UUID(), topicId: UUID(), authorId: optionals ? UUID() : nil, authorName: optionals ? "Amina \(index) " + Self.awkward : nil,
            pseudonymous: optionals ? true : nil, mine: optionals ? index % 2 == 0 : nil,
            replyTo: optionals ? UUID() : nil, html: "<p>Post \(index)</p>\n" + Self.awkward, state: PostState.allCases[index % 5],
            moderationReason: optionals ? "Because" : nil, version: index, createdAt: Date(timeIntervalSince1970: 1_700_000_000.999 + Double(index)),
            editedAt: optionals ? Date(timeIntervalSince1970: 86_399.5) : nil,
            reactions: optionals ? ["thanks": 2, "like": 10, "support": 1] : [:], myReactions: optionals ? ["like", "thanks"] : [],
            bookmarked: optionals, source: optionals ? Self.awkward : nil
        )
    }

    static func topic(optionals: Bool) -> ForumTopic {
        ForumTopic(
            id: UUID(), categoryId: UUID(), title: "Title " + Self.awkward, language: "ar", authorId: optionals ? UUID() : nil,
            authorName: optionals ? "Omar" : nil, pseudonymous: optionals ? true : nil, mine: optionals ? false : nil, state: "published", mergedInto: optionals ? UUID() : nil, locked: optionals, pinned: !optionals,
            createdAt: Date(timeIntervalSince1970: 0), lastPostedAt: Date(timeIntervalSince1970: 4_102_444_799.9), replyCount: 49, unread: optionals
        )
    }

    @Test(arguments: [true, false]) func topicPagesMatchJSONEncoder(optionals: Bool) throws {
        let page = TopicPage(topic: Self.topic(optionals: optionals), posts: (0..<7).map { Self.post($0, optionals: optionals || $0 % 2 == 0) },
                             next: optionals ? "123" : nil)
        var output = JSONOutput()
        page.write(to: &output)
        #expect(String(decoding: output.bytes, as: UTF8.self) == String(decoding: try Self.encoder().encode(page), as: UTF8.self))
        let empty = TopicPage(topic: Self.topic(optionals: optionals), posts: [], next: nil)
        var emptyOutput = JSONOutput()
        empty.write(to: &emptyOutput)
        #expect(String(decoding: emptyOutput.bytes, as: UTF8.self) == String(decoding: try Self.encoder().encode(empty), as: UTF8.self))
    }

    @Test func topicListsMatchJSONEncoder() throws {
        for page in [Page(items: [Self.topic(optionals: true), Self.topic(optionals: false)], next: "1.42"), Page<ForumTopic>(items: [], next: nil)] {
            var output = JSONOutput()
            page.write(to: &output)
            #expect(String(decoding: output.bytes, as: UTF8.self) == String(decoding: try Self.encoder().encode(page), as: UTF8.self))
        }
    }
}
