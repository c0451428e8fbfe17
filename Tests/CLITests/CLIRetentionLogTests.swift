import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper retention log` as a child process: the destruction log, a certificate written
/// as a printable page, and refusals that name the lists and write nothing.
@Suite("retention log CLI", .timeLimit(.minutes(6)))
struct CLIRetentionLogTests {
    struct Log: Decodable {
        struct Destruction: Decodable {
            var list: String?
            var records: Int
            var positions: [Int64]
        }

        var destructions: [Destruction]
    }

    @Test("the log lists a destruction; --list prints its certificate (html to a file); an unknown list is refused naming the lists")
    func logAndCertificate() async throws {
        try await withMigratedDatabase { database in
            try await withTemporaryDirectory { work in
                let cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: ScratchDatabase.masterKey.base64)
                let empty = try await cli.run(["retention", "log"])
                #expect(empty.exitCode == 0, "\(empty.transcript)")
                #expect(empty.stdout.contains("No records have been destroyed in ledger main."))

                // One record destroyed under an authority that names list D-1 (recorded directly).
                let authority = try await database.withStore { client, store in
                    let march = LedgerTimestamp(microseconds: 1_772_323_200_000_000)
                    _ = try await store.append(
                        NewEvent(
                            stream: "wa/100/p:15550001", eventType: "whatsapp.message.received", occurredAt: march, actor: "whatsapp:test",
                            payload: Array("the permit is approved".utf8)), to: "main")
                    let ledger = try #require(try await store.existingLedger(named: "main"))
                    let key = try #require(
                        try await client.query("SELECT id FROM data_keys WHERE stream = 'wa/100/p:15550001'", logger: ScratchDatabase.logger)
                            .collect().first?.decode(Int64.self))
                    let header =
                        #"{"v":1,"data_key_ids":[\#(key)],"records":1,"list":"D-1","series":"GS2010-001","dan":"GS2010-001","revision":0,"approvals":[],"method":"crypto-shred"}"#
                    let receipt = try await store.append(
                        NewEvent(
                            stream: "retention/destruction", eventType: "record.destroyed", occurredAt: .now(), actor: "cli:officer", header: header,
                            payload: Array(#"{"records":["wa/100/p:15550001@2026-03"]}"#.utf8)), to: "main")
                    _ = try await store.withTransaction { connection in
                        try await DataKeyShredding.destroy(
                            keys: [key], authorisedBy: receipt.position, ledger: ledger, on: connection, logger: ScratchDatabase.logger)
                    }
                    return receipt.position
                }

                let log = try await cli.run(["retention", "log", "--json"])
                #expect(log.exitCode == 0, "\(log.transcript)")
                let destructions = try log.json(Log.self).destructions
                #expect(destructions.map(\.list) == ["D-1"] && destructions.map(\.records) == [1] && destructions.map(\.positions) == [[authority]])

                let page = work.appendingPathComponent("certificate.html")
                let html = try await cli.run(["retention", "log", "--list", "D-1", "--format", "html", "--output", page.path])
                #expect(html.exitCode == 0, "\(html.transcript)")
                let text = try String(contentsOf: page, encoding: .utf8)
                #expect(text.hasPrefix("<!doctype html>"))
                #expect(text.contains("wa/100/p:15550001@2026-03"))
                #expect(text.contains("No signed checkpoint covers these entries yet"))
                try Self.checkAccessibility(page)

                let csv = try await cli.run(["retention", "log", "--list", "D-1", "--format", "csv"])
                #expect(csv.exitCode == 0, "\(csv.transcript)")
                #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2, "a header and the one record")

                let unknown = work.appendingPathComponent("unknown.html")
                let refused = try await cli.run(["retention", "log", "--list", "DL-nope", "--format", "html", "--output", unknown.path])
                #expect(refused.exitCode == 1, "\(refused.transcript)")
                #expect(refused.stderr.contains("recordkeeper retention log: no disposition list DL-nope in this ledger; the lists are: D-1"))
                #expect(!FileManager.default.fileExists(atPath: unknown.path), "nothing written")

                let both = try await cli.run(["retention", "log", "--list", "D-1", "--json", "--format", "csv"])
                #expect(both.exitCode == 1 && both.stdout.isEmpty, "\(both.transcript)")

                let noList = try await cli.run(["retention", "log", "--format", "html"])
                #expect(noList.exitCode == 1, "\(noList.transcript)")
                #expect(noList.stderr.contains("give --list LIST"))
            }
        }
    }

    /// Opens the page in Debian's Chromium and runs axe-core's WCAG 2.1 A and AA rules
    /// (scripts/check-certificate-a11y.py, with the venv of scripts/browser-venv.sh); required in
    /// CI, skipped locally without `RECORDKEEPER_BROWSER_PYTHON`.
    static func checkAccessibility(_ page: URL) throws {
        guard let python = ProcessInfo.processInfo.environment["RECORDKEEPER_BROWSER_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("RECORDKEEPER_BROWSER_PYTHON is not set: scripts/test.sh installs selenium and axe-core (scripts/browser-venv.sh)")
            }
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestEnvironment.repositoryRoot.appendingPathComponent("scripts/check-certificate-a11y.py").path, page.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the certificate fails axe-core in Chromium: \(report)")
    }
}
