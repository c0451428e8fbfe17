import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper export` and `recordkeeper verify-export` as a public-records officer and a
/// requester use them: an installment written with a withheld message and its summary, the bundle
/// verified offline (with the agency's published key too), a changed byte named with exit 1, and a
/// closed request refused with exit 1, nothing appended and no file written.
@Suite("export and verify-export CLI", .timeLimit(.minutes(6)))
struct CLIExportTests {
    typealias F = WhatsAppFixtures

    struct Exported: Decodable {
        var ok: Bool
        var request: String
        var installment: Int
        var file: String
        var bundleBytes: Int64
        var messages: Int
        var released: Int
        var withheld: Int
        var manifestSha256: String
    }

    struct Verified: Decodable {
        struct Problem: Decodable {
            var code: String
            var subject: String
        }

        var ok: Bool
        var messages: Int
        var released: Int
        var withheld: Int
        var problems: [Problem]
    }

    struct Opened: Decodable {
        var request: String
    }

    static func entries(_ database: ScratchDatabase) async throws -> Int64 {
        try await database.count("SELECT count(*) FROM ledger_entries")
    }

    @Test(
        "export writes an installment that verify-export verifies offline; a changed byte exits 1 naming it; a closed request is refused with nothing written")
    func exportAndVerify() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, work) = (fixture.database, fixture.cli, fixture.work)
            try await cli.succeed(["keys", "signing", "create"])
            let citizen = FixtureCitizen(waID: "15551234567")
            let positions = try await fixture.append([
                F.message("wamid.1", from: citizen, at: 100, body: ["body": "When is the permit office open?"]),
                F.message("wamid.2", from: citizen, at: 200, body: ["body": "My account number is 99-887766."]),
            ]).map(\.position)
            let open = try await cli.run(["requests", "open", "--channel", "email", "--text", "Messages about permits.", "--json"])
            try #require(open.exitCode == 0, "\(open.transcript)")
            let request = try open.json(Opened.self).request
            let out = work.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let decisions = work.appendingPathComponent("decisions.json")
            try Data(
                #"{"withheld":[{"position":\#(positions[1]),"citation":"RCW 42.56.230(5)","explanation":"the resident's bank account number"}]}"#.utf8
            ).write(to: decisions)

            let export = try await cli.run([
                "export", request, "--out", out.path, "--messages", positions.map(String.init).joined(separator: ","), "--decisions", decisions.path,
                "--agency", "City of Example", "--json",
            ])
            try #require(export.exitCode == 0, "\(export.transcript)")
            let made = try export.json(Exported.self)
            #expect(made.ok && made.installment == 1 && made.messages == 2 && made.released == 1 && made.withheld == 1)
            #expect(made.file.hasSuffix("\(request)-1.tar.zst") && made.manifestSha256.count == 64)
            #expect(export.stderr.contains("2 of 2 messages written"), "progress on stderr: \(export.stderr)")

            let verify = try await cli.run(["verify-export", made.file, "--json"], overrides: ["DATABASE_URL": nil, "RECORDKEEPER_MASTER_KEY": nil])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
            let report = try verify.json(Verified.self)
            #expect(report.ok && report.messages == 2 && report.released == 1 && report.withheld == 1)
            let keys = try await cli.run(["keys", "public"])
            try #require(keys.exitCode == 0, "\(keys.transcript)")
            let published = work.appendingPathComponent("agency.pub")
            try Data(keys.stdout.utf8).write(to: published)
            let trusted = try await cli.run(["verify-export", made.file, "--trusted-key", published.path])
            #expect(trusted.exitCode == 0 && trusted.stdout.contains("signed by a trusted key"), "\(trusted.transcript)")

            // One byte changed in the compressed file: exit 1, each problem named.
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: made.file)))
            bytes[bytes.count / 2] ^= 0x01
            let altered = work.appendingPathComponent("altered.tar.zst")
            try Data(bytes).write(to: altered)
            let bad = try await cli.run(["verify-export", altered.path])
            #expect(bad.exitCode == 1, "\(bad.transcript)")
            #expect(bad.stderr.contains("recordkeeper verify-export:") && !bad.stdout.isEmpty, "\(bad.transcript)")

            // A closed request: refused, nothing appended, no file.
            let close = try await cli.run(["requests", "close", request, "--reason", "fulfilled", "--json"])
            try #require(close.exitCode == 0, "\(close.transcript)")
            let before = try await Self.entries(database)
            let again = try await cli.run(["export", request, "--out", out.path, "--messages", String(positions[0])])
            #expect(again.exitCode == 1, "\(again.transcript)")
            #expect(again.stderr.contains("recordkeeper export: \(request) is closed"), "\(again.transcript)")
            #expect(try await Self.entries(database) == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["\(request)-1.tar.zst"])
        }
    }
}
