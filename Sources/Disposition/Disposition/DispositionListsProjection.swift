import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore
import Retention

/// The `retention_disposition` projection (migration 0020): the disposition lists of
/// `retention/disposition` in `retention_disposition_lists`, their records and the decisions on
/// them in `retention_disposition_items`, their approvals in `retention_disposition_approvals`.
/// Whether a listed record was destroyed is read from `retention_records` (not stored twice).
public struct DispositionListsProjection: Projection {
    public let name = "retention_disposition"
    public let version = 1
    public let eventTypes: Set<String> = [
        EventType.Retention.dispositionListed, EventType.Retention.dispositionReviewed, EventType.Retention.dispositionApproved,
        EventType.Retention.recordsTransferred,
    ]
    public let payloadTypes: Set<String> = [EventType.Retention.dispositionListed, EventType.Retention.dispositionReviewed]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard fields.stream == DispositionEvents.stream, let header = try? JSONValue.parse(Array(fields.header.utf8)),
                let list = header["list"]?.string
            else { continue }
            var payload: JSONValue?
            if case .bytes(let bytes)? = record.payload { payload = try? JSONValue.parse(bytes) }
            let ids = (payload?["record_ids"]?.array ?? []).compactMap { $0.string.flatMap(RetentionRecordID.init) }
            switch fields.eventType {
            case EventType.Retention.dispositionListed:
                guard let series = header["series"]?.string, let action = header["action"]?.string, let digest = header["digest"]?.string,
                    let count = header["records"]?.integer, payload != nil
                else {
                    logger.warning("retention: skipping a disposition list that cannot be read", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await connection.perform(
                    """
                    INSERT INTO retention_disposition_lists (ledger_id, list, position, series, action, review, records, digest, listed_by, listed_at_us)
                    VALUES (\(ledger.id), \(list), \(fields.position), \(series), \(action), \(payload?["review"]?.bool ?? false), \(Int32(count)),
                        \(digest), \(fields.actor), \(fields.occurredAt.microseconds))
                    ON CONFLICT (ledger_id, list) DO NOTHING
                    """, logger: logger)
                try await connection.perform(
                    """
                    INSERT INTO retention_disposition_items (ledger_id, list, stream, period, state)
                    SELECT \(ledger.id), \(list), s, p, 'listed' FROM unnest(\(ids.map(\.stream))::text[], \(ids.map(\.period))::text[]) AS u(s, p)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            case EventType.Retention.dispositionReviewed:
                guard let decision = header["decision"]?.string.flatMap(DispositionEvents.Decision.init(rawValue:)), payload != nil else {
                    logger.warning("retention: skipping a disposition review that cannot be read", metadata: ["position": "\(fields.position)"])
                    continue
                }
                let until = payload?["until"]?.string.flatMap { ISO8601DateFormatter().date(from: $0) }.map { LedgerTimestamp($0).microseconds }
                if decision == .defer, until == nil {
                    logger.warning("retention: skipping a deferral without a date", metadata: ["position": "\(fields.position)"])
                    continue
                }
                try await connection.perform(
                    """
                    UPDATE retention_disposition_items i SET state = \(decision.itemState), reason = \(payload?["reason"]?.string),
                        until_us = \(decision == .defer ? until : nil), reviewed_position = \(fields.position), reviewed_by = \(fields.actor)
                    FROM unnest(\(ids.map(\.stream))::text[], \(ids.map(\.period))::text[]) AS u(s, p)
                    WHERE i.ledger_id = \(ledger.id) AND i.list = \(list) AND i.stream = u.s AND i.period = u.p
                    """, logger: logger)
            case EventType.Retention.dispositionApproved:
                guard let approval = header["approval"]?.integer, let required = header["required"]?.integer else { continue }
                try await connection.perform(
                    """
                    INSERT INTO retention_disposition_approvals (ledger_id, position, list, actor, approval, required, approved_at_us)
                    VALUES (\(ledger.id), \(fields.position), \(list), \(fields.actor), \(Int32(approval)), \(Int32(required)),
                        \(fields.occurredAt.microseconds))
                    ON CONFLICT (ledger_id, position) DO NOTHING
                    """, logger: logger)
            case EventType.Retention.recordsTransferred:
                try await connection.perform(
                    """
                    UPDATE retention_disposition_lists SET transferred_position = \(fields.position), archives = \(header["archives"]?.string)
                    WHERE ledger_id = \(ledger.id) AND list = \(list) AND transferred_position IS NULL
                    """, logger: logger)
            default:
                continue
            }
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["retention_disposition_approvals", "retention_disposition_items", "retention_disposition_lists"] {
            try await connection.perform("DELETE FROM \(unescaped: table) WHERE ledger_id = \(ledger.id)", logger: logger)
        }
    }
}
