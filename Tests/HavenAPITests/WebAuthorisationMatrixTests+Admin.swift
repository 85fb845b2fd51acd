import Foundation

/// The moderation queue (staff) and the administration pages (administrators).
extension WebAuthorisationMatrixTests {
    static let admin: [String: Row] = [
        "get /web/moderation": staff,
        "post /web/moderation/posts/{postId}/decision": staff,
        "post /web/moderation/documents/{documentId}/versions/{version}/decision": staff,
        "post /web/moderation/flags/{flagId}/resolve": staff,
        "get /web/admin": administrators,
        "get /web/admin/accounts": administrators,
        "get /web/admin/accounts/{accountId}": administrators,
        "post /web/admin/accounts/{accountId}/disable": administrators,
        "post /web/admin/accounts/{accountId}/enable": administrators,
        "post /web/admin/accounts/{accountId}/role": administrators,
        "get /web/admin/invitations": administrators,
        "post /web/admin/invitations": administrators,
        "get /web/admin/audit": administrators,
        "get /web/admin/outbox": administrators,
        "get /web/admin/organisations": administrators,
        "post /web/admin/organisations/{organisationId}/approve": administrators,
        "post /web/admin/organisations/{organisationId}/suspend": administrators,
        "get /web/admin/groups": administrators,
        "post /web/admin/groups": administrators,
        "post /web/admin/groups/{groupId}/members": administrators,
        "post /web/admin/groups/{groupId}/members/remove": administrators,
        "get /web/admin/categories": administrators,
        "post /web/admin/categories": administrators,
    ]
}
