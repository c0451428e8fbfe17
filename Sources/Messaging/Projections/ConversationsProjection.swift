import Events
public import LedgerStore
public import Logging
public import PostgresNIO

/// The `conversations` projection: one conversation per business number × citizen, the
/// identities linked to it, and a timeline of its messages with their delivery status.
///
/// Reads `whatsapp.message.received`, the outbound `message.send.requested` / `.accepted` /
/// `.failed` and `whatsapp.status.updated` (docs/whatsapp-ingest.md). An outbound message is on
/// the timeline from its request (status `requested`), takes its wamid and `accepted` (or Meta's
/// `message_status`) from its acceptance, `failed` and Meta's error code from a failure, and
/// the webhook statuses after that. Rows hold metadata only: message ids,
/// types, directions, times, statuses, identifiers and the profile name. Message content stays
/// in the ledger, encrypted; ``ConversationQueries`` reads it from there.
///
/// Statuses follow ``DeliveryStatus``: they never downgrade. A status is kept by message id
/// whether or not its message has been seen, so an outbound message recorded after its
/// statuses shows them at once.
///
/// A batch costs a few statements however many entries it holds (issue 17): its rows are read
/// once, its entries applied in memory in position order with the rules above, and what changed
/// written with one multi-row statement per table.
public struct ConversationsProjection: Projection {
    public let name = "conversations"
    public let version = 2
    public let eventTypes: Set<String> = [
        ContractEvent.messageReceived, ContractEvent.statusUpdated, ContractEvent.sendRequested, ContractEvent.sendAccepted,
        ContractEvent.sendFailed,
    ]
    /// Outbound events are read from their headers: their payloads (request bodies, Meta's answers)
    /// are never decrypted here.
    public let payloadTypes: Set<String> = [ContractEvent.messageReceived, ContractEvent.statusUpdated]

    /// Counts the projection's statements when set (a test's measure of round trips per batch).
    let counter: StatementCounter?

    public init() { counter = nil }

    /// A projection that counts every statement it sends in `counter`.
    package init(counting counter: StatementCounter) { self.counter = counter }

    /// Applies a batch with a few statements whatever its size: reads the rows its entries name,
    /// applies the entries in memory in position order (``ConversationBatch``), writes what
    /// changed with one statement per table (``ConversationBatchWriter``).
    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        let entries = records.compactMap { ConversationEntry($0, logger: logger) }
        guard !entries.isEmpty else { return }
        let sql = ConversationStatements(connection: connection, logger: logger, counter: counter)
        var batch = try await ConversationBatchReader(ledger: ledger, sql: sql).read(for: entries)
        for entry in entries { batch.apply(entry) }
        if !batch.mergedInto.isEmpty {
            logger.debug("linking conversations", metadata: ["merged": "\(batch.mergedInto.mapValues { batch.resolved($0) })"])
        }
        try await ConversationBatchWriter(ledger: ledger, sql: sql).write(batch)
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["conversations", "conversation_streams", "conversation_identities", "conversation_messages", "conversation_statuses"] {
            try await connection.perform(
                PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ledger_id = $1", binds: ledgerBinds(ledger)), logger: logger
            )
        }
    }
}

/// `$1` = the ledger id, for statements whose table name is spliced in.
package func ledgerBinds(_ ledger: LedgerRef) -> PostgresBindings {
    var binds = PostgresBindings(capacity: 1)
    binds.append(ledger.id)
    return binds
}
