import Checkpoints
import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperRuntime
import ServiceLifecycle
import WhatsApp
import Workers

/// What `serve` and `work` share: the database (the embedded default or `DATABASE_URL`), the
/// ledger store on its two pools, and the workers' settings read from the environment.
struct ServiceProcess {
    let runtime: Runtime
    let client: PostgresClient
    let store: LedgerStore
    /// The workers' settings (docs/operations.md, "Processes").
    let workers: WorkerSettings
    /// Meta's Graph API, when `WHATSAPP_ACCESS_TOKEN` is set.
    var graph: GraphAPIConfiguration? { workers.graph }

    /// Prepares the database and reads the settings; `role` names the process in the start-up log.
    static func prepare(role: String, env: [String: String], logger: Logger) async throws -> ServiceProcess {
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        var checkpoints = try CheckpointSettings.fromEnvironment(env)
        checkpoints.logName = try Runtime.logName()
        if runtime.embedded != nil, let master = runtime.masterKey {
            // The embedded default signs checkpoints out of the box, as it generates its master key.
            try await withPostgresClient(runtime.service, logger: logger) { client in
                if try await SigningKeyStore.list(client: client, logger: logger).isEmpty {
                    let key = try await SigningKeyStore.create(client: client, masterKey: master, logger: logger)
                    logger.notice("created a checkpoint signing key; publish `recordkeeper keys public`", metadata: ["key_id": "\(key.id)"])
                }
            }
        }
        let graph = try MediaFetcherSettings.fromEnvironment(env)
        if graph == nil {
            logger.warning("no WHATSAPP_ACCESS_TOKEN: media are recorded as pending and send requests wait, until a token is configured")
        }
        let client = PostgresClient(configuration: try runtime.service.clientConfiguration(), backgroundLogger: logger)
        // The append path has connections of its own: no worker or reader can starve it.
        let appendClient = PostgresClient(
            configuration: try runtime.service.clientConfiguration(maximumConnections: try positive(env, "RECORDKEEPER_APPEND_CONNECTIONS", default: 4)),
            backgroundLogger: logger)
        let store = LedgerStore(
            client: client, appendClient: appendClient, masterKey: runtime.masterKey, limits: Runtime.appendLimits(), logger: logger)
        func nonEmpty(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let workers = WorkerSettings(
            ledger: nonEmpty("RECORDKEEPER_LEDGER") ?? "main", graph: graph, sending: try SendDispatcherSettings.fromEnvironment(env),
            relay: try WebhookRelaySettings.fromEnvironment(env), checkpoints: checkpoints,
            runClassifier: nonEmpty("RECORDKEEPER_CLASSIFIER") != "off", runRouter: nonEmpty("RECORDKEEPER_ROUTER") != "off")
        logger.notice(
            "recordkeeper \(role) starting",
            metadata: [
                "database": "\(runtime.service)",
                "master_key_id": "\(runtime.masterKey?.identifier ?? "none")",
                "embedded": "\(runtime.embedded != nil)",
            ]
        )
        return ServiceProcess(runtime: runtime, client: client, store: store, workers: workers)
    }

    /// The database clients and the store, which every other service of the process uses.
    var databaseServices: [any Service] {
        store.appendClient === client ? [client, store] : [client, store.appendClient, store]
    }

    /// A positive whole number from the environment, or `fallback` when unset.
    /// - Throws: ``CLIError`` naming the variable when it is set to anything else.
    static func positive(_ env: [String: String], _ name: String, default fallback: Int) throws -> Int {
        guard let text = env[name] else { return fallback }
        guard let value = Int(text), value > 0 else { throw CLIError("\(name) must be a whole number greater than 0, not \"\(text)\"") }
        return value
    }
}
