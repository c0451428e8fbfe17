public import Access

/// Who may call a route, for ``AccessControlMiddleware``.
public enum RouteAccess: Sendable, Hashable {
    /// Anyone: health, the OpenAPI document, the published checkpoint, signing in.
    case open
    /// Meta's webhook: authenticated by its own signature.
    case webhook
    /// The Graph proxy: authenticated by an integration token.
    case integration
    /// Staff: the action is decided by ``AccessPolicy`` for the caller's roles.
    case staff(StaffAction)
}

/// The access of every route of the service, keyed `METHOD /path/{template}`: the one table
/// the access control reads. A `/v1` route missing here is refused to everyone (and
/// `AccessMatrixTests` fails), so a new route cannot be open by accident.
public enum AccessRoutes {
    public static let table: [String: RouteAccess] = [
        "GET /healthz": .open,
        "GET /readyz": .open,
        "GET /openapi.json": .open,
        "GET /webhooks/whatsapp": .webhook,
        "POST /webhooks/whatsapp": .webhook,
        "POST /graph/{version}/{id}/messages": .integration,
        "POST /graph/{version}/{id}/media": .integration,
        "GET /graph/{version}/{id}": .integration,
        "GET /v1/ledgers/{ledger}/checkpoint": .open,
        "GET /v1/ledgers/{ledger}/proofs/inclusion": .staff(.ledgerRead),
        "GET /v1/ledgers/{ledger}/proofs/consistency": .staff(.ledgerRead),
        "GET /v1/ledgers/{ledger}/entries/{position}": .staff(.ledgerRead),
        "GET /v1/conversations": .staff(.conversationsList),
        "GET /v1/conversations/{id}": .staff(.conversationRead),
        "GET /v1/conversations/{id}/messages": .staff(.messagesRead),
        "POST /v1/conversations/{id}/messages": .staff(.messageSend),
        "PUT /v1/conversations/{id}/messages/{position}/classification": .staff(.classificationOverride),
        "GET /v1/sends/{position}": .staff(.sendStatusRead),
        "POST /v1/media": .staff(.mediaUpload),
        "GET /v1/media/{media_id}": .staff(.mediaDownload),
        "GET /v1/automation-rules": .staff(.automationManage),
        "PUT /v1/automation-rules": .staff(.automationManage),
        "GET /v1/search": .staff(.contentSearch),
        "GET /v1/access": .staff(.accessLogRead),
        "POST /v1/session": .open,
        "GET /v1/session": .staff(.sessionSelf),
        "DELETE /v1/session": .staff(.sessionSelf),
        "GET /v1/staff/users": .staff(.staffRead),
        "POST /v1/staff/users": .staff(.staffManage),
        "PUT /v1/staff/users/{name}/roles/{role}": .staff(.staffManage),
        "DELETE /v1/staff/users/{name}/roles/{role}": .staff(.staffManage),
        "PUT /v1/staff/users/{name}/teams/{team}": .staff(.staffManage),
        "DELETE /v1/staff/users/{name}/teams/{team}": .staff(.staffManage),
        "PUT /v1/staff/users/{name}/clearance": .staff(.staffManage),
        "GET /v1/staff/tokens": .staff(.staffRead),
        "POST /v1/staff/tokens": .staff(.staffManage),
        "DELETE /v1/staff/tokens/{token_id}": .staff(.staffManage),
        "GET /v1/analytics": .staff(.analyticsRead),
        "GET /metrics": .staff(.metricsRead),
        "GET /v1/inbox": .staff(.inboxRead),
        "POST /v1/conversations/{id}/assignment": .staff(.conversationAssign),
        "POST /v1/conversations/{id}/state": .staff(.conversationStateChange),
        "GET /v1/conversations/{id}/notes": .staff(.notesRead),
        "POST /v1/conversations/{id}/notes": .staff(.noteAdd),
        "POST /v1/conversations/{id}/read": .staff(.conversationMarkRead),
        "GET /v1/routing/rules": .staff(.routingManage),
        "PUT /v1/routing/rules": .staff(.routingManage),
    ]

    /// The access of a route; nil when the table does not name it.
    public static func access(method: String, path: String) -> RouteAccess? {
        table["\(method) \(path)"]
    }
}
