import AsyncHTTPClient
import Foundation
import Ledger
import LedgerStore
import NIOCore
import NIOHTTP1
import PostgresNIO
import RecordkeeperCore
import ServiceTestSupport
import TestSupport
import Testing

/// Issue 14's acceptance scenario: the whole year of a records officer, against real PostgreSQL,
/// `recordkeeper serve` receiving citizens' messages (dated across two years: Meta's timestamps
/// are what the ledger dates them by) and the officer's commands as child processes.
@Suite("A records officer's year", .timeLimit(.minutes(10)))
struct RecordsOfficerYearTests {
    static let catalog = TestEnvironment.repositoryRoot.appendingPathComponent("config/retention/washington-core.yaml")
    static let phone = "106540352242922"

    /// A citizen, the day their message is dated, and what they wrote.
    struct Correspondence {
        var waID: String
        var wamid: String
        var date: String
        var text: String
        var stream: String { "wa/\(RecordsOfficerYearTests.phone)/p:\(waID)" }
        var record: String { "\(stream)@\(date.prefix(7))" }
        var timestamp: Int64 { Int64(ISO8601DateFormatter().date(from: "\(date)T10:00:00Z")!.timeIntervalSince1970) }
    }

    /// Held: litigation over this citizen (eligible, but under hold).
    static let held = Correspondence(waID: "15550001001", wamid: "wamid.held", date: "2025-01-15", text: "HELD-7d1e the pothole on Main St broke my axle")
    /// Destroyed: eligible under GS2010-001, no hold.
    static let destroyed = Correspondence(
        waID: "15550001002", wamid: "wamid.gone", date: "2025-01-16", text: "GONE-3f9a when is the permit office open")
    /// Destroyed too, filed by hand into GS2010-001 after a rule sent it to the council series.
    static let refiled = Correspondence(
        waID: "15550001005", wamid: "wamid.refiled", date: "2025-02-03", text: "GONE-b42c the council agenda link is broken")
    /// Not eligible yet: too recent.
    static let recent = Correspondence(waID: "15550001003", wamid: "wamid.recent", date: "2026-11-20", text: "KEPT-a5c0 my bin was not collected")
    /// Filed by a keyword rule into the council series (archival: transferred, never destroyed).
    static let council = Correspondence(
        waID: "15550001004", wamid: "wamid.council", date: "2025-01-20", text: "KEPT-c81d question for the council about zoning")
    /// Media bytes of the destroyed record.
    static let mediaBytes = Array("GONE-MEDIA-0x5eed2b1 fake jpeg".utf8)

    static let rules = """
        transitory_phrases: ["ok", "thanks"]
        rules:
          - id: council
            series: GS50-01-12 Rev. 3
            when:
              keywords: ["council"]
        """

    struct Status: Decodable {
        struct Record: Decodable {
            var record: String
            var series: String?
            var state: String
        }

        var records: [Record]
    }

    struct Run: Decodable {
        struct List: Decodable {
            var list: String
            var series: String
            var action: String
        }

        var lists: [List]
    }

    struct Certificate: Decodable {
        struct Record: Decodable { var recordId: String }
        var records: [Record]
    }

    struct Verify: Decodable {
        struct Ledger: Decodable {
            struct Destruction: Decodable {
                var authorisedBy: Int64
                var payloads: Int64
                var list: String?
            }

            var ok: Bool
            var payloadsDestroyed: Int64
            var destructions: [Destruction]
        }

        var ok: Bool
        var ledgers: [Ledger]
    }

    static func deliver(_ http: HTTPClient, base: String, _ c: Correspondence) async throws {
        let body = WebhookDeliveries.textDelivery(wamid: c.wamid, waID: c.waID, text: c.text, phoneNumberID: phone, timestamp: c.timestamp)
        var request = HTTPClientRequest(url: "\(base)/webhooks/whatsapp")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookDeliveries.signature(body))
        request.body = .bytes(ByteBuffer(bytes: body))
        #expect(try await http.execute(request, timeout: .seconds(30)).status == .ok)
    }

    static func count(_ database: ScratchDatabase, _ sql: String) async throws -> Int64 {
        try await database.asSuperuser { client in
            for try await n in try await client.query(PostgresQuery(unsafeSQL: sql), logger: testLogger).decode(Int64.self) { return n }
            return 0
        }
    }

    /// Every payload of the ledger that `key` opens (one that does not open is left out).
    static func readablePayloads(_ database: ScratchDatabase, key: MasterKey) async throws -> [(position: Int64, stream: String, bytes: [UInt8])] {
        try await database.asSuperuser { client in
            try await LedgerStore.withStore(client: client, masterKey: key, logger: testLogger) { store in
                let head = try await store.head(of: try await store.ledger(named: "main", create: false)).position
                var found: [(Int64, String, [UInt8])] = []
                for position in Int64(1)...max(1, head) {
                    if let record = try? await store.record(ledger: "main", position: position), case .bytes(let bytes) = record.payload {
                        found.append((position, record.entry.fields.stream, bytes))
                    }
                }
                return found
            }
        }
    }

    /// The tables and columns of the public schema holding `needle` (as text, or its bytes in any
    /// bytea column).
    static func columnsHolding(_ needle: [UInt8], database: ScratchDatabase) async throws -> [String] {
        try await database.asSuperuser { client in
            var columns: [(String, String, String)] = []
            for try await row in try await client.query(
                """
                SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                """, logger: testLogger
            ).decode((String, String, String).self) {
                columns.append(row)
            }
            #expect(columns.count > 100, "every column of every table is scanned")
            var holding: [String] = []
            let text = String(decoding: needle, as: UTF8.self)
            for (table, column, type) in columns {
                let test =
                    type == "bytea"
                    ? "position(decode('\(Hex.encode(needle))', 'hex') IN \"\(column)\") > 0"
                    : "strpos(\"\(column)\"::text, '\(text.replacingOccurrences(of: "'", with: "''"))') > 0"
                let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \"\(table)\" WHERE \(test)"), logger: testLogger)
                for try await n in rows.decode(Int64.self) where n > 0 { holding.append("\(table).\(column)") }
            }
            return holding
        }
    }

    @Test("load the catalog, receive two years of messages, file by rule and by hand, hold one citizen, dispose, approve, destroy, prove it")
    func year() async throws {
        try await withScratchDatabase { database in
            try await withTemporaryDirectory { work in
                let keyText = TestEnvironment.randomMasterKeyBase64()
                let key = try MasterKey(base64: keyText)
                var cli = try RecordkeeperCLI.external(database: database, workDirectory: work, masterKey: keyText)
                cli.environment["WHATSAPP_APP_SECRET"] = WebhookDeliveries.appSecret
                cli.environment["RECORDKEEPER_ADMIN_TOKEN"] = "records-officer-year-admin-token-0123"
                try await cli.succeed(["migrate"])
                // January: the catalog and the filing rules.
                try await cli.succeed(["retention", "load", Self.catalog.path])
                let rulesFile = work.appendingPathComponent("rules.yaml")
                try Self.rules.write(to: rulesFile, atomically: true, encoding: .utf8)
                try await cli.succeed(["retention", "rules", "load", rulesFile.path])

                let port = try freeLocalPort()
                let serve = try ChildProcess.spawn(
                    cli.binary, ["serve", "--port", String(port)], environment: cli.environment, workingDirectory: work.path, outputDirectory: work,
                    label: "serve")
                let base = "http://127.0.0.1:\(port)"
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                do {
                    _ = try await waitForHTTP("\(base)/readyz", from: serve, within: .seconds(60))
                    for c in [Self.held, Self.destroyed, Self.refiled, Self.recent, Self.council] { try await Self.deliver(http, base: base, c) }
                    // The destroyed citizen's photo, archived in the same record (the media store is the ledger).
                    try await database.withStore(masterKey: key) { _, store in
                        let position = try #require(
                            try await store.client.query(
                                "SELECT position FROM ledger_entries WHERE dedupe_key = 'wa:msg:wamid.gone'", logger: testLogger
                            ).collect().first?.decode(Int64.self))
                        var stored = WhatsAppFixtures.mediaOutcome(
                            "media.gone", message: "wamid.gone", position: position, stream: Self.destroyed.stream, stored: true)
                        stored.occurredAt = LedgerTimestamp(microseconds: (Self.destroyed.timestamp + 60) * 1_000_000)
                        let metadata = stored.payload.prefix { $0 != 0x0A }
                        stored.payload = Array(metadata) + [0x0A] + Self.mediaBytes
                        _ = try await store.append(stored, to: "main")
                    }
                    // The filer files every record (by rule or by default).
                    try await eventually("every record is filed", timeout: .seconds(90)) {
                        try await Self.count(database, "SELECT count(*) FROM retention_records WHERE series IS NOT NULL AND kind = 'correspondence'") >= 5
                    }
                    serve.send(SIGTERM)
                    #expect(try await serve.waitForExit(timeout: .seconds(60)) == .exited(0), "\(serve.stderr)")
                    try await http.shutdown()
                } catch {
                    await serve.killAndReap()
                    try? await http.shutdown()
                    throw error
                }

                let now = { (date: String) in ["--now", "\(date)T12:00:00Z"] }
                var status = try await cli.run(["retention", "status", "--json"] + now("2027-03-01")).json(Status.self)
                let series = Dictionary(status.records.map { ($0.record, $0.series ?? "") }, uniquingKeysWith: { a, _ in a })
                #expect(series[Self.council.record] == "GS50-01-12 Rev. 3", "filed by the keyword rule")
                #expect(series[Self.refiled.record] == "GS50-01-12 Rev. 3", "filed by the keyword rule, before the officer re-files it")
                #expect(series[Self.destroyed.record] == "GS2010-001", "filed by default")
                // Filing by hand, with a reason.
                try await cli.succeed([
                    "retention", "file", Self.refiled.record, "--series", "GS2010-001", "--reason", "a broken link, not council business",
                ])
                // March 2027: a litigation hold on one citizen.
                try await cli.succeed(
                    [
                        "retention", "holds", "place", "--type", "litigation", "--matter", "Doe v. City of Example", "--custodian", "City Clerk",
                        "--reason", "claim for vehicle damage", "--citizen", "+\(Self.held.waID)",
                    ] + now("2027-03-01"))

                // The nightly backup, before any destruction.
                let dump = work.appendingPathComponent("before.dump").path
                try PostgresPrograms.run("pg_dump", ["--format=custom", "--file=\(dump)", database.superuserURL])

                // April 2027: disposition.
                let ran = try await cli.run(["retention", "disposition", "run", "--json"] + now("2027-04-01"))
                try #require(ran.exitCode == 0, "\(ran.transcript)")
                let lists = try ran.json(Run.self).lists
                let destroyList = try #require(lists.first { $0.action == "destroy" && $0.series == "GS2010-001" })
                #expect(lists.contains { $0.action == "transfer" && $0.series == "GS50-01-12 Rev. 3" }, "the archival series makes a transfer list")
                try await cli.succeed(["retention", "disposition", "approve", destroyList.list])
                let destroy = try await cli.run(["retention", "destroy", destroyList.list, "--json"] + now("2027-04-02"))
                try #require(destroy.exitCode == 0, "\(destroy.transcript)")

                status = try await cli.run(["retention", "status", "--json"] + now("2027-04-02")).json(Status.self)
                let state = Dictionary(status.records.map { ($0.record, $0.state) }, uniquingKeysWith: { a, _ in a })
                #expect(state[Self.destroyed.record] == "destroyed")
                #expect(state[Self.refiled.record] == "destroyed")
                #expect(state[Self.held.record] != "destroyed")
                #expect(state[Self.recent.record] == "retained")

                // Held, recent and council records are intact; the destroyed texts and media bytes are nowhere.
                let payloads = try await Self.readablePayloads(database, key: key)
                let everything = payloads.map { String(decoding: $0.bytes, as: UTF8.self) }.joined(separator: "\n")
                for kept in [Self.held, Self.recent, Self.council] { #expect(everything.contains(kept.text), "\(kept.wamid) is intact") }
                for gone in [Self.destroyed.text, Self.refiled.text, String(decoding: Self.mediaBytes, as: UTF8.self)] {
                    #expect(!everything.contains(gone), "no readable payload holds \(gone)")
                    #expect(try await Self.columnsHolding(Array(gone.utf8), database: database) == [], "no column of any table holds \(gone)")
                }
                #expect(try await Self.columnsHolding(Array(Self.held.text.utf8), database: database) == [], "content is never stored in clear")
                #expect(
                    try await Self.columnsHolding(Array("Citizen \(Self.destroyed.waID)".utf8), database: database) == [],
                    "the profile name taken from the destroyed messages is purged with them")
                #expect(
                    try await Self.columnsHolding(Array("Citizen \(Self.held.waID)".utf8), database: database) == ["conversations.profile_name"],
                    "a kept conversation keeps its profile name")

                // The certificate lists exactly the destroyed records.
                let certificate = try await cli.run(["retention", "log", "--list", destroyList.list, "--format", "json"])
                try #require(certificate.exitCode == 0, "\(certificate.transcript)")
                #expect(Set(try certificate.json(Certificate.self).records.map(\.recordId)) == [Self.destroyed.record, Self.refiled.record])
                // verify passes and reports the lawful destruction with its authority; the audit passes.
                let verify = try await cli.run(["verify", "--json"])
                #expect(verify.exitCode == 0, "\(verify.transcript)")
                let report = try verify.json(Verify.self)
                #expect(report.ledgers.first?.payloadsDestroyed ?? 0 >= 3)
                #expect(report.ledgers.first?.destructions.map(\.list) == [destroyList.list])
                let audit = try await cli.run(["audit", "retention"])
                #expect(audit.exitCode == 0, "\(audit.transcript)")
                #expect(audit.stdout.contains("WARNING") && audit.stdout.contains("keys rotate"), "the audit says backups still hold the keys: \(audit.stdout)")

                // Rotate the master key and retire the old one: the pre-destruction backup, restored, opens with nothing current.
                let newKeyFile = work.appendingPathComponent("master-2.key").path
                var owner = cli
                owner.environment["DATABASE_OWNER_URL"] = database.superuserURL
                try await owner.succeed(["keys", "rotate", "--new-key-file", newKeyFile])
                let newKey = try MasterKey(base64: try String(contentsOfFile: newKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
                try await withScratchDatabase { restored in
                    try PostgresPrograms.run("pg_restore", ["--no-owner", "--dbname=\(restored.superuserURL)", dump])
                    let opened = try await Self.readablePayloads(restored, key: newKey)
                    #expect(opened.isEmpty, "the backup's data keys are wrapped under the retired key")
                    let withOldKey = try await Self.readablePayloads(restored, key: key)
                    #expect(
                        withOldKey.contains { String(decoding: $0.bytes, as: UTF8.self).contains(Self.destroyed.text) },
                        "kept, the old key would still open the backup: that is why it is retired")
                }
            }
        }
    }
}
