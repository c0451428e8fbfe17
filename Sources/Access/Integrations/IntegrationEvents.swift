import Events
import Ledger
public import LedgerStore
import RecordkeeperCore

/// The ledger events of integrations: an integration added (a token issued) and revoked.
///
/// Both go to stream ``stream`` with the operator as actor. Headers and payloads name the
/// integration and the token's id (the first 8 bytes of its SHA-256, in hex), never the token.
public enum IntegrationEvents {
    /// `integration.added`: an integration was added and its token shown once.
    public static let added = EventType.Integration.added
    /// `integration.revoked`: the integration's token no longer opens the proxy.
    public static let revoked = EventType.Integration.revoked
    /// The stream of both.
    public static let stream = "config/integrations"

    /// `integration.added` for the row `integration` (dedupe key `integration:added:<row id>`).
    public static func addedEvent(_ integration: Integration, actor: String) throws -> NewEvent {
        try event(type: added, integration: integration, actor: actor, at: integration.createdAt, dedupe: "integration:added:\(integration.rowID)")
    }

    /// `integration.revoked` for the row `integration` (dedupe key `integration:revoked:<row id>`).
    public static func revokedEvent(_ integration: Integration, actor: String) throws -> NewEvent {
        try event(
            type: revoked, integration: integration, actor: actor, at: integration.revokedAt ?? .now(),
            dedupe: "integration:revoked:\(integration.rowID)")
    }

    private static func event(type: String, integration: Integration, actor: String, at time: LedgerTimestamp, dedupe: String) throws -> NewEvent {
        let fields: [String: JSONValue] = [
            "v": .integer(1), "name": .string(integration.name), "token_id": .string(integration.tokenID),
        ]
        var payload = fields
        payload["created_at_us"] = .integer(integration.createdAt.microseconds)
        if let revokedAt = integration.revokedAt { payload["revoked_at_us"] = .integer(revokedAt.microseconds) }
        return NewEvent(
            stream: stream, eventType: type, occurredAt: time, actor: actor, dedupeKey: dedupe,
            header: String(decoding: try JSONValue.object(fields).encoded(), as: UTF8.self),
            payload: try JSONValue.object(payload).encoded())
    }
}
