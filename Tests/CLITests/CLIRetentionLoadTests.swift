import Foundation
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention load` and `retention catalog` on an external database: a catalog
/// version is recorded once, a series in force is superseded by a new revision but never
/// changed or dropped, and a refused or faulty file writes nothing.
@Suite("retention load CLI", .timeLimit(.minutes(6)))
struct CLIRetentionLoadTests {
    struct Loaded: Decodable {
        struct Supersession: Decodable, Equatable {
            var series: String
            var by: String
        }

        var ok: Bool
        var recorded: Bool
        var position: Int64
        var name: String
        var version: String
        var digest: String
        var added: [String]
        var superseded: [Supersession]
        var amended: [String]
    }

    struct Catalog: Decodable {
        struct Series: Decodable {
            var citation: String
            var retention: String
            var finalAction: String
            var confirmed: Bool
        }

        var loaded: Bool
        var name: String?
        var version: String?
        var digest: String?
        var position: Int64?
        var series: [Series]?
        var unconfirmed: [String]?
    }

    /// `yaml` with the block of the series of DAN `dan` (from its `- dan:` line to the next blank
    /// line) passed through `edit`.
    static func editing(_ yaml: String, dan: String, _ edit: (String) -> String) throws -> String {
        let start = try #require(yaml.range(of: "  - dan: \(dan)\n"), "no series \(dan) in the shipped catalog")
        let end = yaml.range(of: "\n\n", range: start.upperBound..<yaml.endIndex)?.lowerBound ?? yaml.endIndex
        return yaml.replacingCharacters(in: start.lowerBound..<end, with: edit(String(yaml[start.lowerBound..<end])))
    }

    /// `yaml` as a new catalog version (the version line changed).
    static func newVersion(_ yaml: String, _ version: String) throws -> String {
        let line = try #require(yaml.range(of: #"(?m)^version: .*$"#, options: .regularExpression))
        return yaml.replacingCharacters(in: line, with: "version: \"\(version)\"")
    }

    /// How many entries `verify` finds (and that it passes).
    static func verifiedEntries(_ cli: RecordkeeperCLI) async throws -> Int {
        let verify = try await cli.run(["verify", "--json"])
        #expect(verify.exitCode == 0, "\(verify.transcript)")
        let report = try verify.json(VerifyOutput.self)
        #expect(report.ok)
        return report.entries
    }

    @Test("load records the shipped catalog once; changed or dropped series and faulty files are refused with nothing written; a new revision supersedes")
    func loadLifecycle() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, work) = (fixture.database, fixture.cli, fixture.work)
            let none = try await cli.run(["retention", "catalog", "--json"])
            #expect(none.exitCode == 0, "\(none.transcript)")
            #expect(try none.json(Catalog.self).loaded == false)

            // The shipped catalog: recorded at position 1, every series added.
            let first = try await cli.run(["retention", "load", RetentionFixtures.catalog.path, "--json"])
            try #require(first.exitCode == 0, "\(first.transcript)")
            let loaded = try first.json(Loaded.self)
            #expect(loaded.ok && loaded.recorded && loaded.position == 1)
            #expect(loaded.name == "washington-core")
            #expect(loaded.added.contains("GS2010-001") && loaded.added.contains("GS50-01-12 Rev. 3"), "\(loaded.added)")
            #expect(loaded.superseded.isEmpty)
            #expect(loaded.digest.count == 64)

            // Again: already loaded, nothing appended.
            let again = try await cli.run(["retention", "load", RetentionFixtures.catalog.path])
            #expect(again.exitCode == 0, "\(again.transcript)")
            #expect(again.stdout.contains("already loaded"), "\(again.transcript)")
            let againJSON = try await cli.run(["retention", "load", RetentionFixtures.catalog.path, "--json"]).json(Loaded.self)
            #expect(!againJSON.recorded && againJSON.position == 1 && againJSON.digest == loaded.digest)
            #expect(try await Self.verifiedEntries(cli) == 1)

            let yaml = try String(contentsOf: RetentionFixtures.catalog, encoding: .utf8)
            let file = work.appendingPathComponent("catalog.yaml")

            // A series' retention changed under the same citation: refused, naming it.
            let versioned = try Self.newVersion(yaml, "2026-12b")
            let changed = try Self.editing(versioned, dan: "GS2010-001") {
                $0.replacingOccurrences(of: "retention: P2Y", with: "retention: P3Y")
            }
            #expect(changed != versioned)
            try changed.write(to: file, atomically: true, encoding: .utf8)
            let refused = try await cli.run(["retention", "load", file.path])
            #expect(refused.exitCode == 1, "\(refused.transcript)")
            #expect(refused.stderr.contains("series GS2010-001 is in force with different retention"), "\(refused.transcript)")
            #expect(refused.stderr.contains("new revision"), "\(refused.transcript)")
            #expect(refused.stderr.contains("nothing was loaded"), "\(refused.transcript)")

            // A series dropped without a newer revision: refused.
            let dropped = try Self.editing(versioned, dan: "GS2010-003") { _ in "" }
            try dropped.write(to: file, atomically: true, encoding: .utf8)
            let droppedRun = try await cli.run(["retention", "load", file.path, "--json"])
            #expect(droppedRun.exitCode == 1, "\(droppedRun.transcript)")
            #expect(droppedRun.stdout.contains("series GS2010-003 Rev. 2 is in force but missing"), "\(droppedRun.transcript)")

            // The same version with different content: refused (a version is never reused).
            let reused = try Self.editing(yaml, dan: "GS2010-014") { $0.replacingOccurrences(of: "confirmed: false", with: "confirmed: true") }
            try reused.write(to: file, atomically: true, encoding: .utf8)
            let reusedRun = try await cli.run(["retention", "load", file.path])
            #expect(reusedRun.exitCode == 1, "\(reusedRun.transcript)")
            #expect(reusedRun.stderr.contains("already loaded with different content"), "\(reusedRun.transcript)")

            // A malformed file: every fault with file, line and field; exit 1.
            let faulty = try Self.editing(yaml, dan: "GS2010-001") {
                $0.replacingOccurrences(of: "final_action: destroy", with: "final_action: shred")
            }
            try faulty.write(to: file, atomically: true, encoding: .utf8)
            let faultyRun = try await cli.run(["retention", "load", file.path])
            #expect(faultyRun.exitCode == 1, "\(faultyRun.transcript)")
            #expect(faultyRun.stderr.contains("\(file.path):"), "\(faultyRun.transcript)")
            #expect(faultyRun.stderr.contains("].final_action: "), "\(faultyRun.transcript)")
            #expect(try await Self.verifiedEntries(cli) == 1, "nothing was written by the refused and faulty loads")

            // A new revision supersedes the old one; an unconfirmed series is confirmed with
            // its terms written in (amended in place, no new revision needed).
            let revised = try Self.editing(try Self.newVersion(yaml, "2027-01"), dan: "GS50-01-12") {
                $0.replacingOccurrences(of: "revision: 3", with: "revision: 4")
            }
            let confirmed = try Self.editing(revised, dan: "GS2010-014") {
                $0.replacingOccurrences(of: "confirmed: false", with: "confirmed: true")
                    .replacingOccurrences(of: "retention: until no longer needed", with: "retention: P3Y")
            }
            #expect(confirmed.contains("retention: P3Y"))
            try confirmed.write(to: file, atomically: true, encoding: .utf8)
            let supersede = try await cli.run(["retention", "load", file.path, "--json"])
            try #require(supersede.exitCode == 0, "\(supersede.transcript)")
            let superseded = try supersede.json(Loaded.self)
            #expect(superseded.recorded && superseded.position == 2 && superseded.version == "2027-01")
            #expect(superseded.added == ["GS50-01-12 Rev. 4"])
            #expect(superseded.superseded == [.init(series: "GS50-01-12 Rev. 3", by: "GS50-01-12 Rev. 4")])
            #expect(superseded.amended == ["GS2010-014"])

            // The catalog in force, and the superseded revision kept in retention_series.
            let catalog = try await cli.run(["retention", "catalog", "--json"])
            try #require(catalog.exitCode == 0, "\(catalog.transcript)")
            let inForce = try catalog.json(Catalog.self)
            #expect(inForce.loaded && inForce.version == "2027-01" && inForce.position == 2 && inForce.digest == superseded.digest)
            let citations = inForce.series?.map(\.citation) ?? []
            #expect(citations.contains("GS50-01-12 Rev. 4") && !citations.contains("GS50-01-12 Rev. 3"), "\(citations)")
            #expect(inForce.series?.first { $0.citation == "GS2010-001" }?.retention == "P2Y")
            #expect(inForce.series?.first { $0.citation == "GS2010-001" }?.finalAction == "destroy")
            #expect(inForce.unconfirmed?.contains("GS2010-014") == false)
            #expect(inForce.series?.first { $0.citation == "GS2010-014" }?.retention == "P3Y")
            #expect(inForce.unconfirmed?.contains("GS50-02-01") == true, "\(inForce.unconfirmed ?? [])")
            let plain = try await cli.run(["retention", "catalog"])
            #expect(plain.exitCode == 0 && plain.stdout.contains("washington-core 2027-01"), "\(plain.transcript)")
            let rows = try await withPostgresClient(database.serviceURL) { client in
                var rows: [String: Int64?] = [:]
                let query = try await client.query("SELECT citation, superseded_by_position FROM retention_series", logger: testLogger)
                for try await (citation, by) in query.decode((String, Int64?).self) { rows[citation] = by }
                return rows
            }
            #expect(rows["GS50-01-12 Rev. 3"] == .some(2), "\(rows)")
            #expect(rows["GS50-01-12 Rev. 4"] == .some(nil), "\(rows)")
            #expect(try await Self.verifiedEntries(cli) == 2)
        }
    }
}
