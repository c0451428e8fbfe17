public import Logging
public import PostgresNIO

extension PostgresClient {
    /// Runs a statement and consumes its result, so that an error the server raises while
    /// executing it (after describing its columns) is thrown here rather than lost.
    public func perform(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresConnection {
    /// Runs a statement and consumes its result; see ``PostgresNIO/PostgresClient/perform(_:logger:)``.
    public func perform(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}
