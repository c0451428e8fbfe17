import Events
import Foundation
public import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The event type of the schedule catalog (docs/records-officer.md, "Loading a catalog").
public enum RetentionEventType {
    /// A version of the schedule catalog was loaded.
    public static let catalogLoaded = EventType.Retention.catalogLoaded
}

/// Builds `retention.catalog.loaded`: stream `config/retention`, the actor who loaded it, header
/// `{"v":1,"name":…,"version":…,"digest":…,"series":[citations],"supersedes":[citations]}`
/// (kept for ever, whatever is destroyed), payload the catalog's canonical JSON
/// (``RetentionCatalog/canonicalJSON()``; its SHA-256 is the digest).
public enum RetentionCatalogEvents {
    /// The stream of the catalog versions.
    public static let stream = "config/retention"

    /// The event recording `catalog`, which supersedes the series `supersedes` (citations).
    /// - Parameter after: the position of the catalog version it was compared with (0: none):
    ///   its dedupe key, so that of two loads compared with the same version only one is recorded.
    public static func loaded(
        _ catalog: RetentionCatalog, supersedes: [String], after: Int64, actor: String, occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        let payload = try catalog.canonicalJSON()
        let header: JSONValue = .object([
            "v": .integer(1), "name": .string(catalog.name), "version": .string(catalog.version),
            "digest": .string(LedgerDigest.sha256(payload).hex),
            "series": .array(catalog.series.map { .string($0.citation) }),
            "supersedes": .array(supersedes.map(JSONValue.string)),
        ])
        return NewEvent(
            stream: stream, eventType: RetentionEventType.catalogLoaded, occurredAt: occurredAt, actor: actor,
            dedupeKey: "retention:catalog:after:\(after)", header: String(decoding: try header.encoded(), as: UTF8.self), payload: payload)
    }
}

/// The `retention_catalog` projection: every `retention.catalog.loaded` of a ledger in table
/// `retention_catalogs` (the one in force is the latest), and every series any version held in
/// `retention_series`, with the version that superseded it. The catalog is the agency's schedule,
/// never a citizen's words.
public struct RetentionCatalogProjection: Projection {
    public let name = "retention_catalog"
    public let version = 1
    public let eventTypes: Set<String> = [RetentionEventType.catalogLoaded]
    public let payloadTypes: Set<String> = [RetentionEventType.catalogLoaded]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard case .bytes(let bytes)? = record.payload, let json = try? JSONValue.parse(bytes), let catalog = try? RetentionCatalog(json: json),
                let header = try? JSONValue.parse(Array(fields.header.utf8))
            else {
                logger.warning("skipping a retention.catalog.loaded whose payload cannot be read", metadata: ["position": "\(fields.position)"])
                continue
            }
            let supersedes = header["supersedes"]?.array?.compactMap(\.string) ?? []
            let digest = LedgerDigest.sha256(bytes).hex
            let text = String(decoding: try json.encoded(), as: UTF8.self)
            try await connection.perform(
                """
                INSERT INTO retention_catalogs (ledger_id, position, name, version, digest, actor, loaded_at_us, catalog)
                VALUES (\(ledger.id), \(fields.position), \(catalog.name), \(catalog.version), \(digest), \(fields.actor),
                    \(fields.occurredAt.microseconds), \(text)::jsonb)
                ON CONFLICT (ledger_id, position) DO NOTHING
                """, logger: logger)
            for series in catalog.series {
                let seriesText = String(decoding: try series.json.encoded(), as: UTF8.self)
                try await connection.perform(
                    """
                    INSERT INTO retention_series (ledger_id, citation, dan, revision, loaded_position, series)
                    VALUES (\(ledger.id), \(series.citation), \(series.dan), \(series.revision), \(fields.position), \(seriesText)::jsonb)
                    ON CONFLICT (ledger_id, citation) DO UPDATE SET series = EXCLUDED.series
                    """, logger: logger)
            }
            if !supersedes.isEmpty {
                try await connection.perform(
                    """
                    UPDATE retention_series SET superseded_by_position = \(fields.position)
                    WHERE ledger_id = \(ledger.id) AND citation = ANY(\(supersedes)) AND superseded_by_position IS NULL
                    """, logger: logger)
            }
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM retention_series WHERE ledger_id = \(ledger.id)", logger: logger)
        try await connection.perform("DELETE FROM retention_catalogs WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}
