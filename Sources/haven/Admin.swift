import ArgumentParser
import Foundation
import HavenCore

/// `haven admin …`: staff tasks from the command line, for the first administrator.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration from the command line.",
        subcommands: [AdminInvite.self, AdminCreateAdmin.self, AdminRotateMasterKey.self, AdminOutbox.self]
    )
}

/// `haven admin invite`: invite someone (the first administrator, typically) and print the link.
struct AdminInvite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Invite an account and print its single-use acceptance token (shown here only)."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var secrets: SecretOptions

    @Option(help: "Email address to invite.")
    var email: String

    @Option(help: "member, moderator or administrator.")
    var role: String = "administrator"

    @Option(name: .customLong("public-url"), help: "The address users reach Haven at. Default: http.public_url, else https://127.0.0.1:8080.")
    var publicURL: String?

    func run() async throws {
        let configuration = try await self.database.configuration(self.secrets)
        guard let role = Role(rawValue: self.role) else { throw ValidationError("--role must be member, moderator or administrator") }
        try await configuration.withAccounts(publicURL: self.publicURL ?? configuration.effectivePublicURL) { accounts in
            let (invitation, token) = try await accounts.invite(email: self.email, role: role, by: nil)
            print("Invited \(invitation.email) as \(role.rawValue); the invitation expires \(invitation.expiresAt.formatted(.iso8601)).")
            print("Accept it within that time with this single-use token (it is not shown again):")
            print("  \(token.text)")
            print("e.g. POST \(self.publicURL ?? configuration.effectivePublicURL)/invitations/accept {\"token\": \"…\", \"display_name\": \"…\", \"password\": \"…\"}")
        }
    }
}

/// `haven admin create-admin`: the first administrator of a new installation.
struct AdminCreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "On a new installation (no accounts yet), invite the first administrator and print the one-time token."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var secrets: SecretOptions

    @Option(help: "Email address of the first administrator.")
    var email: String

    @Option(name: .customLong("public-url"), help: "The address users reach Haven at. Default: http.public_url, else https://127.0.0.1:8080.")
    var publicURL: String?

    func run() async throws {
        let configuration = try await self.database.configuration(self.secrets)
        try await configuration.withAccounts(publicURL: self.publicURL ?? configuration.effectivePublicURL) { accounts in
            guard let token = try await accounts.bootstrapInvitation(email: self.email) else {
                throw ValidationFailure(AdminError.notEmpty)
            }
            print("Invited \(self.email) as the first administrator. Accept within 7 days with this single-use token (not shown again):")
            print("  \(token.text)")
            print("POST \(self.publicURL ?? configuration.effectivePublicURL)/invitations/accept {\"token\": \"…\", \"display_name\": \"…\", \"password\": \"…\"}, then enrol two-factor authentication.")
        }
    }
}

enum AdminError: Error, CustomStringConvertible {
    case notEmpty

    var description: String {
        "this installation already has an account or an open invitation; administrators invite others with `haven admin invite`"
    }
}
