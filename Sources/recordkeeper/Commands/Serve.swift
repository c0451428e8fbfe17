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
        if noWorkers {
            try ServiceProcess.requireExternalDatabase(
                env, for: "serve --no-workers",
                because: "the workers (`recordkeeper work`) must share its PostgreSQL, which the embedded default does not offer")
        }
        let logger = Output.makeLogger(defaultLevel: .info)
        // The API description ships as a resource next to the binary: without it, stop here.
        do {
            _ = try OpenAPISpec.bundled()
        } catch {
            throw CLIError("\(error.description); the resource bundle recordkeeper_API.resources, next to the binary, holds it (deploy/install.sh installs it)")
        }
        let process = try await ServiceProcess.prepare(role: noWorkers ? "serve (no workers)" : "serve", env: env, logger: logger)
        defer { process.runtime.shutdown() }
        let configuration = process.configuration
        var http = configuration.http
        if let host { http.host = host }
        if let port { http.port = port }
        if configuration.whatsApp == nil {
            logger.warning("no WHATSAPP_APP_SECRET: the WhatsApp webhook (/webhooks/whatsapp) is not served")
        }
        let conversations = configuration.conversations
        if conversations.adminToken != nil {
            logger.notice(
                "the bootstrap admin token (RECORDKEEPER_ADMIN_TOKEN) is accepted: every use is recorded as access.viewed; prefer staff tokens (recordkeeper tokens issue)"
            )
        }
        if !configuration.staff.requireMFA {
            logger.warning("RECORDKEEPER_REQUIRE_MFA=off: staff can sign in with a password alone")
        }
        let store = process.store
        let workers = configuration.workers
        let listening = http.host
        let background = Background(workers: workers, running: !noWorkers, client: process.client, store: store, logger: logger)
        let app = RecordkeeperServer.makeApplication(
            configuration: http, client: process.client, store: store, migrations: process.runtime.migrations, projections: WorkerSet.projections,
            whatsApp: configuration.whatsApp, media: workers.graph, conversations: conversations, relays: background.relays,
            staff: StaffDirectory(store: store, ledger: conversations.ledger, masterKey: process.runtime.masterKey, logger: logger),
            staffSettings: configuration.staff, analytics: configuration.analytics, appendStallLimit: configuration.appendStallLimit,
            background: background.services, logger: logger,
            onServerRunning: { port in
                logger.notice("listening", metadata: ["url": "http://\(listening):\(port)"])
            }
        )
        try await app.runService()
        logger.notice("recordkeeper stopped")
    }
}
