import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// What most CLI suites start from: a scratch database migrated by `recordkeeper migrate`, the
/// executable configured over it as an operator would (``RecordkeeperCLI/external(database:workDirectory:masterKey:)``),
/// its work directory and its fresh master key.
struct MigratedCLI: Sendable {
    let database: ScratchDatabase
    let cli: RecordkeeperCLI
    /// The runs' working directory (their output files go there), dropped afterwards.
    let work: URL
    /// The master key the executable runs with, base64 as in `RECORDKEEPER_MASTER_KEY`.
    let masterKeyBase64: String

    /// The master key, for a store opened by the test itself over the same database.
    func masterKey() throws -> MasterKey { try MasterKey(base64: masterKeyBase64) }

    /// Appends `events` to `ledger` directly (fixtures such as ingested messages), sealed under
    /// the executable's master key; returns their receipts.
    @discardableResult
    func append(_ events: [NewEvent], to ledger: String = "main") async throws -> [AppendReceipt] {
        let key = try masterKey()
        return try await database.withStore(masterKey: key) { _, store in try await store.append(events, to: ledger) }
    }

    /// The first column of the first row of `sql` (a `count(*)`), read as the superuser.
    func count(_ sql: String) async throws -> Int64 { try await database.count(sql) }
}

/// Runs `body` with a ``MigratedCLI`` (the `migrate --json` run must exit 0), then drops the
/// database and the work directory.
func withMigratedCLI(_ body: (MigratedCLI) async throws -> Void) async throws {
    try await withScratchDatabase { database in
        try await withTemporaryDirectory { work in
            let key = TestEnvironment.randomMasterKeyBase64()
            let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: key)
            let migrate = try await cli.run(["migrate", "--json"])
            try #require(migrate.exitCode == 0, "\(migrate.transcript)")
            try await body(MigratedCLI(database: database, cli: cli, work: work, masterKeyBase64: key))
        }
    }
}

extension ScratchDatabase {
    /// The first column of the first row of `sql` (a `count(*)`), read as the superuser; 0 when
    /// there is no row.
    func count(_ sql: String) async throws -> Int64 {
        try await asSuperuser { client in
            for try await count in try await client.query(PostgresQuery(unsafeSQL: sql), logger: testLogger).decode(Int64.self) { return count }
            return 0
        }
    }
}

/// A refusal's `--json` document: `{"ok": false, "error": …}`.
struct CLIRefusal: Decodable {
    var ok: Bool
    var error: String
}

/// Retention fixtures the retention and transfer suites share.
enum RetentionFixtures {
    /// The schedule catalog shipped in config/retention.
    static let catalog = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/washington-core.yaml")

    /// A filing by hand of `record` into `series` (`record.scheduled`, as docs/records-officer.md defines it).
    static func filing(_ record: String, _ series: String) -> NewEvent {
        let header = #"{"v":1,"record":"\#(record)","series":"\#(series)","source":"manual"}"#
        return NewEvent(
            stream: "retention/filing", eventType: "record.scheduled", actor: "cli:test", header: header,
            payload: Array(#"{"v":1,"record":"\#(record)","series":"\#(series)","source":"manual","reason":"test"}"#.utf8))
    }
}
