public import Foundation
import Ledger
public import LedgerStore
import PostgresNIO

/// One staff access as auditors list it.
public struct AccessLogEntry: Sendable, Equatable, Codable {
    public var position: Int64
    public var user: String
    /// `viewed` or `denied`.
    public var outcome: String
    public var action: String
    public var route: String
    public var records: [String]
    public var masked: [Int64]
    public var reason: String?
    public var breakGlass: Bool
    public var credential: String
    public var occurredAtUs: Int64

    enum CodingKeys: String, CodingKey {
        case position, user, outcome, action, route, records, masked, reason, credential
        case breakGlass = "break_glass"
        case occurredAtUs = "occurred_at_us"
    }
}

/// Lists the access log (the `access_log` projection), newest first.
public struct AccessLogQueries: Sendable {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    /// Accesses by `user` and/or of `record` (`conversation:<id>`, `media:<id>`, `message:<position>`),
    /// newest first; `before` is the position to continue below (the previous page's last).
    /// A record filter on a conversation also finds its messages shown by searches.
    public func entries(
        ledger name: String, user: String?, record: String?, since: Date?, until: Date?, before: Int64?, limit: Int
    ) async throws -> [AccessLogEntry] {
        let ledger = try await store.ledger(named: name, create: false)
        let sinceUs = since.map { Int64($0.timeIntervalSince1970 * 1_000_000) }
        let untilUs = until.map { Int64($0.timeIntervalSince1970 * 1_000_000) }
        let rows = try await store.client.query(
            """
            SELECT position, user_name, outcome, action, route, records, masked, reason, break_glass, credential, occurred_at_us
            FROM access_log
            WHERE ledger_id = \(ledger.id)
              AND (\(user)::text IS NULL OR user_name = \(user))
              AND (\(record)::text IS NULL OR records @> ARRAY[\(record)::text])
              AND (\(sinceUs)::int8 IS NULL OR occurred_at_us >= \(sinceUs))
              AND (\(untilUs)::int8 IS NULL OR occurred_at_us < \(untilUs))
              AND (\(before)::int8 IS NULL OR position < \(before))
            ORDER BY position DESC LIMIT \(limit)
            """, logger: store.logger)
        var entries: [AccessLogEntry] = []
        for try await (position, user, outcome, action, route, records, masked, reason, breakGlass, credential, occurred) in rows.decode(
            (Int64, String, String, String, String, [String], [Int64], String?, Bool, String, Int64).self)
        {
            entries.append(
                AccessLogEntry(
                    position: position, user: user, outcome: outcome, action: action, route: route, records: records, masked: masked,
                    reason: reason, breakGlass: breakGlass, credential: credential, occurredAtUs: occurred))
        }
        return entries
    }
}
