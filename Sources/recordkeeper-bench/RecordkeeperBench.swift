import ArgumentParser
import Server

/// `recordkeeper-bench`: the benchmarks, apart from the product. Not installed; run it from a
/// checkout with `swift run -c release recordkeeper-bench <benchmark> …` (docs/benchmarks.md).
@main
struct RecordkeeperBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recordkeeper-bench",
        abstract: "Measure Recordkeeper against a baseline measured in the same run.",
        discussion: """
            Every benchmark takes the same options: --database-url and --owner-url (default \
            DATABASE_URL and DATABASE_OWNER_URL; with neither, the embedded default cluster under \
            RECORDKEEPER_DATA_DIR), --ledger, --concurrency and --json. The master key comes from \
            RECORDKEEPER_MASTER_KEY or RECORDKEEPER_MASTER_KEY_FILE, as for recordkeeper. The \
            database must be migrated (`recordkeeper migrate`). See docs/benchmarks.md.
            """,
        version: RecordkeeperServer.version,
        subcommands: [
            BenchAppend.self, BenchVerify.self, BenchIngest.self, BenchSend.self, BenchRead.self, BenchRetention.self, BenchExport.self,
            BenchWeb.self, BenchProjections.self, BenchAll.self,
        ]
    )

    /// "debug" or "release": benchmark figures are only comparable within one kind of build.
    static var buildKind: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }
}
