import ArgumentParser
import Foundation
import HavenCore
import HavenSchema
import PostgresClient

/// `haven dev seed-forums`: fill the forums with invented content for benchmarks and demonstrations.
struct SeedForumsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-forums",
        abstract: "Add invented authors, topics and posts in the six languages (never on a database with real members)."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Topics to create.")
    var topics = 10_000

    @Option(help: "Posts to create, first posts included.")
    var posts = 1_000_000

    @Option(help: "Invented authors to create.")
    var authors = 500

    @Flag(help: "Apply pending migrations first.")
    var migrate = false

    func run() async throws {
        let configuration = try await self.database.configuration()
        let logger = configuration.makeLogger(label: "haven.seed")
        try await configuration.withPool(size: 2, logger: logger) { pool in
            if self.migrate {
                try await HavenSchema.migrator().migrate(on: pool)
            } else {
                try await HavenSchema.migrator().verify(on: pool)
            }
            let started = ContinuousClock.now
            let seeder = ForumSeeder(topics: self.topics, posts: self.posts, authors: self.authors)
            let summary = try await seeder.run(on: pool) { done, total in
                ProgressBar.draw(done: done, total: total, label: "posts")
            }
            FileHandle.standardError.write(Data("\n".utf8))
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            print("Seeded \(summary.topics.count) topics and \(self.posts) posts by \(summary.authors.count) authors in \(Int(seconds)) s.")
        }
    }
}
