import API
import Access
import ArgumentParser
import Checkpoints
import Foundation
import Hummingbird
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperRuntime
import Server
import Workers

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the HTTP service and, unless --no-workers, the background workers (migrating and starting the embedded database when no DATABASE_URL is set)."
    )

    @Option(help: "Address to listen on (env RECORDKEEPER_HTTP_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env RECORDKEEPER_HTTP_PORT, default 8080; 0 picks a free port).")
    var port: Int?

    @Flag(name: .customLong("no-workers"), help: "Serve HTTP only; run the workers with `recordkeeper work` (needs DATABASE_URL).")
    var noWorkers = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        if noWorkers, env["DATABASE_URL"].map({ !$0.isEmpty }) != true {
            throw CLIError(
                "serve --no-workers needs DATABASE_URL: the workers (`recordkeeper work`) must share its PostgreSQL, which the embedded default does not offer")
        }
        let logger = Output.makeLogger(defaultLevel: .info)
        // The API description ships as a resource next to the binary: without it, stop here.
        do {
            _ = try OpenAPISpec.bundled()
        } catch {
            throw CLIError("\(error.description); the resource bundle recordkeeper_API.resources, next to the binary, holds it (deploy/install.sh installs it)")
        }
        let host = host ?? env["RECORDKEEPER_HTTP_HOST"] ?? "127.0.0.1"
        let port = port ?? env["RECORDKEEPER_HTTP_PORT"].flatMap(Int.init) ?? 8080
        let process = try await ServiceProcess.prepare(role: noWorkers ? "serve (no workers)" : "serve", env: env, logger: logger)
        defer { process.runtime.shutdown() }
        let whatsApp = try WhatsAppWebhookSettings.fromEnvironment(env)
        if whatsApp == nil {
            logger.warning("no WHATSAPP_APP_SECRET: the WhatsApp webhook (/webhooks/whatsapp) is not served")
        }
        var conversations = try ConversationSettings.fromEnvironment(env)
        conversations.runProjections = !noWorkers
        let staffSettings = try StaffSettings.fromEnvironment(env)
        if conversations.adminToken != nil {
            logger.notice(
                "the bootstrap admin token (RECORDKEEPER_ADMIN_TOKEN) is accepted: every use is recorded as access.viewed; prefer staff tokens (recordkeeper tokens issue)"
            )
        }
        if !staffSettings.requireMFA {
            logger.warning("RECORDKEEPER_REQUIRE_MFA=off: staff can sign in with a password alone")
        }
        let store = process.store
        let app = RecordkeeperServer.makeApplication(
            configuration: ServerConfiguration(host: host, port: port),
            client: process.client, store: store, migrations: process.runtime.migrations, checkpoints: process.workers.checkpoints,
            whatsApp: whatsApp, media: process.graph, conversations: conversations,
            sending: process.workers.sending, relay: process.workers.relay,
            staff: StaffDirectory(store: store, ledger: conversations.ledger, masterKey: process.runtime.masterKey, logger: logger),
            staffSettings: staffSettings,
            analytics: try AnalyticsSettings.fromEnvironment(env),
            appendStallLimit: .seconds(try ServiceProcess.positive(env, "RECORDKEEPER_APPEND_STALL_SECONDS", default: 60)),
            logger: logger,
            onServerRunning: { port in
                logger.notice("listening", metadata: ["url": "http://\(host):\(port)"])
            }
        )
        try await app.runService()
        logger.notice("recordkeeper stopped")
    }
}
