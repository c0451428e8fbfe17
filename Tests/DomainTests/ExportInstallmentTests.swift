import Access
import Events
import ExportSources
import Exports
import Foundation
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import RecordkeeperCore
import Requests
import TestSupport
import Testing
import Zstd

/// Installments of public-records requests exported from the database (issue 15, items 5 and 7):
/// the bundle verifies offline, redacted and withheld messages are proven without being revealed,
/// a changed byte is named, the events are recorded and listed, and a closed request is refused
/// with nothing written and no file left.
@Suite("Export installments", .timeLimit(.minutes(3)))
struct ExportInstallmentTests {
    static let ledger = "main"
    static let officer = "staff:olivia"
    static let citizen = FixtureCitizen(waID: "16505551234")
    static let ssn = "123-45-6789"
    static let card = "4111 1111 1111 1111"
    static let now = Date(timeIntervalSince1970: 1_765_000_000)

    /// The messages of the fixture, by name: their ledger positions.
    struct Fixture {
        var request: String
        var redacted: Int64
        var outbound: Int64
        var withheld: Int64
        var image: Int64
        var unrelated: Int64
        var directory: URL

        var positions: [Int64] { [redacted, outbound, withheld, image] }
    }

    /// A ledger with a signing key, five messages of one conversation (one with an archived
    /// image) and an open request; `body` gets the store and an empty output directory.
    static func withFixture(_ body: (PostgresClient, LedgerStore, Fixture) async throws -> Void) async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                var events = [
                    WhatsAppFixtures.message(
                        "wamid.1", from: citizen, at: 100, body: ["body": "Hello, my SSN is \(ssn) and I need the Elm Street permit."])
                ]
                events += WhatsAppFixtures.sent("wamid.2", to: citizen, at: 200, text: "We can help with the Elm Street permit.")
                events.append(
                    WhatsAppFixtures.message("wamid.3", from: citizen, at: 300, body: ["body": "My card \(card) was charged twice for it."]))
                events.append(WhatsAppFixtures.image("wamid.4", from: citizen, at: 400, mediaID: "media-4"))
                events.append(WhatsAppFixtures.message("wamid.5", from: citizen, at: 500, body: ["body": "Unrelated question about parking."]))
                let receipts = try await store.append(events, to: ledger)
                let image = receipts[4].position
                // The media fetcher's outcome, as docs/whatsapp-ingest.md records it.
                let media = MediaStoredPayload(
                    mediaID: "media-4", messageID: "wamid.4", mimeType: "image/jpeg", metaSHA256: nil, original: Array("JPEG bytes of the permit".utf8))
                _ = try await store.append(
                    NewEvent(
                        stream: WhatsAppFixtures.stream(citizen), eventType: MediaEvents.stored, occurredAt: WhatsAppFixtures.time(401),
                        actor: "system:media-fetcher", dedupeKey: MediaEvents.outcomeDedupeKey(mediaID: "media-4"),
                        header: #"{"v":1,"message_id":"wamid.4","media_id":"media-4","message_position":\#(image)}"#, payload: try media.encoded()),
                    to: ledger)
                let request = try await RecordsRequests(store: store, ledger: ledger).open(
                    NewRecordsRequest(
                        channel: .email, text: "Messages about the Elm Street permit.", requester: Requester(name: "Jane Citizen", contact: nil)),
                    actor: officer, role: .requestOfficer, now: now)
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rk-installment-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                try await body(
                    client, store,
                    Fixture(
                        request: request.id, redacted: receipts[0].position, outbound: receipts[1].position, withheld: receipts[3].position,
                        image: image, unrelated: receipts[5].position, directory: directory))
            }
        }
    }

    static func order(_ fixture: Fixture, decisions: InstallmentDecisions? = nil) -> InstallmentOrder {
        let exemption = ExportExemption(citation: "RCW 42.56.230(5)", explanation: "the resident's debit card number")
        let ssnSpan = ExportRedaction(
            start: 17, length: ssn.unicodeScalars.count,
            exemption: ExportExemption(citation: "RCW 42.56.230(7)(a)", explanation: "the resident's social security number"))
        return InstallmentOrder(
            requestID: fixture.request, positions: fixture.positions, directory: fixture.directory,
            decisions: decisions ?? InstallmentDecisions(redactions: [fixture.redacted: [ssnSpan]], withheld: [fixture.withheld: exemption]),
            agency: "City of Example", contact: "records@example.gov")
    }

    static func installments(_ store: LedgerStore) -> RequestInstallments {
        RequestInstallments(store: store, ledger: ledger, logName: "test.example")
    }

    /// The bundle's tar: every member's bytes (the RSMF zip is stored, not compressed).
    static func tar(_ url: URL) throws -> [UInt8] {
        try Zstd.decompress(Array(try Data(contentsOf: url)), maxOutputBytes: 64 << 20)
    }

    static func contains(_ haystack: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<(start + needle.count)].elementsEqual(needle) }
    }

    static func entries(_ client: PostgresClient) async throws -> Int64 {
        for try await count in try await client.query("SELECT count(*) FROM ledger_entries", logger: testLogger).decode(Int64.self) { return count }
        return 0
    }

    @Test("an installment verifies offline; the redacted SSN and the withheld message are proven but appear in no file of the bundle")
    func verifiesWithoutRevealing() async throws {
        try await Self.withFixture { client, store, fixture in
            let made = try await Self.installments(store).produce(Self.order(fixture), actor: Self.officer, role: .requestOfficer, now: Self.now)
            #expect(made.number == 1 && made.file == "\(fixture.request)-1.tar.zst")
            #expect((made.messages, made.released, made.redacted, made.withheld) == (4, 2, 1, 1))
            let bundle = fixture.directory.appendingPathComponent(made.file)
            let report = ExportVerifier.verify(bundle: bundle)
            #expect(report.ok, "\(report.problems)")
            #expect((report.released, report.redacted, report.withheld) == (2, 1, 1))
            #expect(report.checkpointSize.map { $0 >= UInt64(fixture.image) } == true)

            let tar = try Self.tar(bundle)
            #expect(!Self.contains(tar, Self.ssn), "the redacted SSN is in no file")
            #expect(!Self.contains(tar, "charged twice"), "the withheld message's text is in no file")
            #expect(!Self.contains(tar, Self.card), "nor its card number")
            #expect(!Self.contains(tar, "parking"), "a message not selected is not exported")
            #expect(Self.contains(tar, "Hello, my SSN is [redacted: RCW 42.56.230(7)(a)] and I need the Elm Street permit."))
            #expect(Self.contains(tar, "We can help with the Elm Street permit."))
            #expect(Self.contains(tar, "JPEG bytes of the permit"), "the released image is in the bundle")
            #expect(Self.contains(tar, "the resident's debit card number"), "the exemption log explains the withholding")
        }
    }

    @Test("changing one byte of a file of the bundle fails verification and names the file")
    func changedByteFails() async throws {
        try await Self.withFixture { _, store, fixture in
            let made = try await Self.installments(store).produce(Self.order(fixture), actor: Self.officer, role: .requestOfficer, now: Self.now)
            var tar = try Self.tar(fixture.directory.appendingPathComponent(made.file))
            let needle = Array(#""text":"We can help"#.utf8)  // its line in messages.jsonl
            let at = try #require((0...(tar.count - needle.count)).first { tar[$0..<($0 + needle.count)].elementsEqual(needle) })
            tar[at + 8] = UInt8(ascii: "w")
            let altered = fixture.directory.appendingPathComponent("altered.tar.zst")
            try Data(try Zstd.compress(tar)).write(to: altered)
            let report = ExportVerifier.verify(bundle: altered)
            #expect(!report.ok)
            #expect(report.problems.contains { $0.code == "file_changed" && $0.subject == "messages.jsonl" }, "\(report.problems)")
        }
    }

    @Test("the installment is recorded: export.produced on the request (status installment produced, listed), access.exported for the officer")
    func eventsRecordedAndListed() async throws {
        try await Self.withFixture { client, store, fixture in
            let installments = Self.installments(store)
            let first = try await installments.produce(Self.order(fixture), actor: Self.officer, role: .requestOfficer, now: Self.now)
            let (request, _) = try await RecordsRequests(store: store, ledger: Self.ledger).show(fixture.request, role: .auditor)
            #expect(request.status == .installmentProduced)
            #expect(request.firstResponseAt != nil, "an installment is a response")
            let second = try await installments.produce(
                InstallmentOrder(
                    requestID: fixture.request, positions: [fixture.unrelated], directory: fixture.directory, agency: "City of Example",
                    contact: "records@example.gov"), actor: Self.officer, role: .requestOfficer, now: Self.now)
            #expect(second.number == 2)
            let listed = try await installments.list(fixture.request, role: .auditor)
            #expect(listed.map(\.number) == [1, 2])
            #expect(listed.map(\.manifestSHA256) == [first.manifestSHA256, second.manifestSHA256])
            #expect(listed.first?.messages == 4 && listed.first?.redacted == 1 && listed.first?.withheld == 1 && listed.first?.file == first.file)

            let produced = try #require(try await store.record(ledger: Self.ledger, position: first.position))
            #expect(produced.entry.fields.eventType == EventType.Exports.produced)
            let header = try JSONValue.parse(Array(produced.entry.fields.header.utf8))
            #expect(header.text("manifest_sha256") == first.manifestSHA256 && header["installment"]?.integer == 1)
            #expect(!produced.entry.fields.header.contains("Jane"), "the retained header names no requester")
            let access = try #require(try await store.record(ledger: Self.ledger, position: first.position + 1))
            #expect(access.entry.fields.eventType == EventType.Access.exported && access.entry.fields.stream == "access/olivia")
            #expect(try JSONValue.parse(Array(access.entry.fields.header.utf8))["records"]?.integer == 4)
            _ = client
        }
    }

    @Test("redactions approved in review are applied to the installment; one not reviewed yet blocks its message")
    func approvedRedactions() async throws {
        try await Self.withFixture { _, store, fixture in
            let filters = try RequestSearchFilters.parse([(name: "citizen", value: "16505551234")])
            _ = try await RequestSearches(store: store, ledger: Self.ledger).run(
                fixture.request, filters: filters, actor: Self.officer, role: .requestOfficer)
            let redactions = RequestRedactions(store: store, ledger: Self.ledger)
            let applied = try await redactions.apply(
                NewRedaction(
                    messagePosition: fixture.redacted, target: .span(start: 17, length: Self.ssn.unicodeScalars.count), exemption: "ssn",
                    explanation: "The resident's social security number, which they gave to identify themselves for the Elm Street permit"),
                to: fixture.request, actor: Self.officer, role: .requestOfficer)
            // The search's results: the citizen's five messages.
            let order = InstallmentOrder(
                requestID: fixture.request, positions: [], search: 1, directory: fixture.directory, agency: "City of Example",
                contact: "records@example.gov")
            await #expect(throws: InstallmentError.unreviewedRedactions(positions: [fixture.redacted])) {
                try await Self.installments(store).produce(order, actor: Self.officer, role: .requestOfficer, now: Self.now)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).isEmpty)
            _ = try await redactions.review(fixture.request, redaction: applied.id, approve: true, actor: "staff:rita", role: .requestOfficer)
            let made = try await Self.installments(store).produce(order, actor: Self.officer, role: .requestOfficer, now: Self.now)
            #expect(made.messages == 5 && made.redacted == 1 && made.released == 4, "\(made)")
            let bundle = fixture.directory.appendingPathComponent(made.file)
            let report = ExportVerifier.verify(bundle: bundle)
            #expect(report.ok && report.redacted == 1, "\(report.problems)")
            let tar = try Self.tar(bundle)
            #expect(!Self.contains(tar, Self.ssn))
            #expect(Self.contains(tar, "Hello, my SSN is [redacted: "))
        }
    }

    @Test("a closed request is refused: nothing appended, no file left; so are a redaction outside the text and a non-message position")
    func refusals() async throws {
        try await Self.withFixture { client, store, fixture in
            let installments = Self.installments(store)
            let span = ExportRedaction(start: 500, length: 3, exemption: ExportExemption(citation: "RCW 42.56.230(5)", explanation: "a card number"))
            let before = try await Self.entries(client)
            await #expect(throws: InstallmentError.self) {
                try await installments.produce(
                    Self.order(fixture, decisions: InstallmentDecisions(redactions: [fixture.redacted: [span]])), actor: Self.officer,
                    role: .requestOfficer, now: Self.now)
            }
            await #expect(throws: InstallmentError.notMessages(positions: [fixture.outbound + 1])) {
                try await installments.produce(
                    InstallmentOrder(
                        requestID: fixture.request, positions: [fixture.outbound, fixture.outbound + 1], directory: fixture.directory, agency: "City",
                        contact: "x"),
                    actor: Self.officer, role: .requestOfficer, now: Self.now)
            }
            _ = try await RecordsRequests(store: store, ledger: Self.ledger).close(
                fixture.request, reason: .fulfilled, actor: Self.officer, role: .requestOfficer, now: Self.now)
            let closed = try await Self.entries(client)
            #expect(closed > before)
            await #expect(throws: InstallmentError.requestFinal(id: fixture.request, status: "closed")) {
                try await installments.produce(Self.order(fixture), actor: Self.officer, role: .requestOfficer, now: Self.now)
            }
            #expect(try await Self.entries(client) == closed, "nothing appended")
            let left = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)
            #expect(left.isEmpty, "no bundle or partial file is left: \(left)")
            #expect(try await installments.list(fixture.request, role: .auditor).isEmpty)
        }
    }
}
