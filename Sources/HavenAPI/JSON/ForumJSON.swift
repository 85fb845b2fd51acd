import HavenCore

// The topic page and topic lists, the forums' hot paths, written without JSONEncoder. Keys in
// sorted order; `JSONOutputTests` compares each with JSONEncoder's output.

extension ForumTopic: JSONWritable {
    func write(to output: inout JSONOutput) {
        output.object { output in
            output.field("author_id", self.authorId)
            output.field("author_name", self.authorName)
            output.field("category_id", self.categoryId)
            output.field("created_at", self.createdAt)
            output.field("id", self.id)
            output.field("language", self.language)
            output.field("last_posted_at", self.lastPostedAt)
            output.field("locked", self.locked)
            output.field("merged_into", self.mergedInto)
            output.field("mine", self.mine)
            output.field("pinned", self.pinned)
            output.field("pseudonymous", self.pseudonymous)
            output.field("reply_count", self.replyCount)
            output.field("state", self.state)
            output.field("title", self.title)
            output.field("unread", self.unread)
        }
    }
}

extension ForumPost: JSONWritable {
    func write(to output: inout JSONOutput) {
        output.object { output in
            output.field("author_id", self.authorId)
            output.field("author_name", self.authorName)
            output.field("bookmarked", self.bookmarked)
            output.field("created_at", self.createdAt)
            output.field("edited_at", self.editedAt)
            output.field("html", self.html)
            output.field("id", self.id)
            output.field("mine", self.mine)
            output.field("moderation_reason", self.moderationReason)
            output.key("my_reactions")
            output.array(self.myReactions) { $0.string($1) }
            output.field("pseudonymous", self.pseudonymous)
            output.key("reactions")
            output.object { output in
                for (kind, count) in self.reactions.sorted(by: { $0.key < $1.key }) {
                    output.key(text: kind)
                    output.int(count)
                }
            }
            output.field("reply_to", self.replyTo)
            output.field("source", self.source)
            output.field("state", self.state.rawValue)
            output.field("topic_id", self.topicId)
            output.field("version", self.version)
        }
    }
}

extension TopicPage: JSONWritable {
    func write(to output: inout JSONOutput) {
        output.object { output in
            output.field("next", self.next)
            output.key("posts")
            output.array(self.posts) { $1.write(to: &$0) }
            output.key("topic")
            self.topic.write(to: &output)
        }
    }
}

extension Page: JSONWritable where Item: JSONWritable {
    func write(to output: inout JSONOutput) {
        output.object { output in
            output.key("items")
            output.array(self.items) { $1.write(to: &$0) }
            output.field("next", self.next)
        }
    }
}
