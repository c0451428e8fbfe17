import Checkpoints
import Foundation
import KeyLookups
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperRuntime
import ServiceLifecycle
import WhatsApp
import Workers

/// What `serve` and `work` share: the configuration, the database (the embedded default or
/// `DATABASE_URL`), and the ledger store on its two pools.
struct ServiceProcess {
    let configuration: RecordkeeperConfiguration
    let runtime: Runtime
    let client: PostgresClient
    let store: LedgerStore

    /// Reads the configuration (failing before anything starts when it cannot be used), then
    /// prepares the database; `role` names the process in the start-up log.
    static func prepare(role: String, env: [String: String], logger: Logger) async throws -> ServiceProcess {
        let configuration = try RecordkeeperConfiguration.read(from: env, logName: try Runtime.logName())
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        if runtime.embedded != nil, let master = runtime.masterKey {
            // The embedded default signs checkpoints out of the box, as it generates its master key.
            try await withPostgresClient(runtime.service, logger: logger) { client in
                if try await SigningKeyStore.list(client: client, logger: logger).isEmpty {
                    let key = try await SigningKeyStore.create(client: client, masterKey: master, logger: logger)
                    logger.notice("created a checkpoint signing key; publish `recordkeeper keys public`", metadata: ["key_id": "\(key.id)"])
                }
            }
        }
        if configuration.workers.graph == nil {
            logger.warning("no WHATSAPP_ACCESS_TOKEN: media are recorded as pending and send requests wait, until a token is configured")
        }
        let client = PostgresClient(configuration: try runtime.service.clientConfiguration(), backgroundLogger: logger)
        // The append path has connections of its own: no worker or reader can starve it.
        let appendClient = PostgresClient(
            configuration: try runtime.service.clientConfiguration(maximumConnections: configuration.appendConnections), backgroundLogger: logger)
        // Reads by key whose plans are kept, on sessions steered so that they stay right.
        let keyLookups = KeyLookupPool(
            client: PostgresClient(
                configuration: KeyLookupPool.configuration(try runtime.service.clientConfiguration(maximumConnections: configuration.keyLookupConnections)),
                backgroundLogger: logger))
        let store = LedgerStore(
            client: client, appendClient: appendClient, keyLookups: keyLookups, masterKey: runtime.masterKey, limits: Runtime.appendLimits(),
            logger: logger)
        logger.notice(
            "recordkeeper \(role) starting",
            metadata: [
                "database": "\(runtime.service)",
                "master_key_id": "\(runtime.masterKey?.identifier ?? "none")",
                "embedded": "\(runtime.embedded != nil)",
            ]
        )
        return ServiceProcess(configuration: configuration, runtime: runtime, client: client, store: store)
    }

    /// Refuses the embedded default for a process that must share its database with others
    /// (`work`, `serve --no-workers`).
    /// - Throws: ``CLIError`` naming `DATABASE_URL` and why.
    static func requireExternalDatabase(_ env: [String: String], for command: String, because reason: String) throws {
        guard env["DATABASE_URL"].map({ !$0.isEmpty }) == true else { throw CLIError("\(command) needs DATABASE_URL: \(reason)") }
    }

    /// The database clients and the store, which every other service of the process uses.
    var databaseServices: [any Service] {
        [client] + [store.appendClient].filter { $0 !== client } + [store.keyLookups?.client].compactMap { $0 } + [store]
    }
}
