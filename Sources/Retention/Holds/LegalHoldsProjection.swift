import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The `retention_holds` projection (migration 0019): one row per legal hold, from the payloads
/// of `retention.hold.placed` (the whole hold) and `retention.hold.released` (the reason).
public struct LegalHoldsProjection: Projection {
    /// The projection's name in `projection_state`.
    public static let projectionName = "retention_holds"
    public let name = Self.projectionName
    public let version = 1
    public let eventTypes: Set<String> = [EventType.Retention.holdPlaced, EventType.Retention.holdReleased]
    public let payloadTypes: Set<String> = [EventType.Retention.holdPlaced, EventType.Retention.holdReleased]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard fields.stream == LegalHoldEvents.stream, case .bytes(let bytes)? = record.payload, let payload = try? JSONValue.parse(bytes),
                let hold = payload.text("hold"), let role = payload.text("role")
            else {
                logger.warning("retention: skipping a hold event whose payload cannot be read", metadata: ["position": "\(fields.position)"])
                continue
            }
            if fields.eventType == EventType.Retention.holdPlaced {
                guard let type = payload.text("type").flatMap(LegalHoldType.init(rawValue:)), let matter = payload.text("matter"),
                    let custodian = payload.text("custodian"), let reason = payload.text("reason"),
                    let scope = payload["scope"].flatMap(LegalHoldScope.init(json:))
                else {
                    logger.warning("retention: skipping a retention.hold.placed that does not fit", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await connection.perform(
                    """
                    INSERT INTO retention_holds (ledger_id, hold_id, type, placed_position, placed_at_us, placed_by, placed_role, matter,
                        custodian, reason, conversations, citizens, business_numbers, teams, from_at_us, to_at_us)
                    VALUES (\(ledger.id), \(hold), \(type.rawValue), \(fields.position), \(fields.occurredAt.microseconds), \(fields.actor),
                        \(role), \(matter), \(custodian), \(reason), \(scope.conversations), \(scope.citizens), \(scope.businessNumbers),
                        \(scope.teams), \(scope.from.map { LedgerTimestamp($0).microseconds }), \(scope.to.map { LedgerTimestamp($0).microseconds }))
                    ON CONFLICT (ledger_id, hold_id) DO NOTHING
                    """, logger: logger)
            } else {
                try await connection.perform(
                    """
                    UPDATE retention_holds SET released_position = \(fields.position), released_at_us = \(fields.occurredAt.microseconds),
                        released_by = \(fields.actor), released_role = \(role), release_reason = \(payload.text("reason") ?? "")
                    WHERE ledger_id = \(ledger.id) AND hold_id = \(hold) AND released_position IS NULL
                    """, logger: logger)
            }
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM retention_holds WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
