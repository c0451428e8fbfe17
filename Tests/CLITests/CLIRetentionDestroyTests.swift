import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention destroy` as a records officer runs it, on an external database holding
/// real message events: refused without approval, stopped by a hold placed after approval, and
/// finished after the process is killed between appending its authority and destroying.
@Suite("retention destroy CLI", .timeLimit(.minutes(8)))
struct CLIRetentionDestroyTests {
    typealias F = WhatsAppFixtures

    struct Run: Decodable {
        struct List: Decodable {
            var list: String
            var action: String
        }

        var lists: [List]
    }

    struct Destroyed: Decodable {
        struct Held: Decodable {
            var record: String
            var holds: [String]
        }

        var ok: Bool
        var recordsDestroyed: Int
        var keysDestroyed: Int
        var authorities: [Int64]
        var held: [Held]
        var resumed: Int
    }

    struct Audit: Decodable {
        struct Destruction: Decodable {
            var authorisedBy: Int64
            var recordsDestroyed: Int
            var recordsPending: Int
            var approvers: [String]
        }

        struct Violation: Decodable {
            var code: String
        }

        var ok: Bool
        var destructions: [Destruction]
        var violations: [Violation]
        var warnings: [String]
    }

    static let citizens = (1...3).map { FixtureCitizen(waID: "1555000030\($0)") }
    static let now = ["--now", "2027-11-11T00:00:00Z"]

    /// A filing by hand of `record` into GS2010-001 (`record.scheduled`).
    static func filing(_ record: String) -> NewEvent { RetentionFixtures.filing(record, "GS2010-001") }

    /// Three eligible records of GS2010-001 (one message each, November 2025), the catalog loaded
    /// and an approved destruction list of them, over `fixture`; returns the list and the record ids.
    static func approvedList(_ fixture: MigratedCLI) async throws -> (String, [String]) {
        let cli = fixture.cli
        try await cli.succeed(["retention", "load", RetentionFixtures.catalog.path])
        let records = citizens.map { "\(F.stream($0))@2025-11" }
        let messages = citizens.enumerated().map { F.message("wamid.d\($0.offset)", from: $0.element, at: Int64($0.offset + 1) * 86_400) }
        try await fixture.append(messages + records.map(filing))
        let ran = try await cli.run(["retention", "disposition", "run", "--json"] + now)
        try #require(ran.exitCode == 0, "\(ran.transcript)")
        let list = try #require(try ran.json(Run.self).lists.first { $0.action == "destroy" })
        try await cli.succeed(["retention", "disposition", "approve", list.list])
        return (list.list, records)
    }

    @Test("destroying an unapproved list or an unknown list is refused and writes nothing")
    func refusedWithoutApproval() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli) = (fixture.database, fixture.cli)
            try await cli.succeed(["retention", "load", RetentionFixtures.catalog.path])
            let record = "\(F.stream(Self.citizens[0]))@2025-11"
            try await fixture.append([F.message("wamid.u1", from: Self.citizens[0], at: 86_400), Self.filing(record)])
            let ran = try await cli.run(["retention", "disposition", "run", "--json"] + Self.now)
            let list = try #require(try ran.json(Run.self).lists.first)
            let entries = try await database.count("SELECT count(*) FROM ledger_entries")

            let unapproved = try await cli.run(["retention", "destroy", list.list])
            #expect(unapproved.exitCode == 1, "\(unapproved.transcript)")
            #expect(unapproved.stderr.hasPrefix("recordkeeper retention destroy: "), "\(unapproved.transcript)")
            #expect(unapproved.stderr.contains("approv"), "the refusal says what is missing: \(unapproved.stderr)")
            let unknown = try await cli.run(["retention", "destroy", "DL-nothing"])
            #expect(unknown.exitCode == 1, "\(unknown.transcript)")
            #expect(try await database.count("SELECT count(*) FROM ledger_entries") == entries, "nothing written")
            #expect(try await database.count("SELECT count(*) FROM payload_destructions") == 0)
        }
    }

    @Test("a hold placed after the list was approved stops the destruction of what it covers; the rest is destroyed and the audit passes")
    func holdAfterApproval() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli) = (fixture.database, fixture.cli)
            let (list, records) = try await Self.approvedList(fixture)
            try await cli.succeed([
                "retention", "holds", "place", "--type", "litigation", "--matter", "Doe v. City", "--custodian", "City Clerk",
                "--reason", "complaint served", "--citizen", "+\(Self.citizens[1].waID!)",
            ])
            let destroy = try await cli.run(["retention", "destroy", list, "--json"] + Self.now)
            try #require(destroy.exitCode == 0, "\(destroy.transcript)")
            let outcome = try destroy.json(Destroyed.self)
            #expect(outcome.recordsDestroyed == 2)
            #expect(outcome.held.map(\.record) == [records[1]])
            #expect(try await database.count("SELECT count(*) FROM data_keys WHERE destroyed_at IS NOT NULL") == 2)
            #expect(
                try await database.count(
                    "SELECT count(*) FROM ledger_payloads p JOIN ledger_entries e USING (ledger_id, position) WHERE e.stream = '\(F.stream(Self.citizens[1]))'"
                )
                    == 1, "the held record's message is intact")

            let verify = try await cli.run(["verify"])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
            #expect(verify.stdout.contains("lawfully destroyed: 2 payloads under record.destroyed at position"), "\(verify.stdout)")
            let audit = try await cli.run(["audit", "retention", "--json"])
            #expect(audit.exitCode == 0, "\(audit.transcript)")
            let report = try audit.json(Audit.self)
            #expect(report.ok && report.violations.isEmpty)
            #expect(report.destructions.map(\.recordsDestroyed) == [2])
        }
    }

    @Test("killed between appending record.destroyed and destroying: nothing is half-destroyed; running again finishes under the same authority")
    func crashAndResume() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli) = (fixture.database, fixture.cli)
            let (list, _) = try await Self.approvedList(fixture)
            let crashed = try await cli.run(["retention", "destroy", list, "--crash-after-append", "1"] + Self.now)
            #expect(crashed.exitCode != 0, "the process was killed: \(crashed.transcript)")
            #expect(try await database.count("SELECT count(*) FROM ledger_entries WHERE event_type = 'record.destroyed'") == 1)
            #expect(try await database.count("SELECT count(*) FROM data_keys WHERE destroyed_at IS NOT NULL") == 0, "the transaction rolled back")
            #expect(try await database.count("SELECT count(*) FROM payload_destructions") == 0)
            let interrupted = try await cli.run(["audit", "retention", "--json"])
            let pending = try interrupted.json(Audit.self)
            #expect(pending.destructions.map(\.recordsPending) == [3])
            #expect(pending.warnings.contains { $0.contains("interrupted run") }, "\(pending.warnings)")
            #expect(try await cli.run(["verify"]).exitCode == 0, "an authority not yet carried out is not tampering")

            let again = try await cli.run(["retention", "destroy", list, "--json"] + Self.now)
            try #require(again.exitCode == 0, "\(again.transcript)")
            let outcome = try again.json(Destroyed.self)
            #expect(outcome.resumed == 1)
            #expect(outcome.recordsDestroyed == 3)
            #expect(try await database.count("SELECT count(*) FROM ledger_entries WHERE event_type = 'record.destroyed'") == 1, "no second authority")
            #expect(try await database.count("SELECT count(*) FROM data_keys WHERE destroyed_at IS NOT NULL") == 3)
            #expect(try await database.count("SELECT count(*) FROM payload_destructions") == 3)

            let third = try await cli.run(["retention", "destroy", list, "--json"] + Self.now)
            #expect(third.exitCode == 1, "the list is destroyed already: \(third.transcript)")
            #expect(try await database.count("SELECT count(*) FROM payload_destructions") == 3, "nothing destroyed twice")
            let audit = try await cli.run(["audit", "retention", "--json"])
            #expect(audit.exitCode == 0, "\(audit.transcript)")
            #expect(try audit.json(Audit.self).destructions.map(\.recordsPending) == [0])
            #expect(try await cli.run(["verify"]).exitCode == 0)
        }
    }

    @Test("a destruction that bypassed the holds check (an operator calling the database door directly) fails the audit, naming the hold")
    func auditCatchesDestructionUnderHold() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, key) = (fixture.database, fixture.cli, try fixture.masterKey())
            let (list, records) = try await Self.approvedList(fixture)
            try await cli.succeed([
                "retention", "holds", "place", "--type", "public_records_request", "--matter", "PRR-2027-0042", "--custodian", "Clerk",
                "--reason", "request covers this citizen", "--citizen", "+\(Self.citizens[0].waID!)",
            ])
            let approval = try await database.count("SELECT max(position) FROM ledger_entries WHERE event_type = 'retention.disposition.approved'")
            let keys = try await database.asSuperuser { client in
                try await client.query("SELECT id FROM data_keys WHERE stream LIKE 'wa/%' ORDER BY id", logger: testLogger)
                    .collect().map { try $0.decode(Int64.self) }
            }
            #expect(keys.count == 3)
            // The door checks the authority's form, not the holds: that is the destroyer's job, and the audit's to check.
            try await database.withStore(masterKey: key) { _, store in
                let ledger = try #require(try await store.existingLedger(named: "main"))
                let header =
                    #"{"approvals":[\#(approval)],"data_key_ids":\#(keys),"list":"\#(list)","method":"crypto-shred","records":3,"series":"GS2010-001","v":1}"#
                let authority = try await store.append(
                    NewEvent(
                        stream: "retention/destruction", eventType: "record.destroyed",
                        occurredAt: LedgerTimestamp(ISO8601DateFormatter().date(from: "2027-11-11T00:00:00Z")!), actor: "cli:rogue",
                        header: header, payload: []), to: "main")
                _ = try await store.withTransaction { c in
                    try await DataKeyShredding.destroy(keys: keys, authorisedBy: authority.position, ledger: ledger, on: c, logger: testLogger)
                }
            }
            #expect(try await cli.run(["verify"]).exitCode == 0, "the chain is intact: the destruction was authorised in form")
            let audit = try await cli.run(["audit", "retention", "--json"])
            #expect(audit.exitCode == 1, "\(audit.transcript)")
            let report = try audit.json(Audit.self)
            #expect(!report.ok)
            #expect(report.violations.map(\.code) == ["destroyed_under_hold"], "\(audit.stdout)")
            #expect(audit.stdout.contains(records[0]) && audit.stdout.contains("H-1"), "the violation names the record and the hold")
        }
    }
}
