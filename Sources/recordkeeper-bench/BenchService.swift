import Access
import Foundation
import KeyLookups
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperRuntime
import Server
import WhatsApp
import Workers

/// The service as `serve` runs it (pages, API, webhook, the projections and the inbox router;
/// the classifier off), in-process on 127.0.0.1 over the benchmark's ledger, for the benchmarks
/// that drive it over HTTP (`read`, `web`, `projections`).
struct BenchService: Sendable {
    /// `http://127.0.0.1:<port>`.
    let base: String
    let store: LedgerStore
    let directory: StaffDirectory
    /// This run's suffix for names (staff, teams, wamids).
    let run: String
    /// The webhook app secret deliveries of this run are signed with.
    let secret: String
    /// This process's resident memory when the service had started (``ProcessMemory/ended()``
    /// reads the end).
    let memory: ProcessMemory

    /// Starts the service, runs `body` against it, and stops it.
    static func with<T: Sendable>(_ context: BenchContext, _ body: @escaping @Sendable (BenchService) async throws -> T) async throws -> T {
        let (runtime, logger, ledger) = (context.runtime, context.logger, context.ledger)
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let secret = SystemRandomNumberGenerator.randomHex(24)
        _ = try await withLedgerStore(runtime, maximumConnections: 2, logger: logger) { try await $0.ledger(named: ledger) }
        let client = PostgresClient(configuration: try runtime.service.clientConfiguration(), backgroundLogger: logger)
        let lookups = KeyLookupPool(
            client: PostgresClient(
                configuration: KeyLookupPool.configuration(try runtime.service.clientConfiguration(maximumConnections: 8)), backgroundLogger: logger))
        let store = LedgerStore(client: client, keyLookups: lookups, masterKey: runtime.masterKey, limits: Runtime.appendLimits(), logger: logger)
        var quiet = logger
        quiet.logLevel = .warning
        var webhook = WhatsAppWebhookSettings(verifyToken: nil, secrets: [.init(app: "bench", secret: secret)], ledger: ledger)
        webhook.commitTimeout = .seconds(30)
        let directory = StaffDirectory(store: store, ledger: ledger, logger: quiet)
        let announcer = BenchIngest.portAnnouncer()
        let background = Background(
            workers: WorkerSet.Settings(ledger: ledger, runClassifier: false), running: true, client: client, store: store, logger: quiet)
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), client: client, store: store, migrations: runtime.migrations,
            projections: WorkerSet.projections, whatsApp: webhook, conversations: ConversationSettings(ledger: ledger), relays: background.relays,
            staff: directory, background: background.services, logger: quiet, onServerRunning: announcer.announce)
        return try await BenchIngest.withServer(app, port: announcer.port) { port in
            try await body(
                BenchService(base: "http://127.0.0.1:\(port)", store: store, directory: directory, run: run, secret: secret, memory: .starting()))
        }
    }
}
