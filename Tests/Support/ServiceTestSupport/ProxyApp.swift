package import Access
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
package import LedgerStore
import NIOCore
package import NIOHTTP1
import PostgresNIO
package import RecordkeeperCore
import Server
package import TestSupport
package import WhatsApp
import Workers

/// The real application, served on loopback, with the recording proxy forwarding to `graph`.
/// `test` gets the proxy's root URL (`http://127.0.0.1:PORT/graph`). `serviceURL` replaces the
/// database's service connection (e.g. a closed port). `credentials` is the app's credential
/// watch, for a test that must wait until a change made elsewhere is heard.
package func withProxyApp<T: Sendable>(
    _ db: ScratchDatabase, serviceURL: DatabaseURL? = nil, graph: GraphAPIConfiguration?, credentials: CredentialWatch = CredentialWatch(),
    _ test: @escaping @Sendable (String) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: try (serviceURL ?? db.service).clientConfiguration(), backgroundLogger: testLogger)
    let store = LedgerStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger)
    let app = RecordkeeperServer.makeApplication(
        configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store, migrations: try ScratchDatabase.migrations(),
        projections: WorkerSet.projections,
        media: graph, conversations: ConversationSettings(adminToken: nil, ledger: "main"), credentials: credentials, logger: testLogger)
    // `.ahc`, not `.live`: the live client opens a connection at once that this harness never
    // uses, and a reset of that idle connection (seen once under CI load) failed the test at
    // shutdown although every check had passed. AsyncHTTPClient connects only when asked.
    return try await app.test(.ahc(.http)) { client in
        guard let port = client.port else { throw TestSetupError("the live test server reported no port") }
        return try await test("http://127.0.0.1:\(port)/graph")
    }
}

/// Adds an integration directly through the registry (what `integrations add` does).
package func addIntegration(_ db: ScratchDatabase, name: String) async throws -> IntegrationToken {
    try await ScratchDatabase.withClient(db.service) { client in
        try await LedgerStore.withStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger) { store in
            try await IntegrationRegistry(store: store, ledger: "main", logger: testLogger).add(name: name, actor: "test").1
        }
    }
}

/// Revokes an integration directly through the registry.
package func revokeIntegration(_ db: ScratchDatabase, name: String) async throws {
    try await ScratchDatabase.withClient(db.service) { client in
        try await LedgerStore.withStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger) { store in
            _ = try await IntegrationRegistry(store: store, ledger: "main", logger: testLogger).revoke(name: name, actor: "test")
        }
    }
}

/// Every record of the `main` ledger of a test database.
package func mainRecords(_ db: ScratchDatabase) async throws -> [LedgerRecord] {
    try await ScratchDatabase.withClient(db.service) { client in
        try await LedgerStore.withStore(client: client, masterKey: ScratchDatabase.masterKey, logger: testLogger) { store in
            guard try await store.ledgers().contains(where: { $0.name == "main" }) else { return [] }
            var records: [LedgerRecord] = []
            for try await record in store.records(ledger: "main") { records.append(record) }
            return records
        }
    }
}

/// An HTTP answer as a client sees it, with its exact body bytes.
package struct RawAnswer: Sendable {
    package var status: Int
    package var contentType: String?
    package var headers: HTTPHeaders
    package var body: [UInt8]

    package var json: JSONValue? { try? JSONValue.parse(body) }
}

/// Sends one request with AsyncHTTPClient over real loopback HTTP.
package func rawRequest(
    _ method: HTTPMethod, _ url: String, token: String?, contentType: String? = "application/json", body: [UInt8]? = nil
) async throws -> RawAnswer {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    if let contentType, body != nil { request.headers.add(name: "Content-Type", value: contentType) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 8 * 1024 * 1024)
    return RawAnswer(
        status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), headers: response.headers,
        body: Array(bytes.readableBytesView))
}
