import API
import ArgumentParser
import Foundation
import Hummingbird
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import Records
import Server

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service (migrating and starting the embedded database when no DATABASE_URL is set)."
    )

    @Option(help: "Address to listen on (env RECORDKEEPER_HTTP_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env RECORDKEEPER_HTTP_PORT, default 8080; 0 picks a free port).")
    var port: Int?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let logger = Output.makeLogger(defaultLevel: .info)
        // The API description ships as a resource next to the binary: without it, stop here.
        do {
            _ = try OpenAPISpec.bundled()
        } catch {
            throw CLIError("\(error.description); the resource bundle recordkeeper_API.resources, next to the binary, holds it (deploy/install.sh installs it)")
        }
        let host = host ?? env["RECORDKEEPER_HTTP_HOST"] ?? "127.0.0.1"
        let port = port ?? env["RECORDKEEPER_HTTP_PORT"].flatMap(Int.init) ?? 8080
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
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
        let whatsApp = try WhatsAppWebhookSettings.fromEnvironment(env)
        if whatsApp == nil {
            logger.warning("no WHATSAPP_APP_SECRET: the WhatsApp webhook (/webhooks/whatsapp) is not served")
        }
        let media = try MediaFetcherSettings.fromEnvironment(env)
        if media == nil {
            logger.warning("no WHATSAPP_ACCESS_TOKEN: media are recorded as pending and send requests wait, until a token is configured")
        }
        let client = PostgresClient(configuration: try runtime.service.clientConfiguration(), backgroundLogger: logger)
        // The append path has connections of its own: no worker or reader can starve it.
        let appendClient = PostgresClient(
            configuration: try runtime.service.clientConfiguration(maximumConnections: try Self.positive(env, "RECORDKEEPER_APPEND_CONNECTIONS", default: 4)),
            backgroundLogger: logger)
        let store = LedgerStore(
            client: client, appendClient: appendClient, masterKey: runtime.masterKey, limits: Runtime.appendLimits(), logger: logger)
        logger.notice(
            "recordkeeper starting",
            metadata: [
                "database": "\(runtime.service)",
                "master_key_id": "\(runtime.masterKey?.identifier ?? "none")",
                "embedded": "\(runtime.embedded != nil)",
            ]
        )
        let conversations = try ConversationSettings.fromEnvironment(env)
        let staffSettings = try StaffSettings.fromEnvironment(env)
        if conversations.adminToken != nil {
            logger.notice(
                "the bootstrap admin token (RECORDKEEPER_ADMIN_TOKEN) is accepted: every use is recorded as access.viewed; prefer staff tokens (recordkeeper tokens issue)")
        }
        if !staffSettings.requireMFA {
            logger.warning("RECORDKEEPER_REQUIRE_MFA=off: staff can sign in with a password alone")
        }
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: host, port: port),
            client: client, store: store, migrations: runtime.migrations, checkpoints: checkpoints,
            whatsApp: whatsApp, media: media, conversations: conversations,
            sending: try SendDispatcherSettings.fromEnvironment(env), relay: try WebhookRelaySettings.fromEnvironment(env),
            staff: StaffDirectory(store: store, ledger: conversations.ledger, masterKey: runtime.masterKey, logger: logger),
            staffSettings: staffSettings,
            analytics: try AnalyticsSettings.fromEnvironment(env),
            appendStallLimit: .seconds(try Self.positive(env, "RECORDKEEPER_APPEND_STALL_SECONDS", default: 60)),
            logger: logger,
            onServerRunning: { port in
                logger.notice("listening", metadata: ["url": "http://\(host):\(port)"])
            }
        )
        try await app.runService()
        logger.notice("recordkeeper stopped")
    }

    /// A positive whole number from the environment, or `fallback` when unset.
    /// - Throws: ``CLIError`` naming the variable when it is set to anything else.
    static func positive(_ env: [String: String], _ name: String, default fallback: Int) throws -> Int {
        guard let text = env[name] else { return fallback }
        guard let value = Int(text), value > 0 else { throw CLIError("\(name) must be a whole number greater than 0, not \"\(text)\"") }
        return value
    }
}
