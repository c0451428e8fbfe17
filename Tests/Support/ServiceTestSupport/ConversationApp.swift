import Hummingbird
package import HummingbirdTesting
package import LedgerStore
package import Messaging
import PostgresNIO
package import Server
package import TestSupport
package import WhatsApp
import Workers

/// Builds the real application over the test database's service role, with the conversations
/// API configured, and runs `test` against its router.
package func withConversationApp<T: Sendable>(
    _ db: ScratchDatabase, token: String?, runProjections: Bool = false, whatsApp: WhatsAppWebhookSettings? = nil,
    media: GraphAPIConfiguration? = nil, bootstrapToken: String? = nil, runClassifier: Bool = false, setup: TestingSetup = .router,
    _ test: @escaping @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: try db.service.clientConfiguration(), backgroundLogger: testLogger)
    let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
    let directory = TestStaff.directory(store)
    let background = testBackground(
        client: client, store: store, workers: runProjections ? WorkerSet.Settings(ledger: "main", graph: media, runClassifier: runClassifier) : nil)
    let app = RecordkeeperServer.makeApplication(
        configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store, migrations: try ScratchDatabase.migrations(),
        projections: WorkerSet.projections,
        whatsApp: whatsApp, media: media, conversations: ConversationSettings(adminToken: bootstrapToken, ledger: "main"), relays: background.relays,
        staff: directory, background: background.services, logger: testLogger)
    return try await app.test(setup) { client in
        // The staff user is created once the service (and its store) runs.
        guard let token else { return try await test(client) }
        let issued = try await TestStaff.token(store)
        return try await TestStaff.$tokens.withValue([token: issued]) { try await test(client) }
    }
}

/// The API ids of the test app (``ConversationIDCodec`` under the test database's master key).
package let testConversationIDs = ConversationIDCodec(masterKey: ScratchDatabase.masterKey)

/// The API id of an internal conversation id, as the test app gives it.
package func apiID(_ id: String) -> String { testConversationIDs.apiID(id) }

/// A runner of the service's projections over a store.
package func makeRunner(_ store: LedgerStore) -> ProjectionRunner {
    ProjectionRunner(store: store, projections: WorkerSet.projections, logger: testLogger)
}
