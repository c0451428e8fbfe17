import Foundation
import Hummingbird
package import HummingbirdTesting
package import Ledger
import LedgerStore
import NIOCore
import PostgresNIO
package import SchemaMigrator
package import Server
import TestSupport
import Workers

/// `/healthz` as a client reads it.
package struct HealthBody: Decodable {
    package var status: String
    package var version: String
}

/// `/readyz` as a client reads it (the wire names, spelled out).
package struct ReadyBody: Decodable {
    package var ready: Bool
    package var database: String
    package var pendingMigrations: [Int]

    package enum CodingKeys: String, CodingKey {
        case ready, database
        case pendingMigrations = "pending_migrations"
    }
}

extension TestResponse {
    /// The body decoded as JSON.
    package func json<T: Decodable>(_ type: T.Type) throws -> T {
        let text = String(buffer: body)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw TestSetupError("the body is not the expected JSON (\(T.self)): \(error); body: \(text)")
        }
    }
}

/// Builds the real application (`RecordkeeperServer.makeApplication`) over a PostgresClient and a
/// LedgerStore for `databaseURL`, and runs `test` against its router (the client and the store
/// run as the application's services, as in `serve`). The classifier is off: tests here count the
/// entries deliveries make.
package func withRecordkeeperApp<T: Sendable>(
    databaseURL: String, migrations: [Migration], masterKey: MasterKey? = nil,
    whatsApp: WhatsAppWebhookSettings? = nil, adminToken: String? = nil, setup: TestingSetup = .router,
    _ test: @escaping @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: try DatabaseURL(databaseURL).clientConfiguration(), backgroundLogger: testLogger)
    let store = LedgerStore(client: client, masterKey: masterKey, logger: testLogger)
    let background = testBackground(client: client, store: store, workers: WorkerSet.Settings(runClassifier: false, runRouter: false))
    let app = RecordkeeperServer.makeApplication(
        configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
        client: client, store: store, migrations: migrations, projections: WorkerSet.projections, whatsApp: whatsApp,
        conversations: ConversationSettings(adminToken: adminToken), relays: background.relays, background: background.services, logger: testLogger
    )
    return try await app.test(setup, test)
}
