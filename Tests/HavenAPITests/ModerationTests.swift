import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Moderation end to end: the queue, approval (with edits), rejection with a reason, reports,
/// hiding and restoring, and topic upkeep; every decision in the audit log.
@Suite struct ModerationTests {
    /// New members' first post waits for a moderator.
    static func moderated() -> ForumsConfiguration {
        var configuration = lenientForums()
        configuration.trustedAfterApprovedPosts = 1
        return configuration
    }

    static func auditActions(_ server: TestServer) async throws -> [String] {
        try await server.services.pool.query("SELECT action FROM audit_log WHERE action LIKE 'forum.%' ORDER BY position")
            .map { try $0.decode(column: 0, as: String.self) }
    }

    @Test func untrustedPostsWaitForAModeratorWhoApprovesEditsOrRejectsWithAReason() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: Self.moderated()) { server in
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")

                let (topic, first, created) = try await amina.startTopic(in: category, title: "Youth mentoring", body: "Draft: zebrafinch method")
                #expect((created.json["topic"] as? [String: Any])?["state"] as? String == "pending")
                // Only its author and moderators see a pending topic; search never finds it.
                #expect(try await omar.send("GET", "/forums/topics/\(topic)").status == 404)
                #expect(try await omar.send("GET", "/forums/posts/\(first)").status == 404)
                #expect((try await omar.send("GET", "/forums/categories/\(category)/topics").json["items"] as? [Any])?.isEmpty == true)
                for client in [omar, amina, moderator] { #expect(try await client.search(["q": "zebrafinch"]).ids.isEmpty) }
                #expect(try await amina.send("GET", "/forums/topics/\(topic)").status == 200)
                let mine = try await amina.send("GET", "/forums/submissions")
                #expect((mine.json["items"] as? [[String: Any]])?.map { $0["state"] as? String } == ["pending"])
                #expect(try await omar.send("POST", "/forums/topics/\(topic)/posts", json: ["body": "hi"]).status == 404)

                // The queue: staff only, oldest first, with counts.
                #expect(try await amina.send("GET", "/moderation/queue").status == 403)
                let queue = try await moderator.send("GET", "/moderation/queue")
                #expect((queue.json["counts"] as? [String: Int]) == ["pending_topics": 1, "pending_replies": 0, "open_flags": 0], "\(queue.text)")
                let queued = try #require((queue.json["posts"] as? [[String: Any]])?.first)
                #expect(queued["post_id"] as? String == first && queued["new_topic"] as? Bool == true && queued["author_name"] as? String == "Amina")

                // Edit and approve: published as the moderator wrote it.
                let approved = try await moderator.send(
                    "POST", "/moderation/posts/\(first)/decision", json: ["decision": "approve", "body": "Mentoring method, edited", "version": 1]
                )
                #expect(approved.status == 204, "\(approved.text)")
                #expect(try await moderator.send("POST", "/moderation/posts/\(first)/decision", json: ["decision": "approve"]).status == 409)
                let page = try await omar.send("GET", "/forums/topics/\(topic)")
                #expect(page.status == 200)
                #expect((page.json["posts"] as? [[String: Any]])?.first?["html"] as? String == "<p>Mentoring method, edited</p>")
                // One approved post makes Amina trusted: her reply goes straight out.
                #expect(try await amina.replyIn(topic, "Thanks for the edit").reply.json["state"] as? String == "published")

                // Omar is new: his reply waits, and is rejected with a reason he can read.
                let (answer, waiting) = try await omar.replyIn(topic, "Buy cheap watches")
                #expect(waiting.json["state"] as? String == "pending")
                #expect(try await amina.postIDs(in: topic).count == 2, "Amina does not see Omar's pending reply")
                #expect(try await moderator.postIDs(in: topic).count == 3, "moderators see everything")
                let noReason = try await moderator.send("POST", "/moderation/posts/\(answer)/decision", json: ["decision": "reject"])
                #expect(noReason.status == 422)
                #expect(try await moderator.send(
                    "POST", "/moderation/posts/\(answer)/decision", json: ["decision": "reject", "reason": "Advertising is off-topic here."]
                ).status == 204)
                let rejected = try await omar.send("GET", "/forums/submissions")
                let entry = try #require((rejected.json["items"] as? [[String: Any]])?.first)
                #expect(entry["state"] as? String == "rejected" && entry["moderation_reason"] as? String == "Advertising is off-topic here.")
                #expect(try await amina.send("GET", "/forums/posts/\(answer)").status == 404)
                #expect(try await moderator.send("POST", "/moderation/posts/\(answer)/decision", json: ["decision": "reject", "reason": "x"]).status == 409)
                #expect(try await moderator.send("POST", "/moderation/posts/\(UUID().uuidString)/decision", json: ["decision": "approve"]).status == 404)
                #expect(try await moderator.send("POST", "/moderation/posts/\(answer)/decision", json: ["decision": "maybe"]).status == 422)

                #expect(try await Self.auditActions(server) == ["forum.post-approve", "forum.post-reject"])
                // The reason is free text (it may name people): it stays on the post, never in the
                // unchangeable audit log.
                let details = try await server.services.pool.query(
                    "SELECT details->>'reason' FROM audit_log WHERE action = 'forum.post-reject'"
                ).first?.decode(column: 0, as: String?.self)
                #expect(details == .some(nil))
            }
        }
    }

    @Test func aPremoderatedCategoryHoldsEvenTrustedMembers() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let created = try await admin.send(
                    "POST", "/forums/categories", json: ["slug": "sensitive-cases", "names": ["en": "Sensitive cases"], "premoderated": true]
                )
                let category = try #require(created.json["id"] as? String)
                let (_, _, reply) = try await amina.startTopic(in: category, title: "A case", body: "Details")
                #expect((reply.json["topic"] as? [String: Any])?["state"] as? String == "pending")
                let (_, _, staffReply) = try await admin.startTopic(in: category, title: "Staff note", body: "Details")
                #expect((staffReply.json["topic"] as? [String: Any])?["state"] as? String == "published", "moderators are not held")
            }
        }
    }

    @Test func reportsReachTheQueueAndModeratorsHideRestoreLockPinMoveAndMerge() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("rehabilitation-and-reintegration")
                let other = try await server.category("humanitarian-and-civic-space")
                let (topic, _, _) = try await amina.startTopic(in: category, title: "Reintegration", body: "Programme notes")
                let (post, _) = try await amina.replyIn(topic, "Names of participants: …")

                // Omar reports it; a bad reason is refused; reporting twice counts once.
                #expect(try await omar.send("POST", "/forums/posts/\(post)/flags", json: ["reason": "boring"]).status == 422)
                #expect(try await omar.send("POST", "/forums/posts/\(post)/flags", json: ["reason": "personal-data", "note": "Names"]).status == 204)
                #expect(try await omar.send("POST", "/forums/posts/\(post)/flags", json: ["reason": "personal-data"]).status == 204)
                let queue = try await moderator.send("GET", "/moderation/queue")
                #expect((queue.json["counts"] as? [String: Int])?["open_flags"] == 1)
                let flag = try #require((queue.json["flags"] as? [[String: Any]])?.first)
                #expect(flag["reason"] as? String == "personal-data" && flag["note"] as? String == "Names")
                let omarID = try await omar.accountID().uuidString
                #expect(!queue.text.contains("Omar") && !queue.text.contains(omarID), "reporters stay anonymous")
                let flagID = try #require(flag["flag_id"] as? String)
                #expect(try await moderator.send("POST", "/moderation/flags/\(flagID)/resolve", json: ["resolution": "post-hidden"]).status == 422, "a reason for the author")
                #expect(try await moderator.send(
                    "POST", "/moderation/flags/\(flagID)/resolve", json: ["resolution": "post-hidden", "note": "It names participants."]
                ).status == 204)
                #expect(try await moderator.send("POST", "/moderation/flags/\(flagID)/resolve", json: ["resolution": "dismissed"]).status == 409)
                #expect(try await omar.send("GET", "/forums/posts/\(post)").status == 404)
                let hidden = try await amina.send("GET", "/forums/posts/\(post)")
                #expect(hidden.json["state"] as? String == "hidden" && hidden.json["moderation_reason"] as? String == "It names participants.")
                #expect(try await moderator.send("POST", "/moderation/posts/\(post)/restore").status == 204)
                #expect(try await omar.send("GET", "/forums/posts/\(post)").status == 200)
                #expect(try await moderator.send("POST", "/moderation/posts/\(post)/hide", json: ["reason": ""]).status == 422)

                // Lock: members cannot reply; moderators can. Pin: first in the listing.
                _ = try await amina.startTopic(in: category, title: "Newer topic", body: "Later")
                #expect(try await omar.send("PATCH", "/moderation/topics/\(topic)", json: ["locked": true]).status == 403)
                let locked = try await moderator.send("PATCH", "/moderation/topics/\(topic)", json: ["locked": true, "pinned": true])
                #expect(locked.status == 200 && locked.json["locked"] as? Bool == true, "\(locked.text)")
                let refused = try await omar.replyIn(topic, "Me too").reply
                #expect(refused.status == 409 && refused.json["type"] as? String == "urn:haven:problem:topic-locked")
                #expect(try await amina.send("PATCH", "/forums/posts/\(post)", json: ["body": "x", "version": 1]).status == 403)
                #expect(try await moderator.replyIn(topic, "Locked: see the guidelines.").reply.status == 201)
                let listing = try await omar.send("GET", "/forums/categories/\(category)/topics")
                #expect((listing.json["items"] as? [[String: Any]])?.first?["id"] as? String == topic, "pinned first")

                // Move, then merge another topic into it.
                #expect(try await moderator.send("PATCH", "/moderation/topics/\(topic)", json: ["category_id": other]).json["category_id"] as? String == other.uppercased())
                #expect(try await omar.search(["q": "programme", "category": other]).ids.count == 1)
                let (second, secondPost, _) = try await omar.startTopic(in: category, title: "Same subject", body: "Duplicate question")
                #expect(try await moderator.send("POST", "/moderation/topics/\(second)/merge", json: ["into": second]).status == 422)
                #expect(try await moderator.send("POST", "/moderation/topics/\(second)/merge", json: ["into": topic]).status == 204)
                let merged = try await omar.send("GET", "/forums/topics/\(second)")
                #expect((merged.json["topic"] as? [String: Any])?["state"] as? String == "merged")
                #expect((merged.json["topic"] as? [String: Any])?["merged_into"] as? String == topic)
                #expect(try await omar.postIDs(in: topic).contains(secondPost))

                #expect(try await Self.auditActions(server) == [
                    "forum.post-hide", "forum.flag-resolve", "forum.post-restore", "forum.topic-lock", "forum.topic-pin", "forum.topic-move",
                    "forum.topic-merge",
                ])
            }
        }
    }
}
