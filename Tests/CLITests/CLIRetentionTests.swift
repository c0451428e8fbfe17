import Foundation
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention check`: a records officer's catalog file is read, and every fault in
/// it is named with its line and field; nothing needs a database.
@Suite("retention CLI")
struct CLIRetentionTests {
    @Test("the shipped Washington catalog checks clean; --json names its series and the unconfirmed ones")
    func shippedCatalog() async throws {
        let file = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/washington-core.yaml").path
        try await withTemporaryDirectory { work in
            let cli = try RecordkeeperCLI(workDirectory: work, environment: [:])
            let plain = try await cli.run(["retention", "check", file])
            #expect(plain.exitCode == 0, "\(plain.transcript)")
            #expect(plain.stdout.contains("default GS2010-001"), "\(plain.transcript)")
            let result = try await cli.run(["retention", "check", file, "--json"])
            #expect(result.exitCode == 0, "\(result.transcript)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let series = summary["series"] as? [String] ?? []
            #expect(series.contains("GS2010-001") && series.contains("GS50-01-12 Rev. 3"), "\(series)")
            #expect((summary["unconfirmed"] as? [String] ?? []).contains("GS2010-014"))
        }
    }

    @Test("a catalog with faults exits 1 listing each as FILE:LINE: FIELD: MESSAGE; an unreadable file is an error naming it")
    func faultyCatalog() async throws {
        try await withTemporaryDirectory { work in
            let file = work.appendingPathComponent("broken.yaml")
            try """
            name: test
            version: "1"
            default_series: GS9999-001
            series:
              - dan: GS2010-001
                title: Communications
                description: Routine communications.
                retention: P0Y
                trigger: communication
                final_action: shred
                designation: {archival: non_archival, essential: false, office: OPR}
            """.write(to: file, atomically: true, encoding: .utf8)
            let cli = try RecordkeeperCLI(workDirectory: work, environment: [:])
            let result = try await cli.run(["retention", "check", file.path])
            #expect(result.exitCode == 1, "\(result.transcript)")
            #expect(result.stderr.contains("\(file.path):10: series[1].final_action:"), "\(result.transcript)")
            #expect(result.stderr.contains("\(file.path):8: series[1].retention:"), "\(result.transcript)")
            #expect(result.stderr.contains("default_series"), "\(result.transcript)")
            let json = try await cli.run(["retention", "check", file.path, "--json"])
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(summary["ok"] as? Bool == false)
            #expect((summary["problems"] as? [[String: Any]])?.count ?? 0 >= 3, "\(json.transcript)")

            let missing = try await cli.run(["retention", "check", work.appendingPathComponent("absent.yaml").path])
            #expect(missing.exitCode == 2, "\(missing.transcript)")
            #expect(missing.stderr.contains("cannot read") && missing.stderr.contains("absent.yaml"), "\(missing.transcript)")
        }
    }
}
