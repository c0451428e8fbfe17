import Events
import Foundation
public import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// Builds `retention.filing_rules.set`: stream `config/retention-filing`, the actor who loaded
/// the rules, header `{"v":1,"rules":[ids],"digest":…}` (kept for ever), payload the rule set's
/// canonical JSON (``FilingRules/canonicalJSON()``; its SHA-256 is the digest).
public enum FilingRulesEvents {
    /// The stream of the filing rule sets.
    public static let stream = "config/retention-filing"

    /// The event recording `rules`.
    /// - Parameter after: the position of the rule set it replaces (0: none): its dedupe key, so
    ///   that of two loads over the same rule set only one is recorded.
    public static func set(_ rules: FilingRules, after: Int64, actor: String, occurredAt: LedgerTimestamp = .now()) throws -> NewEvent {
        let payload = try rules.canonicalJSON()
        let header: JSONValue = .object([
            "v": .integer(1), "rules": .array(rules.rules.map { .string($0.id) }), "digest": .string(LedgerDigest.sha256(payload).hex),
        ])
        return NewEvent(
            stream: stream, eventType: EventType.Retention.filingRulesSet, occurredAt: occurredAt, actor: actor,
            dedupeKey: "retention:filing-rules:after:\(after)", header: String(decoding: try header.encoded(), as: UTF8.self), payload: payload)
    }
}

/// The `retention_filing_rules` projection (migration 0018): every `retention.filing_rules.set`
/// of a ledger; the rules in force are the latest. The agency's rules, never a citizen's words.
public struct FilingRulesProjection: Projection {
    public let name = "retention_filing_rules"
    public let version = 1
    public let eventTypes: Set<String> = [EventType.Retention.filingRulesSet]
    public let payloadTypes: Set<String> = [EventType.Retention.filingRulesSet]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard case .bytes(let bytes)? = record.payload, let json = try? JSONValue.parse(bytes), (try? FilingRules(json: json)) != nil
            else {
                logger.warning("skipping a retention.filing_rules.set whose payload cannot be read", metadata: ["position": "\(fields.position)"])
                continue
            }
            let text = String(decoding: try json.encoded(), as: UTF8.self)
            try await connection.perform(
                """
                INSERT INTO retention_filing_rules (ledger_id, position, digest, actor, set_at_us, rules)
                VALUES (\(ledger.id), \(fields.position), \(LedgerDigest.sha256(bytes).hex), \(fields.actor),
                    \(fields.occurredAt.microseconds), \(text)::jsonb)
                ON CONFLICT (ledger_id, position) DO NOTHING
                """, logger: logger)
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM retention_filing_rules WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
