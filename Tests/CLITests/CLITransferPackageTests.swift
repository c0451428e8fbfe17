import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention disposition package` and `verify-export` as a records officer uses
/// them: the package of an approved transfer list verifies offline (and names its list), a
/// destruction list and a list not approved are refused with nothing written, and the hand-over
/// (`transfer --package`) records the package's manifest SHA-256.
@Suite("transfer package CLI", .timeLimit(.minutes(6)))
struct CLITransferPackageTests {
    typealias F = WhatsAppFixtures

    struct Run: Decodable {
        struct List: Decodable {
            var list: String
            var series: String
            var action: String
        }

        var lists: [List]
    }

    struct Packaged: Decodable {
        struct Package: Decodable {
            var list: String
            var file: String
            var path: String
            var manifestSha256: String
            var records: Int
            var messages: Int
        }

        var ok: Bool
        var package: Package
    }

    struct Verified: Decodable {
        var ok: Bool
        var messages: Int
        var released: Int
        var transferList: String?
        var manifestSha256: String?
    }

    @Test("package writes a transfer package that verify-export verifies offline; refusals write nothing; transfer --package names it")
    func packageAndVerify() async throws {
        try await withMigratedCLI { fixture in
            let cli = fixture.cli
            let work = fixture.work
            try await cli.succeed(["keys", "signing", "create"])
            try await cli.succeed(["retention", "load", RetentionFixtures.catalog.path])
            let archivist = FixtureCitizen(waID: "15550000071")
            let other = FixtureCitizen(waID: "15550000072")
            try await fixture.append([
                F.message("wamid.71", from: archivist, at: 9 * 86_400, body: ["body": "The council minutes you asked for."]),
                F.message("wamid.72", from: archivist, at: 9 * 86_400 + 60, body: ["body": "And the agenda."]),
                F.message("wamid.73", from: other, at: 9 * 86_400, body: ["body": "A routine question."]),
                RetentionFixtures.filing("\(F.stream(archivist))@2025-11", "GS50-01-12 Rev. 3"),
                RetentionFixtures.filing("\(F.stream(other))@2025-11", "GS2010-001"),
            ])
            let now = ["--now", "2027-11-11T00:00:00Z"]
            let ran = try await cli.run(["retention", "disposition", "run", "--json"] + now)
            try #require(ran.exitCode == 0, "\(ran.transcript)")
            let lists = try ran.json(Run.self).lists
            let transfer = try #require(lists.first { $0.action == "transfer" })
            let destruction = try #require(lists.first { $0.action == "destroy" })
            let out = work.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let package = ["retention", "disposition", "package", "--out", out.path, "--archives", "Washington State Archives"]

            let notApproved = try await cli.run(package + [transfer.list] + now)
            #expect(notApproved.exitCode == 1)
            #expect(
                notApproved.stderr.hasPrefix("recordkeeper retention disposition package: list \(transfer.list) is not approved"),
                "\(notApproved.transcript)")
            try await cli.succeed(["retention", "disposition", "approve", destruction.list] + now)
            let destroyList = try await cli.run(package + [destruction.list, "--json"] + now)
            #expect(destroyList.exitCode == 1)
            #expect(destroyList.stderr.contains("is a destruction list"), "\(destroyList.transcript)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty, "refusals leave no file")

            try await cli.succeed(["retention", "disposition", "approve", transfer.list] + now)
            let made = try await cli.run(package + [transfer.list, "--agency", "City of Example", "--json", "--now", "2027-11-12T00:00:00Z"])
            try #require(made.exitCode == 0, "\(made.transcript)")
            let packaged = try made.json(Packaged.self).package
            #expect(packaged.records == 1 && packaged.messages == 2)
            #expect(packaged.file == "\(transfer.list).tar.zst" && packaged.manifestSha256.count == 64)
            #expect(made.stderr.contains("2 of 2 messages written"), "progress on stderr: \(made.stderr)")

            let verify = try await cli.run(["verify-export", packaged.path, "--json"], overrides: ["DATABASE_URL": nil, "RECORDKEEPER_MASTER_KEY": nil])
            #expect(verify.exitCode == 0, "\(verify.transcript)")
            let report = try verify.json(Verified.self)
            #expect(report.ok && report.messages == 2 && report.released == 2)
            #expect(report.transferList == transfer.list && report.manifestSha256 == packaged.manifestSha256)
            let human = try await cli.run(["verify-export", packaged.path])
            #expect(human.stdout.contains("the transfer package of list \(transfer.list)"), "\(human.transcript)")

            let handed = try await cli.run([
                "retention", "disposition", "transfer", transfer.list, "--archives", "Washington State Archives", "--reference", "WSA-2027-114",
                "--package", packaged.path, "--json", "--now", "2027-11-13T00:00:00Z",
            ])
            try #require(handed.exitCode == 0, "\(handed.transcript)")
            #expect(handed.stdout.contains(packaged.manifestSha256), "\(handed.transcript)")
            let after = try await cli.run(package + [transfer.list] + now)
            #expect(after.exitCode == 1)
            #expect(after.stderr.contains("was transferred already"), "\(after.transcript)")
            let verifyLedger = try await cli.run(["verify", "--json"])
            #expect(verifyLedger.exitCode == 0, "\(verifyLedger.transcript)")
        }
    }
}
