import LedgerStore
import PostgresNIO
import Retention
import TestSupport
import Testing

/// Loading schedule catalogs into the record (`RetentionCatalogs`) when two loads race.
@Suite("Retention catalog: concurrent loads")
struct RetentionCatalogLoadTests {
    /// A catalog of GS2010-001 and, as `extra`, one more series.
    static func catalog(version: String, extra: String) throws -> RetentionCatalog {
        try RetentionCatalog(
            yaml: """
                name: race
                version: "\(version)"
                default_series: GS2010-001
                series:
                  - dan: GS2010-001
                    title: Communications
                    description: Everyday communications.
                    retention: P2Y
                    trigger: communication
                    final_action: destroy
                    designation: {archival: non_archival, essential: false, office: OPR}
                \(extra)
                """, file: "race.yaml")
    }

    static func series(_ dan: String) -> String {
        """
          - dan: \(dan)
            title: Series \(dan)
            description: A series added by one of two loads.
            retention: P1Y
            trigger: communication
            final_action: destroy
            designation: {archival: non_archival, essential: false, office: OPR}
        """
    }

    static func attempt(_ body: @Sendable () async throws -> LoadOutcome) async -> Result<LoadOutcome, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    @Test("two loads that each add a series to the same catalog in force: one is recorded, the other refused, never both")
    func racingLoads() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                let catalogs = RetentionCatalogs(store: store, ledger: "main")
                _ = try await catalogs.load(try Self.catalog(version: "1", extra: ""), actor: "test:base")
                let first = try Self.catalog(version: "2a", extra: Self.series("GS50-02-01"))
                let second = try Self.catalog(version: "2b", extra: Self.series("GS2010-014"))
                async let a = Self.attempt { try await catalogs.load(first, actor: "test:a") }
                async let b = Self.attempt { try await catalogs.load(second, actor: "test:b") }
                let outcomes = [await a, await b]
                let recorded = outcomes.compactMap { try? $0.get() }.filter(\.recorded)
                #expect(recorded.count == 1, "exactly one of the racing loads is recorded: \(outcomes)")
                for case .failure(let error) in outcomes {
                    #expect(error is RetentionCatalogLoadError, "the other is refused as a load conflict, not a crash: \(error)")
                }
                let rows = try await client.query("SELECT count(*) FROM retention_catalogs", logger: testLogger)
                var versions: Int64 = 0
                for try await count in rows.decode(Int64.self) { versions = count }
                #expect(versions == 2, "the base catalog and one of the two")
                let inForce = try #require(try await catalogs.current())
                #expect(inForce.position == recorded.first?.loaded.position)
            }
        }
    }
}
