import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention holds place|list|show|release` as a records officer uses them, on an
/// external database holding real ingest events.
@Suite("retention holds CLI", .timeLimit(.minutes(6)))
struct CLIRetentionHoldsTests {
    typealias F = WhatsAppFixtures

    struct Hold: Decodable {
        struct Scope: Decodable {
            var citizens: [String]?
            var teams: [String]?
            var from: String?
            var to: String?
        }

        struct Release: Decodable {
            var by: String
            var role: String
            var reason: String
        }

        var ok: Bool?
        var hold: String
        var type: String
        var matter: String
        var custodian: String
        var reason: String
        var role: String
        var placedBy: String
        var active: Bool
        var scope: Scope
        var released: Release?
        var coveredRecords: Int?
    }

    struct Holds: Decodable {
        var ok: Bool
        var holds: [Hold]
    }

    static func holdEntries(_ database: ScratchDatabase) async throws -> Int64 {
        try await database.count("SELECT count(*) FROM ledger_entries WHERE stream = 'retention/holds'")
    }

    @Test("place, list, show and release a hold with --json; another role's release and an empty scope are refused with nothing written")
    func roundTrip() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli) = (fixture.database, fixture.cli)
            // Two citizens wrote in November 2025; one again in December.
            let sheena = FixtureCitizen(waID: "15551234567")
            let other = FixtureCitizen(waID: "15550000000")
            try await fixture.append([
                F.message("wamid.1", from: sheena, at: 100), F.message("wamid.2", from: other, at: 200),
                F.message("wamid.3", from: sheena, at: 35 * 86_400),
            ])

            // An empty scope: refused, nothing written.
            let empty = try await cli.run([
                "retention", "holds", "place", "--type", "litigation", "--matter", "Case 26-2-01234-5", "--custodian", "Records Office",
                "--reason", "complaint filed", "--json",
            ])
            #expect(empty.exitCode == 1, "\(empty.transcript)")
            #expect(empty.stderr.contains("recordkeeper retention holds place: a hold needs a scope"), "\(empty.transcript)")
            #expect(try empty.json(CLIRefusal.self).ok == false)
            #expect(try await Self.holdEntries(database) == 0)

            let placed = try await cli.run([
                "retention", "holds", "place", "--type", "public_records_request", "--matter", "PRR-2026-0042", "--custodian", "Records Office",
                "--reason", "request for all messages with this citizen", "--citizen", "+1 555 123 4567", "--role", "request_officer",
                "--to", "2025-12-31", "--json", "--now", "2026-01-05T09:00:00Z",
            ])
            try #require(placed.exitCode == 0, "\(placed.transcript)")
            let hold = try placed.json(Hold.self)
            #expect(hold.ok == true && hold.hold == "H-1" && hold.type == "public_records_request" && hold.active)
            #expect(hold.role == "request_officer" && hold.placedBy.hasPrefix("cli:"))
            #expect(hold.scope.citizens == ["p:15551234567"])
            #expect(hold.scope.to == "2026-01-01T00:00:00Z", "--to a day includes the whole day")

            let shown = try await cli.run(["retention", "holds", "show", "H-1", "--json"])
            try #require(shown.exitCode == 0, "\(shown.transcript)")
            #expect(try shown.json(Hold.self).coveredRecords == 2, "the citizen's November and December records; not the other citizen's")
            let text = try await cli.run(["retention", "holds", "show", "H-1"])
            #expect(text.stdout.contains("covers 2 records now"), "\(text.transcript)")

            let list = try await cli.run(["retention", "holds", "list", "--json"])
            #expect(try list.json(Holds.self).holds.map(\.hold) == ["H-1"])

            // Another role: refused, nothing written.
            let agent = try await cli.run(["retention", "holds", "release", "H-1", "--reason", "done", "--role", "agent", "--json"])
            #expect(agent.exitCode == 1, "\(agent.transcript)")
            #expect(
                agent.stderr.contains("hold H-1 was placed as request_officer: only request_officer or records_officer may release it"),
                "\(agent.transcript)")
            #expect(try await Self.holdEntries(database) == 1)
            let badRole = try await cli.run(["retention", "holds", "release", "H-1", "--reason", "done", "--role", "mayor"])
            #expect(badRole.exitCode == 1 && badRole.stderr.contains("mayor is not a role name"), "\(badRole.transcript)")

            let released = try await cli.run([
                "retention", "holds", "release", "H-1", "--reason", "request closed", "--json", "--now", "2026-02-01T09:00:00Z",
            ])
            try #require(released.exitCode == 0, "\(released.transcript)")
            let after = try released.json(Hold.self)
            #expect(!after.active && after.released?.role == "records_officer" && after.released?.reason == "request closed")

            let again = try await cli.run(["retention", "holds", "release", "H-1", "--reason", "again"])
            #expect(again.exitCode == 1 && again.stderr.contains("already released"), "\(again.transcript)")
            let unknown = try await cli.run(["retention", "holds", "show", "H-7"])
            #expect(unknown.exitCode == 1 && unknown.stderr.contains("no hold H-7"), "\(unknown.transcript)")

            #expect(try await cli.run(["retention", "holds", "list", "--json"]).json(Holds.self).holds.isEmpty)
            let all = try await cli.run(["retention", "holds", "list", "--all", "--json"]).json(Holds.self)
            #expect(all.holds.map(\.hold) == ["H-1"] && all.holds.first?.released?.reason == "request closed")
            #expect(try await cli.run(["retention", "holds", "show", "H-1", "--json"]).json(Hold.self).coveredRecords == 0)
            #expect(try await Self.holdEntries(database) == 2)

            let verify = try await cli.run(["verify", "--json"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
        }
    }
}
