import ArgumentParser
import RetentionCommands
import Server

/// The one Recordkeeper executable.
@main
struct Recordkeeper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recordkeeper",
        abstract: "Records management for citizen messaging: an append-only, hash-chained ledger on PostgreSQL.",
        discussion: """
            Configuration comes from the environment: DATABASE_URL (service role), DATABASE_OWNER_URL \
            (schema owner, for migrate), RECORDKEEPER_MASTER_KEY or RECORDKEEPER_MASTER_KEY_FILE. \
            With no database variable set, commands use the embedded default: a private PostgreSQL \
            cluster under RECORDKEEPER_DATA_DIR (default ./.recordkeeper). See docs/operations.md.
            """,
        version: RecordkeeperServer.version,
        subcommands: [
            Serve.self, Work.self, Migrate.self, Verify.self, CheckpointCommand.self, ProofCommand.self, VerifyProof.self, Keys.self, Projections.self,
            Relays.self, Integrations.self, Users.self, Tokens.self, RetentionCommand.self, RequestsCommand.self, ExportCommand.self,
            VerifyExportCommand.self, AuditCommand.self, Demo.self,
        ]
    )
}
