import Logging
import PostgresNIO

/// Something that runs a query and streams its rows: the pool, or one connection (to read
/// inside a transaction that already holds one, instead of leasing a second from the pool).
protocol RowQuerying: Sendable {
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: RowQuerying {
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: RowQuerying {
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}
