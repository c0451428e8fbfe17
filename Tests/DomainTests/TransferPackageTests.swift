import Disposition
import Events
import Exports
import Foundation
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import RecordkeeperCore
import Retention
import TestSupport
import Testing
import Transfers
import Zstd

/// Transfer packages (issue 15 item 7, issue 14 item 5): an approved transfer list's records as
/// a verifiable export bundle with the archives' metadata; every refusal writes nothing.
@Suite("Transfer packages", .timeLimit(.minutes(3)))
struct TransferPackageTests {
    typealias X = DispositionFixture
    static let archival = "GS50-01-12 Rev. 3"
    static let archives = "Washington State Archives"

    /// The ledger's positions of the fixture's messages.
    struct Fixture {
        /// Every message of the two records the transfer list holds.
        var onList: [Int64]
        /// A message of the same citizen a month later (a record not yet eligible, not on the list).
        var offList: Int64
        var image: Int64
        var records: [RetentionRecordID]
        var directory: URL
        /// The scratch database (for changes only its superuser may make).
        var db: ScratchDatabase
    }

    /// A signing key, the Washington catalog, two records of an archival series, both eligible on
    /// 2027-11-11 (a text and an archived image; a text and an outbound reply), and a later record
    /// of the same series (not eligible then).
    static func withFixture(_ body: (PostgresClient, LedgerStore, Fixture) async throws -> Void) async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                try await X.load(store, try X.washingtonCore())
                let first = X.citizen("15550000041")
                let second = X.citizen("15550000042")
                let day = X.seconds("2025-11-10")
                let image = try await store.append(WhatsAppFixtures.image("wamid.img41", from: first, at: day + 60, mediaID: "media-41"), to: X.ledger)
                let media = MediaStoredPayload(
                    mediaID: "media-41", messageID: "wamid.img41", mimeType: "image/jpeg", metaSHA256: nil, original: Array("JPEG bytes of a site plan".utf8))
                _ = try await store.append(
                    NewEvent(
                        stream: WhatsAppFixtures.stream(first), eventType: MediaEvents.stored, occurredAt: WhatsAppFixtures.time(day + 61),
                        actor: "system:media-fetcher", dedupeKey: MediaEvents.outcomeDedupeKey(mediaID: "media-41"),
                        header: #"{"v":1,"message_id":"wamid.img41","media_id":"media-41","message_position":\#(image.position)}"#,
                        payload: try media.encoded()),
                    to: X.ledger)
                let reply = try await store.append(
                    WhatsAppFixtures.sent("wamid.out42", to: second, at: X.seconds("2025-11-09") + 60, text: "Your permit is approved."), to: X.ledger)
                let records = try await X.record(store, [("15550000041", "2025-11-10"), ("15550000042", "2025-11-09")], in: archival)
                let later = try await X.record(store, [("15550000041", "2025-12-05")], in: archival)
                let positions = try await messagePositions(client)
                let offList = try #require(try await scalar(client, "SELECT max(position) FROM conversation_messages", as: Int64.self))
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rk-transfer-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                #expect(positions.count == 5 && later.count == 1)
                #expect(positions.contains(reply[0].position))
                try await body(
                    client, store,
                    Fixture(
                        onList: positions.filter { $0 != offList }, offList: offList, image: image.position, records: records, directory: directory,
                        db: db))
            }
        }
    }

    static func messagePositions(_ client: PostgresClient) async throws -> [Int64] {
        var positions: [Int64] = []
        for try await position in try await client.query("SELECT position FROM conversation_messages ORDER BY position", logger: testLogger).decode(
            Int64.self)
        {
            positions.append(position)
        }
        return positions
    }

    static func packages(_ store: LedgerStore) -> TransferPackages { TransferPackages(store: store, ledger: X.ledger, logName: "test.example") }

    static func order(_ fixture: Fixture, list: String) -> TransferPackageOrder {
        TransferPackageOrder(list: list, directory: fixture.directory, agency: "City of Example", archives: archives, contact: "records@example.gov")
    }

    /// The transfer list of the fixture's eligible records, approved unless `approve` is false.
    static func transferList(_ store: LedgerStore, approve: Bool = true) async throws -> DispositionList {
        let lists = DispositionLists(store: store, ledger: X.ledger)
        let list = try #require(try await lists.run(series: archival, actor: X.officer, now: X.date("2027-11-11")).first)
        if approve { try await lists.approve(list: list.list, actor: X.officer, now: X.date("2027-11-11")) }
        return list
    }

    /// The members of the package's tar (path → bytes).
    static func members(_ url: URL) throws -> [String: [UInt8]] {
        let tar = try Zstd.decompress(Array(try Data(contentsOf: url)), maxOutputBytes: 64 << 20)
        var members: [String: [UInt8]] = [:]
        var offset = 0
        while offset + 512 <= tar.count, tar[offset] != 0 {
            let name = String(decoding: tar[offset..<(offset + 100)].prefix { $0 != 0 }, as: UTF8.self)
            let sizeText = String(decoding: tar[(offset + 124)..<(offset + 136)].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self)
            let size = Int(sizeText, radix: 8) ?? 0
            members[name] = Array(tar[(offset + 512)..<(offset + 512 + size)])
            offset += 512 + (size + 511) / 512 * 512
        }
        return members
    }

    static func refusal(_ body: () async throws -> Void) async -> TransferPackageError? {
        do {
            try await body()
            return nil
        } catch let error as TransferPackageError {
            return error
        } catch {
            Issue.record("not a transfer package refusal: \(error)")
            return nil
        }
    }

    static func files(_ directory: URL) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] }

    @Test("the package verifies offline, holds every message of the list's records released in full and no other, and the archives' metadata")
    func package() async throws {
        try await Self.withFixture { client, store, fixture in
            let list = try await Self.transferList(store)
            let made = try await Self.packages(store).produce(Self.order(fixture, list: list.list), actor: X.officer, now: X.date("2027-11-12"))
            #expect(made.file == "\(list.list).tar.zst")
            #expect((made.records, made.messages, made.media) == (2, fixture.onList.count, 1))
            let url = fixture.directory.appendingPathComponent(made.file)
            let report = ExportVerifier.verify(bundle: url)
            #expect(report.ok, "\(report.problems)")
            #expect((report.released, report.redacted, report.withheld) == (fixture.onList.count, 0, 0))
            #expect(report.transferList == list.list)
            #expect(report.manifestSHA256 == made.manifestSHA256)

            let members = try Self.members(url)
            let manifest = try JSONValue.parse(try #require(members["manifest.json"]))
            let positions = (manifest["messages"]?.array ?? []).compactMap { $0["position"]?.integer }
            #expect(positions == fixture.onList, "every message of the list's records, and no other")
            #expect(!positions.contains(fixture.offList))
            #expect((manifest["messages"]?.array ?? []).allSatisfy { $0["state"]?.string == "released" && $0["salt"]?.string?.count == 64 })
            for position in fixture.onList { #expect(members["payloads/\(position).bin"] != nil, "the payload of \(position)") }
            #expect(members["media/p\(fixture.image)-media_41.jpg"] == Array("JPEG bytes of a site plan".utf8))
            #expect(members["transmittal_letter.html"] != nil && members["cover_letter.html"] == nil)
            let letter = String(decoding: members["transmittal_letter.html"] ?? [], as: UTF8.self)
            #expect(letter.contains(list.list) && letter.contains(Self.archives) && letter.contains(Self.archival))

            let transfer = try #require(manifest["transfer"])
            #expect(transfer["list"]?.string == list.list)
            #expect(transfer["agency"]?.string == "City of Example")
            #expect(transfer["archives"]?.string == Self.archives)
            #expect(transfer["record_count"]?.integer == 2)
            let records = (transfer["records"]?.array ?? []).map { "\($0["stream"]?.string ?? "")@\($0["month"]?.string ?? "")" }
            #expect(records == fixture.records.map(\.description).sorted())
            let series = try #require(transfer["series"])
            #expect(series["citation"]?.string == Self.archival)
            #expect(series["dan"]?.string == "GS50-01-12" && series["revision"]?.integer == 3)
            #expect(series["designation"]?.string != "non_archival")
            #expect(series["retention"]?.string?.hasPrefix("P") == true)
            #expect(transfer["approvals"]?.array?.first?["by"]?.string == X.officer)
            #expect(transfer["date_range"]?["from"]?.string?.hasPrefix("2025-11-09T00:00:00") == true, "the first message, the second citizen's")
            #expect(transfer["date_range"]?["to"]?.string?.hasPrefix("2025-11-10T00:01:00") == true, "the last message, the image")
            #expect(transfer["produced_at"]?.string?.hasPrefix("2027-11-12") == true)

            // The events: export.produced on the disposition stream, access.exported; no citizen in a header.
            let header = try #require(
                try await scalar(
                    client, "SELECT header FROM ledger_entries WHERE event_type = 'export.produced' AND stream = 'retention/disposition'", as: String.self))
            let json = try JSONValue.parse(Array(header.utf8))
            #expect(json["list"]?.string == list.list)
            #expect(json["manifest_sha256"]?.string == made.manifestSHA256)
            #expect(json["file"]?.string == made.file)
            #expect(json["records"]?.integer == 2 && json["messages"]?.integer == Int64(fixture.onList.count))
            #expect(!header.contains("15550000041") && !header.contains("15550000042"))
            let access = try #require(try await scalar(client, "SELECT header FROM ledger_entries WHERE event_type = 'access.exported'", as: String.self))
            #expect(access.contains(list.list) && access.contains(made.manifestSHA256))
            #expect(try await Self.packages(store).packages(list: list.list).map(\.manifestSHA256) == [made.manifestSHA256])

            // Handing it over names the package; afterwards no package is made of the list.
            let (done, handed) = try await Self.packages(store).recordTransfer(
                list: list.list, archives: Self.archives, reference: "WSA-2027-114", package: url, actor: X.officer, now: X.date("2027-11-13"))
            #expect(handed?.manifestSHA256 == made.manifestSHA256)
            let transferred = try #require(
                try await scalar(client, "SELECT header FROM ledger_entries WHERE event_type = 'records.transferred'", as: String.self))
            #expect(try JSONValue.parse(Array(transferred.utf8))["package_manifest_sha256"]?.string == made.manifestSHA256)
            let position = try #require(done.transferredPosition)
            try FileManager.default.removeItem(at: url)
            let entries = try await X.entries(client)
            let again = await Self.refusal {
                _ = try await Self.packages(store).produce(Self.order(fixture, list: list.list), actor: X.officer, now: X.date("2027-11-14"))
            }
            #expect(again == .alreadyTransferred(list: list.list, position: position))
            #expect(Self.files(fixture.directory).isEmpty)
            #expect(try await X.entries(client) == entries)
        }
    }

    @Test("an unknown list, a destruction list, a list not approved, destroyed content, a package not of the list: each refused, nothing written")
    func refusals() async throws {
        try await Self.withFixture { client, store, fixture in
            let packages = Self.packages(store)
            let unapproved = try await Self.transferList(store, approve: false)
            _ = try await X.record(store, [("15550000043", "2025-11-10")], in: "GS2010-001")
            let destruction = try #require(
                try await DispositionLists(store: store, ledger: X.ledger).run(series: "GS2010-001", actor: X.officer, now: X.date("2027-11-11")).first)
            let entries = try await X.entries(client)
            func refused(_ list: String) async -> TransferPackageError? {
                await Self.refusal { _ = try await packages.produce(Self.order(fixture, list: list), actor: X.officer, now: X.date("2027-11-12")) }
            }
            #expect(await refused("DL-20271111-00000000") == .unknownList("DL-20271111-00000000"))
            #expect(await refused(destruction.list) == .destructionList(destruction.list))
            #expect(await refused(unapproved.list) == .notApproved(list: unapproved.list, approvals: 0, required: 1))
            #expect(
                await Self.refusal {
                    _ = try await packages.produce(Self.order(fixture, list: unapproved.list), actor: X.officer, role: "agent", now: X.date("2027-11-12"))
                } == .notAllowed(role: "agent"))
            // A record of the list whose content was destroyed (as its data key says; set here as
            // the destruction door would, without removing anything, and set back after).
            try await DispositionLists(store: store, ledger: X.ledger).approve(list: unapproved.list, actor: X.officer, now: X.date("2027-11-11"))
            let entriesApproved = try await X.entries(client)
            let record = fixture.records[0]
            func markDestroyed(_ position: Int64?) async throws {
                try await fixture.db.asSuperuser { superuser in
                    try await superuser.withConnection { connection in
                        _ = try await connection.query("BEGIN", logger: testLogger)
                        _ = try await connection.query("SELECT set_config('recordkeeper.destruction', 'authorised', true)", logger: testLogger)
                        _ = try await connection.query(
                            "UPDATE data_keys SET destroyed_by_position = \(position) WHERE stream = \(record.stream) AND period = \(record.period)",
                            logger: testLogger)
                        _ = try await connection.query("COMMIT", logger: testLogger)
                    }
                }
            }
            try await markDestroyed(1)
            #expect(await refused(unapproved.list) == .contentDestroyed(list: unapproved.list, records: [record.description]))
            try await markDestroyed(nil)
            #expect(Self.files(fixture.directory).isEmpty, "no file left")
            #expect(try await X.entries(client) == entriesApproved)
            #expect(entriesApproved == entries + 1, "only the approval was appended")
            // Recording the hand-over with a file that is not the list's package is refused.
            let stray = fixture.directory.appendingPathComponent("stray.tar.zst")
            try Data("not a bundle".utf8).write(to: stray)
            let rejected = await Self.refusal {
                _ = try await packages.recordTransfer(
                    list: unapproved.list, archives: Self.archives, reference: "T-1", package: stray, actor: X.officer, now: X.date("2027-11-12"))
            }
            guard case .packageRejected? = rejected else {
                Issue.record("expected packageRejected, got \(String(describing: rejected))")
                return
            }
            #expect(try await X.entries(client) == entriesApproved)
        }
    }
}
