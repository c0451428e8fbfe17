import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention status` and `retention disposition run|review|approve|show|list` as a
/// records officer uses them, on an external database holding real message events.
@Suite("retention disposition CLI", .timeLimit(.minutes(6)))
struct CLIRetentionDispositionTests {
    typealias F = WhatsAppFixtures

    struct Report: Decodable {
        struct Line: Decodable {
            var key: String
            var records: Int
            var eligibleNow: Int
            var within30Days: Int
            var within90Days: Int
            var blocked: Int
        }

        var by: String
        var lines: [Line]
    }

    struct Records: Decodable {
        struct Record: Decodable {
            var record: String
            var series: String?
            var state: String
            var eligibleDate: String?
            var reason: String?
        }

        var records: [Record]
    }

    struct List: Decodable {
        struct Item: Decodable {
            var record: String
            var state: String
            var reason: String?
        }

        var list: String
        var series: String
        var action: String
        var status: String
        var approved: Bool
        var required: Int
        var items: [Item]?
    }

    struct Run: Decodable {
        var ok: Bool
        var lists: [List]
    }

    struct Changed: Decodable {
        var ok: Bool
        var list: List
    }

    struct Lists: Decodable {
        var lists: [List]
    }

    static func dispositionEntries(_ database: ScratchDatabase) async throws -> Int64 {
        try await database.count("SELECT count(*) FROM ledger_entries WHERE stream = 'retention/disposition'")
    }

    @Test("status by series, a run, refusals that write nothing, two approvals of a two-person series by two people, show and list")
    func lifecycle() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, work) = (fixture.database, fixture.cli, fixture.work)
            // GS2010-001 with two-person approval: the agency's setting, amended in place.
            let anchor = "that are not covered by a more specific series.\n"
            let yaml = try String(contentsOf: RetentionFixtures.catalog, encoding: .utf8).replacingOccurrences(
                of: anchor, with: anchor + "    two_person_approval: true\n")
            #expect(yaml.contains("two_person_approval: true"))
            let catalog = work.appendingPathComponent("catalog.yaml")
            try yaml.write(to: catalog, atomically: true, encoding: .utf8)
            let load = try await cli.run(["retention", "load", catalog.path])
            try #require(load.exitCode == 0, "\(load.transcript)")
            let early = FixtureCitizen(waID: "15550000061")
            let late = FixtureCitizen(waID: "15550000062")
            // 2025-11-10 and 2025-11-12 (seconds after 2025-11-01).
            let a = "\(F.stream(early))@2025-11"
            let b = "\(F.stream(late))@2025-11"
            try await fixture.append([
                F.message("wamid.61", from: early, at: 9 * 86_400), F.message("wamid.62", from: late, at: 11 * 86_400),
                RetentionFixtures.filing(a, "GS2010-001"), RetentionFixtures.filing(b, "GS2010-001"),
            ])
            let now = ["--now", "2027-11-11T00:00:00Z"]
            let status = try await cli.run(["retention", "status", "--by", "series", "--json"] + now)
            try #require(status.exitCode == 0, "\(status.transcript)")
            let report = try status.json(Report.self)
            #expect(report.lines.map(\.key) == ["GS2010-001"])
            #expect(report.lines.first.map { [$0.records, $0.eligibleNow, $0.within30Days, $0.blocked] } == [2, 1, 1, 0])
            let perRecord = try await cli.run(["retention", "status", "--json"] + now)
            let records = try perRecord.json(Records.self).records
            #expect(records.map(\.record) == [a, b])
            #expect(records.map(\.state) == ["eligible", "retained"])
            #expect(records.last?.eligibleDate == "2027-11-12T00:00:00Z")

            let ran = try await cli.run(["retention", "disposition", "run", "--json"] + now)
            try #require(ran.exitCode == 0, "\(ran.transcript)")
            let list = try #require(try ran.json(Run.self).lists.first)
            #expect(list.action == "destroy")
            #expect(list.required == 2)

            let before = try await Self.dispositionEntries(database)
            let agent = try await cli.run(["retention", "disposition", "approve", list.list, "--role", "agent"])
            #expect(agent.exitCode == 1)
            #expect(agent.stderr.hasPrefix("recordkeeper retention disposition approve: only a records officer"), "\(agent.transcript)")
            let bad = try await cli.run(["retention", "disposition", "review", list.list, "--exclude", "not-a-record", "--reason", "x", "--json"])
            #expect(bad.exitCode == 1)
            #expect(try bad.json(CLIRefusal.self).ok == false)
            let noUntil = try await cli.run(["retention", "disposition", "review", list.list, "--defer", a, "--reason", "audit"])
            #expect(noUntil.exitCode == 1)
            #expect(noUntil.stderr.contains("--defer needs --until"), "\(noUntil.transcript)")
            #expect(try await Self.dispositionEntries(database) == before, "refusals write nothing")

            let alice = try await cli.run(["retention", "disposition", "approve", list.list, "--json"], overrides: ["USER": "alice"])
            try #require(alice.exitCode == 0, "\(alice.transcript)")
            #expect(try alice.json(Changed.self).list.status == "awaiting approval (1 of 2)")
            let again = try await cli.run(["retention", "disposition", "approve", list.list], overrides: ["USER": "alice"])
            #expect(again.exitCode == 1)
            #expect(again.stderr.contains("cli:alice approved list \(list.list) already"), "\(again.transcript)")
            #expect(try await Self.dispositionEntries(database) == before + 1)
            let bob = try await cli.run(["retention", "disposition", "approve", list.list, "--json"], overrides: ["USER": "bob"])
            try #require(bob.exitCode == 0, "\(bob.transcript)")
            #expect(try bob.json(Changed.self).list.approved)

            let show = try await cli.run(["retention", "disposition", "show", list.list, "--json"])
            let shown = try show.json(List.self)
            #expect(shown.items?.map(\.record) == [a])
            #expect(shown.status == "approved")
            let all = try await cli.run(["retention", "disposition", "list", "--json"])
            #expect(try all.json(Lists.self).lists.map(\.list) == [list.list])
            let human = try await cli.run(["retention", "status", "--by", "month"] + now)
            #expect(human.stdout.contains("2025-11\t2\t1\t1\t1\t0\t0\t0\t0"), "\(human.transcript)")
            let verify = try await cli.run(["verify", "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }
}
