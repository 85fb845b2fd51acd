@testable import HavenCore
import Testing

@Suite struct MentionTests {
    @Test func mentionsAreNamesAfterAnAtSignNotAddresses() {
        #expect(Forums.mentionedNames(in: "Thanks @Amina, and @[Omar Haddad]!") == ["amina", "omar haddad"])
        #expect(Forums.mentionedNames(in: "write to amina@example.org") == [])
        #expect(Forums.mentionedNames(in: "@ alone, @[] empty, @[unclosed") == [])
        #expect(Forums.mentionedNames(in: "(@ليلى) and @张伟.") == ["ليلى", "张伟"])
        #expect(Forums.mentionedNames(in: "@amina @AMINA @Amina") == ["amina"])
        let many = (0..<20).map { "@name\($0)" }.joined(separator: " ")
        #expect(Forums.mentionedNames(in: many).count == 10)
    }
}
