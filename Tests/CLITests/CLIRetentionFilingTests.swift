import Foundation
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention rules check|load|show`, `retention file`, `queue` and `record` as a
/// records officer runs them: faulty or refused input writes nothing.
@Suite("retention filing CLI", .timeLimit(.minutes(6)))
struct CLIRetentionFilingTests {
    struct Loaded: Decodable {
        var ok: Bool
        var recorded: Bool
        var position: Int64
        var rules: [String]
    }

    struct Shown: Decodable {
        var loaded: Bool
        var position: Int64?
    }

    struct Queue: Decodable {
        var total: Int
    }

    static let rules = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/filing-rules.yaml")

    static func entries(_ cli: RecordkeeperCLI) async throws -> Int {
        let verify = try await cli.run(["verify", "--json"])
        #expect(verify.exitCode == 0, "\(verify.transcript)")
        return try verify.json(VerifyOutput.self).entries
    }

    @Test(
        "rules: faults listed with lines; an unknown DAN refused with the DANs that exist and nothing written; loaded once; filing by hand refuses what it cannot do"
    )
    func rulesLifecycle() async throws {
        try await withMigratedCLI { fixture in
            let (cli, work) = (fixture.cli, fixture.work)
            let file = work.appendingPathComponent("rules.yaml")

            // A faulty file: every fault with file, line and field, exit 1, no database needed.
            try "rules:\n  - id: Bad Id\n    series: GS2010-001\n    when: {categories: [restricted]}\n".write(
                to: file, atomically: true, encoding: .utf8)
            let check = try await cli.run(["retention", "rules", "check", file.path])
            #expect(check.exitCode == 1, "\(check.transcript)")
            #expect(check.stderr.contains("\(file.path):2: rules[1].id:"), "\(check.transcript)")
            #expect(check.stderr.contains("\(file.path):4: rules[1].when.categories:"), "\(check.transcript)")
            #expect(try await cli.run(["retention", "rules", "check", Self.rules.path]).exitCode == 0)

            // Before any catalog: refused.
            let noCatalog = try await cli.run(["retention", "rules", "load", Self.rules.path])
            #expect(noCatalog.exitCode == 1 && noCatalog.stderr.contains("no schedule catalog is loaded"), "\(noCatalog.transcript)")
            try #require(try await cli.run(["retention", "load", RetentionFixtures.catalog.path]).exitCode == 0)
            let before = try await Self.entries(cli)

            // An unknown DAN: refused, naming the rule and the series that exist; nothing written.
            try "rules:\n  - id: council\n    series: GS9999-001\n    when: {teams: [council]}\n".write(to: file, atomically: true, encoding: .utf8)
            let unknown = try await cli.run(["retention", "rules", "load", file.path])
            #expect(unknown.exitCode == 1, "\(unknown.transcript)")
            #expect(unknown.stderr.contains("recordkeeper retention rules load:"), "\(unknown.transcript)")
            #expect(unknown.stderr.contains("rule council") && unknown.stderr.contains("`GS2010-001`"), "\(unknown.transcript)")
            #expect(try await Self.entries(cli) == before, "nothing written")

            // The shipped rules: recorded once.
            let loaded = try await cli.run(["retention", "rules", "load", Self.rules.path, "--json"])
            try #require(loaded.exitCode == 0, "\(loaded.transcript)")
            let first = try loaded.json(Loaded.self)
            #expect(first.ok && first.recorded && first.rules.first == "council-number")
            let again = try await cli.run(["retention", "rules", "load", Self.rules.path, "--json"]).json(Loaded.self)
            #expect(!again.recorded && again.position == first.position)
            #expect(try await Self.entries(cli) == before + 1)
            let shown = try await cli.run(["retention", "rules", "show", "--json"]).json(Shown.self)
            #expect(shown.loaded && shown.position == first.position)
            let text = try await cli.run(["retention", "rules", "show"])
            #expect(text.stdout.contains("council-number → GS50-01-12 Rev. 3"), "\(text.transcript)")

            // Filing by hand: not a record, an unknown record, an empty reason, a role that does not file.
            let notRecord = try await cli.run(["retention", "file", "nonsense", "--series", "GS2010-001", "--reason", "x"])
            #expect(notRecord.exitCode == 1 && notRecord.stderr.contains("is not a record"), "\(notRecord.transcript)")
            let record = "wa/106540352242922/p:15550001111@2026-03"
            let missing = try await cli.run(["retention", "file", record, "--series", "GS2010-001", "--reason", "complaint"])
            #expect(missing.exitCode == 1 && missing.stderr.contains("record \(record) does not exist"), "\(missing.transcript)")
            let empty = try await cli.run(["retention", "file", record, "--series", "GS2010-001", "--reason", " "])
            #expect(empty.exitCode == 1 && empty.stderr.contains("needs a reason"), "\(empty.transcript)")
            let agent = try await cli.run(["retention", "file", record, "--series", "GS2010-001", "--reason", "x", "--role", "agent"])
            #expect(agent.exitCode == 1 && agent.stderr.contains("only a records officer"), "\(agent.transcript)")
            let unknownSeries = try await cli.run(["retention", "file", record, "--series", "GS1-1", "--reason", "x"])
            #expect(unknownSeries.exitCode == 1 && unknownSeries.stderr.contains("`GS50-01-12 Rev. 3`"), "\(unknownSeries.transcript)")
            #expect(try await Self.entries(cli) == before + 1, "refused filings write nothing")

            let queue = try await cli.run(["retention", "queue", "--json"])
            #expect(queue.exitCode == 0, "\(queue.transcript)")
            #expect(try queue.json(Queue.self).total == 0)
            let show = try await cli.run(["retention", "record", record])
            #expect(show.exitCode == 1 && show.stderr.contains("does not exist"), "\(show.transcript)")
        }
    }
}
