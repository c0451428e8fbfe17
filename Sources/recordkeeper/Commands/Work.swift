import ArgumentParser
import Foundation
import Logging
import RecordkeeperRuntime
import ServiceLifecycle
import UnixSignals
import Workers

/// `recordkeeper work`: the background workers without HTTP, so they scale apart from the web
/// tier (`serve --no-workers`). Several `work` processes may run on one ledger: every worker
/// claims its work in PostgreSQL (row locks, claims, idempotency keys).
struct Work: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the background workers only: projections, classifier, router, automation, search index, media, sending, relay, checkpoints.",
        discussion: "Needs DATABASE_URL: workers share an external PostgreSQL with `serve --no-workers` and with each other.")

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        try ServiceProcess.requireExternalDatabase(
            env, for: "recordkeeper work", because: "workers run beside `serve --no-workers` on a shared PostgreSQL, not on the embedded default")
        let logger = Output.makeLogger(defaultLevel: .info)
        let process = try await ServiceProcess.prepare(role: "work", env: env, logger: logger)
        defer { process.runtime.shutdown() }
        let workers = process.configuration.workers
        let services =
            process.databaseServices + Background(workers: workers, running: true, client: process.client, store: process.store, logger: logger).services
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.notice("recordkeeper work stopped")
    }
}
