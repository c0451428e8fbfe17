import Foundation
public import Ledger
public import LedgerStore
public import Logging
import NIOCore
public import PostgresNIO

/// The `webhook_relays` table: relay configuration, secrets sealed under the master key
/// (``SealedSecret``, purpose `webhook-relay:<name>`). Every change is also a ledger event
/// (`relay.configured`, `relay.removed` on stream `config/relays`), appended after the row is
/// written.
public enum WebhookRelayStore {
    /// The longest secret accepted, in bytes.
    public static let maximumSecretBytes = 1024

    static func purpose(_ name: String) -> String { "webhook-relay:\(name)" }

    /// Adds (or with `replace`, replaces) a relay and records `relay.configured` in `ledger`.
    /// - Returns: whether an existing relay was replaced.
    /// - Throws: ``WebhookRelayConfigError`` (an existing name without `replace`, an empty or
    ///   over-long secret), ``LedgerStoreError/noMasterKey``, or a database error.
    @discardableResult
    public static func save(
        _ relay: WebhookRelay, secret: String, replace: Bool, store: LedgerStore, ledger: String, actor: String
    ) async throws -> Bool {
        guard let master = store.masterKey else { throw LedgerStoreError.noMasterKey }
        try checkSecret(secret)
        let sealed = try SealedSecret.seal(Array(secret.utf8), purpose: purpose(relay.name), master: master)
        let rows = try await store.client.query(
            """
            INSERT INTO webhook_relays (name, phone_number_ids, url, enabled, master_key_id, sealed_secret)
            VALUES (\(relay.name), \(relay.phoneNumberIDs), \(relay.url), \(relay.enabled), \(master.identifier), \(ByteBuffer(bytes: sealed)))
            ON CONFLICT (name) DO UPDATE
                SET phone_number_ids = EXCLUDED.phone_number_ids, url = EXCLUDED.url, enabled = EXCLUDED.enabled,
                    master_key_id = EXCLUDED.master_key_id, sealed_secret = EXCLUDED.sealed_secret, updated_at = now()
                WHERE \(replace)
            RETURNING (xmax <> 0) AS replaced
            """, logger: store.logger
        ).collect()
        guard let replaced = try rows.first?.decode(Bool.self) else { throw WebhookRelayConfigError.alreadyExists(relay.name) }
        _ = try await store.append(try RelayEvents.configured(relay, replaced: replaced, actor: actor), to: ledger)
        return replaced
    }

    /// Removes a relay and records `relay.removed` in `ledger`. Deliveries already queued for it
    /// are given up by the relay service.
    /// - Throws: ``WebhookRelayConfigError/notFound(_:)``, or a database error.
    public static func remove(_ name: String, store: LedgerStore, ledger: String, actor: String) async throws {
        let rows = try await store.client.query("DELETE FROM webhook_relays WHERE name = \(name) RETURNING name", logger: store.logger).collect()
        guard !rows.isEmpty else { throw WebhookRelayConfigError.notFound(name) }
        _ = try await store.append(try RelayEvents.removed(relay: name, actor: actor), to: ledger)
    }

    /// Every relay, by name, without secrets.
    public static func list(client: PostgresClient, logger: Logger) async throws -> [WebhookRelay] {
        try await rows(client: client, logger: logger).map(\.relay)
    }

    /// Every relay with its secret unsealed (for the webhook path and the relay service).
    /// A relay whose secret does not open with `master` is left out and logged.
    public static func targets(client: PostgresClient, master: MasterKey, logger: Logger) async throws -> [WebhookRelayTarget] {
        var targets: [WebhookRelayTarget] = []
        for row in try await rows(client: client, logger: logger) {
            guard row.masterKeyID == master.identifier,
                let secret = try? SealedSecret.open(row.sealed, purpose: purpose(row.relay.name), master: master)
            else {
                logger.error(
                    "webhook relay secret does not open with the configured master key: the relay is skipped",
                    metadata: ["relay": "\(row.relay.name)", "sealed_by": "\(row.masterKeyID)", "configured": "\(master.identifier)"])
                continue
            }
            targets.append(WebhookRelayTarget(relay: row.relay, secret: String(decoding: secret, as: UTF8.self)))
        }
        return targets
    }

    /// Re-seals every relay secret sealed by `old` under `new` (part of a master key rotation,
    /// on its transaction).
    public static func rewrap(connection: PostgresConnection, from old: MasterKey, to new: MasterKey, logger: Logger) async throws {
        let rows = try await connection.query(
            "SELECT name, sealed_secret FROM webhook_relays WHERE master_key_id = \(old.identifier) ORDER BY name FOR UPDATE", logger: logger)
        var updates: [(String, [UInt8])] = []
        for try await (name, sealed) in rows.decode((String, ByteBuffer).self) {
            let secret = try SealedSecret.open(Array(sealed.readableBytesView), purpose: purpose(name), master: old)
            updates.append((name, try SealedSecret.seal(secret, purpose: purpose(name), master: new)))
        }
        for (name, sealed) in updates {
            try await connection.perform(
                """
                UPDATE webhook_relays SET sealed_secret = \(ByteBuffer(bytes: sealed)), master_key_id = \(new.identifier), rewrapped_at = now()
                WHERE name = \(name)
                """, logger: logger)
        }
    }

    static func checkSecret(_ secret: String) throws {
        guard !secret.isEmpty else { throw WebhookRelayConfigError.invalidSecret("it is empty") }
        guard secret.utf8.count <= maximumSecretBytes else {
            throw WebhookRelayConfigError.invalidSecret("it is longer than \(maximumSecretBytes) bytes")
        }
    }

    private struct Row {
        var relay: WebhookRelay
        var masterKeyID: String
        var sealed: [UInt8]
    }

    private static func rows(client: PostgresClient, logger: Logger) async throws -> [Row] {
        let rows = try await client.query(
            "SELECT name, phone_number_ids, url, enabled, created_at, updated_at, master_key_id, sealed_secret FROM webhook_relays ORDER BY name",
            logger: logger)
        var result: [Row] = []
        for try await (name, numbers, url, enabled, created, updated, masterID, sealed) in rows.decode(
            (String, [String], String, Bool, Date, Date, String, ByteBuffer).self)
        {
            guard let relay = try? WebhookRelay(name: name, phoneNumberIDs: numbers, url: url, enabled: enabled, createdAt: created, updatedAt: updated)
            else {
                logger.error("webhook relay row does not fit the rules: skipped", metadata: ["relay": "\(name)"])
                continue
            }
            result.append(Row(relay: relay, masterKeyID: masterID, sealed: Array(sealed.readableBytesView)))
        }
        return result
    }
}
