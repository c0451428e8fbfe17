import Events
import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore
import WhatsApp

/// The webhook relay's events, exactly as docs/whatsapp-ingest.md ("Webhook relay") defines
/// them: types, streams, dedupe keys, headers and payloads.
public enum RelayEvents {
    /// A delivery is queued for one relay (appended with the delivery's own events).
    public static let queued = WhatsAppEventType.webhookRelayQueued
    /// One relay attempt's outcome: `delivered`, `failed` (retried) or `gave_up`.
    public static let relayed = WhatsAppEventType.webhookRelayed
    /// A relay was added or replaced (never with its secret).
    public static let configured = EventType.Relay.configured
    /// A relay was removed.
    public static let removed = EventType.Relay.removed
    /// The actor of the relay service's outcomes.
    public static let actor = "system:webhook-relay"
    /// The stream of configuration changes.
    public static let configStream = "config/relays"

    /// The actor of an authenticated delivery's events, `whatsapp:<app>`: the same as
    /// `WhatsAppIngest.actor(app:)` in Messaging, which this module does not import (a test
    /// holds the two together).
    static func deliveryActor(app: String) -> String { "whatsapp:\(app)" }

    /// A retained header as the ledger stores it: its JSON text.
    private static func text(_ header: JSONValue) throws -> String {
        String(decoding: try header.encoded(), as: UTF8.self)
    }

    /// `wa-relay/<relay name>`: a relay's queue and outcomes.
    public static func stream(relay: String) -> String { "wa-relay/\(relay)" }

    /// `wa:relay:<relay>:<body sha256>`: Meta's redelivery of the same bytes is queued once.
    public static func queuedDedupeKey(relay: String, bodySHA256: String) -> String { "wa:relay:\(relay):\(bodySHA256)" }

    /// `wa:relay-try:<relay>:<queued position>:<attempt>`: one `failed` per attempt.
    public static func attemptDedupeKey(relay: String, queuedPosition: Int64, attempt: Int) -> String {
        "wa:relay-try:\(relay):\(queuedPosition):\(attempt)"
    }

    /// `wa:relay-done:<relay>:<queued position>`: one final outcome (`delivered` or `gave_up`).
    public static func outcomeDedupeKey(relay: String, queuedPosition: Int64) -> String { "wa:relay-done:\(relay):\(queuedPosition)" }

    /// The `whatsapp.webhook.relay_queued` event of an authentic delivery for one relay: the
    /// exact body as payload (encrypted by the ledger like every payload).
    /// - Parameter phoneNumberIDs: the delivery's business numbers this relay serves.
    public static func queued(
        relay: String, body: [UInt8], bodySHA256: String, phoneNumberIDs: [String], app: String, contentType: String?,
        receivedAt: LedgerTimestamp
    ) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "relay": .string(relay), "body_sha256": .string(bodySHA256), "body_size": .integer(Int64(body.count)),
            "content_type": contentType.map { .string(String($0.prefix(200))) } ?? .null,
            "phone_number_ids": .array(phoneNumberIDs.sorted().map { .string(String($0.prefix(200))) }),
        ])
        return NewEvent(
            stream: stream(relay: relay), eventType: queued, occurredAt: receivedAt, actor: deliveryActor(app: app),
            dedupeKey: queuedDedupeKey(relay: relay, bodySHA256: bodySHA256), header: try text(header), payload: body
        )
    }

    /// The `whatsapp.webhook.relayed` event of one attempt at `relay`.
    static func relayed(_ relay: PendingRelay, outcome: RelayOutcome, at now: LedgerTimestamp) throws -> NewEvent {
        let retryAt: JSONValue = outcome.retryAt.map { .integer($0.microseconds) } ?? .null
        let members: [String: JSONValue] = [
            "v": .integer(1), "relay": .string(relay.relay), "queued_position": .integer(relay.queuedPosition),
            "outcome": .string(outcome.kind.rawValue), "http_status": outcome.httpStatus.map { .integer(Int64($0)) } ?? .null,
            "attempt": .integer(Int64(outcome.attempt)), "retry_at_us": retryAt, "detail": .string(String(outcome.detail.prefix(256))),
        ]
        var payload = members
        payload["response_excerpt"] = outcome.responseExcerpt.map { .string(String($0.prefix(1024))) } ?? .null
        let key =
            outcome.kind == .failed
            ? attemptDedupeKey(relay: relay.relay, queuedPosition: relay.queuedPosition, attempt: outcome.attempt)
            : outcomeDedupeKey(relay: relay.relay, queuedPosition: relay.queuedPosition)
        return NewEvent(
            stream: relay.stream, eventType: relayed, occurredAt: now, actor: actor, dedupeKey: key,
            header: try text(.object(members)), payload: try JSONValue.object(payload).encoded()
        )
    }

    /// The `relay.configured` event: what the relay is, never its secret.
    public static func configured(_ relay: WebhookRelay, replaced: Bool, actor: String, at now: LedgerTimestamp = .now()) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "relay": .string(relay.name), "phone_number_ids": .array(relay.phoneNumberIDs.map { .string($0) }),
            "url": .string(WebhookRelayClient.redacted(relay.url)), "enabled": .bool(relay.enabled), "replaced": .bool(replaced),
        ])
        let payload: JSONValue = .object([
            "v": .integer(1), "relay": .string(relay.name), "phone_number_ids": .array(relay.phoneNumberIDs.map { .string($0) }),
            "url": .string(relay.url), "enabled": .bool(relay.enabled), "replaced": .bool(replaced),
        ])
        return NewEvent(
            stream: configStream, eventType: configured, occurredAt: now, actor: actor, header: try text(header),
            payload: try payload.encoded()
        )
    }

    /// The `relay.removed` event.
    public static func removed(relay: String, actor: String, at now: LedgerTimestamp = .now()) throws -> NewEvent {
        let header: JSONValue = .object(["v": .integer(1), "relay": .string(relay)])
        return NewEvent(
            stream: configStream, eventType: removed, occurredAt: now, actor: actor, header: try text(header),
            payload: try header.encoded()
        )
    }
}
