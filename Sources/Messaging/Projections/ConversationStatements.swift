import LedgerStore
import Logging
import PostgresNIO
import Synchronization

/// Counts the SQL statements the conversations projection sends (each one round trip): how a
/// test measures what a batch costs. Give one to ``ConversationsProjection/init(counting:)``.
package final class StatementCounter: Sendable {
    private let value = Atomic<Int>(0)

    package init() {}

    /// The statements sent so far.
    package var count: Int { value.load(ordering: .relaxed) }

    func add() { value.wrappingAdd(1, ordering: .relaxed) }
}

/// The conversations projection's way to the database: the runner's connection (its
/// transaction), counting every statement it sends.
struct ConversationStatements {
    let connection: PostgresConnection
    let logger: Logger
    let counter: StatementCounter?

    /// Runs a statement that returns rows.
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        counter?.add()
        return try await connection.query(query, logger: logger)
    }

    /// Runs a statement and consumes its result.
    func perform(_ query: PostgresQuery) async throws {
        counter?.add()
        try await connection.perform(query, logger: logger)
    }
}
