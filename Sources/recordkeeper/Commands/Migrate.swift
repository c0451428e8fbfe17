import ArgumentParser
import LedgerStore
import Logging
import RecordkeeperRuntime
import SchemaMigrator

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the numbered SQL migrations as the schema owner and grant the service role.",
        discussion: """
            Uses DATABASE_OWNER_URL. Re-applies Migrations/repeatable/ (the grant function) after the \
            numbered migrations, creates the service role named in DATABASE_URL if it does not \
            exist (and the owner may create roles), and (re)grants it INSERT and SELECT on the log.
            """
    )

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .optional)
        defer { runtime.shutdown() }
        guard let owner = runtime.owner else {
            throw CLIError("migrate needs DATABASE_OWNER_URL: the connection of the role that owns the schema")
        }
        let service = runtime.service
        let migrator = runtime.migrator(logger: logger)
        let report = try await withPostgresClient(owner, logger: logger) { client in
            try await migrator.migrate(owner: client, serviceRole: (service.username, service.password))
        }
        if json {
            Output.json([
                "applied": report.applied,
                "already_applied": report.alreadyApplied,
                "repeatable": report.repeatable,
                "service_role": report.serviceRole as Any,
                "service_role_created": report.serviceRoleCreated,
            ])
        } else {
            if report.applied.isEmpty {
                Output.line("Schema is current (\(report.alreadyApplied.count) migrations already applied).")
            } else {
                Output.line("Applied migrations \(report.applied.map(String.init).joined(separator: ", ")).")
            }
            if let role = report.serviceRole {
                Output.line(
                    report.serviceRoleCreated ? "Created service role \(role) and granted its privileges." : "Granted service role \(role) its privileges.")
            }
        }
    }
}
