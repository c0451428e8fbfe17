import Access
import Classification
import Deadlines
import Exports
import Foundation
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import Requests
import Retention
import TestSupport
import Testing
import Zstd

/// Issue 15's scenario, end to end on real PostgreSQL through the library APIs, checking at each
/// step what a public-records officer checks: a request arrives on the Friday before Labor Day and
/// is due on the right day; a search by citizen and date range finds her messages in both teams
/// (and none of another citizen's) and holds their conversations; the SSN and a card number are
/// suggested with their citations; a manual redaction and a withheld photo are added and reviewed;
/// two installments verify offline, reveal none of what was redacted, and log exactly their
/// redactions and withholdings; closing releases the hold once the grace period has passed.
@Suite("Public-records request scenario", .timeLimit(.minutes(2)))
struct PublicRecordsScenarioTests {
    typealias X = RequestSearchFixture
    typealias F = WhatsAppFixtures
    static let reviewer = "staff:rafael"
    static let ssn = "536-22-1234"
    static let card = "4111 1111 1111 1111"
    static let cardText = "Paid the Elm Street permit fee with my card \(card), please send a receipt."
    static let healthText = "The ramp at Elm Street matters because my son uses a wheelchair since his accident."
    static let licencePhoto = "JPEG bytes of Sheena Nelson's driver's licence"

    static func time(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "bad test time \(text)")
    }

    /// The citizen's further messages, added to ``RequestSearchFixture``'s: m6 with a card number
    /// (number A: team permits), m7 about her son's health (number B: team parking), m8 a photo of
    /// her driver's licence with its archived bytes (number A), and m9 in December, outside the
    /// date range searched. Every read model is caught up and the new messages classified.
    static func addMessages(_ store: LedgerStore, to messages: inout X.Messages) async throws {
        func append(_ name: String, _ event: NewEvent) async throws {
            messages.positions[name] = try await store.append(event, to: X.ledger).position
        }
        try await append("m6", F.message("wamid.m6", from: X.sheena, at: X.noon("2025-11-06"), body: ["body": cardText], number: X.numberA))
        try await append("m7", F.message("wamid.m7", from: X.sheena, at: X.noon("2025-11-09"), body: ["body": healthText], number: X.numberB))
        try await append("m8", F.image("wamid.m8", from: X.sheena, at: X.noon("2025-11-10"), mediaID: "media-8"))
        // The media fetcher's outcome, as docs/whatsapp-ingest.md records it.
        let media = MediaStoredPayload(
            mediaID: "media-8", messageID: "wamid.m8", mimeType: "image/jpeg", metaSHA256: nil, original: Array(licencePhoto.utf8))
        _ = try await store.append(
            NewEvent(
                stream: X.sheenaA, eventType: MediaEvents.stored, occurredAt: F.time(X.noon("2025-11-10") + 1), actor: "system:media-fetcher",
                dedupeKey: MediaEvents.outcomeDedupeKey(mediaID: "media-8"),
                header: #"{"v":1,"message_id":"wamid.m8","media_id":"media-8","message_position":\#(messages["m8"])}"#,
                payload: try media.encoded()),
            to: X.ledger)
        try await append("m9", F.message("wamid.m9", from: X.sheena, at: X.noon("2025-12-15"), body: ["body": "Any news?"], number: X.numberA))
        try await X.catchUp(store)
        let classifier = ClassifierService(ledger: X.ledger, store: store, logger: testLogger)
        while try await classifier.runRound() > 0 { try await X.catchUp(store) }
    }

    /// The members of a `.tar.zst` bundle (ustar: regular files only), by path.
    static func members(_ url: URL) throws -> [String: [UInt8]] {
        let tar = try Zstd.decompress(Array(try Data(contentsOf: url)), maxOutputBytes: 64 << 20)
        var result: [String: [UInt8]] = [:]
        var offset = 0
        while offset + 512 <= tar.count, tar[offset..<(offset + 512)].contains(where: { $0 != 0 }) {
            func field(_ from: Int, _ count: Int) -> String {
                String(decoding: tar[(offset + from)..<(offset + from + count)].prefix { $0 != 0 }, as: UTF8.self)
            }
            let prefix = field(345, 155)
            let name = prefix.isEmpty ? field(0, 100) : prefix + "/" + field(0, 100)
            let size = Int(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8) ?? 0
            let type = tar[offset + 156]
            offset += 512
            if type == UInt8(ascii: "0") || type == 0 { result[name] = Array(tar[offset..<min(offset + size, tar.count)]) }
            offset += (size + 511) / 512 * 512
        }
        return result
    }

    static func contains(_ haystack: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// RFC 4180 CSV (quoted fields, doubled quotes, CRLF) as rows of fields.
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var previousQuote = false
        for character in text {
            if quoted {
                if character == "\"" {
                    quoted = false
                    previousQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if previousQuote { field.append("\"") }
                quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\r\n", "\n":
                row.append(field)
                rows.append(row)
                (row, field) = ([], "")
            default: field.append(character)
            }
            previousQuote = false
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }

    /// One exemption-log row as compared: position, extent, action, citation, explanation.
    struct LogRow: Hashable, Comparable, CustomStringConvertible {
        var position: Int64
        var extent: String
        var action: String
        var citation: String
        var explanation: String
        static func < (a: Self, b: Self) -> Bool { (a.position, a.extent) < (b.position, b.extent) }
        var description: String { "\(position) \(extent) \(action) \(citation): \(explanation)" }
    }

    /// The rows the exemption log of an installment of `positions` must have: one per approved
    /// redaction of those messages (a media file's extent compared by its prefix only).
    static func expectedRows(_ redactions: [Redaction], positions: Set<Int64>) -> [LogRow] {
        redactions.filter { $0.state == .approved && positions.contains($0.messagePosition) }.map { redaction in
            let (extent, action): (String, String) =
                switch redaction.target {
                case .span(let start, let length):
                    ("characters \(start + 1) to \(start + length) of the message text (\(length) characters)", "redacted")
                case .message: ("the entire message", "withheld")
                case .media: ("the entire attached file", "withheld")
                }
            return LogRow(
                position: redaction.messagePosition, extent: extent, action: action, citation: redaction.citation,
                explanation: redaction.explanation ?? "")
        }.sorted()
    }

    /// The rows of a bundle's `exemption_log.csv`, after checking its header.
    static func loggedRows(_ members: [String: [UInt8]]) throws -> [LogRow] {
        let file = try #require(members["exemption_log.csv"], "the bundle has an exemption log")
        let rows = csv(String(decoding: file, as: UTF8.self))
        #expect(
            rows.first == ["record_id", "position", "type", "date", "author", "recipients", "extent", "action", "citation", "explanation"])
        return try rows.dropFirst().map { row in
            try #require(row.count == 10, "a row of ten fields: \(row)")
            let extent = row[6].hasPrefix("the entire attached file") ? "the entire attached file" : row[6]
            return LogRow(position: Int64(row[1]) ?? -1, extent: extent, action: row[7], citation: row[8], explanation: row[9])
        }.sorted()
    }

    @Test(
        "a request received the Friday before Labor Day: due date, search across two teams with its hold, suggestions, redactions and a withheld photo reviewed, two verified installments, closed and released"
    )
    func scenario() async throws {
        try await withMigratedDatabase { db in
            try await db.withStore { client, store in
                _ = try await SigningKeyStore.create(client: client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                var m = try await X.setUp(store)
                try await Self.addMessages(store, to: &m)

                // 1. Received Friday 2026-09-04 at 16:30 in Seattle; Monday 2026-09-07 is Labor Day.
                // Five business days, the day of receipt not counted: Sat 5 and Sun 6 (weekend) and
                // Mon 7 (Labor Day) are skipped; Tue 8 (1), Wed 9 (2), Thu 10 (3), Fri 11 (4),
                // Sat 12 and Sun 13 skipped, Mon 14 (5): due Monday 2026-09-14.
                let requests = RecordsRequests(store: store, ledger: X.ledger)
                let opened = try await requests.open(
                    NewRecordsRequest(
                        channel: .email, text: "Every WhatsApp message with Sheena Nelson about Elm Street in November 2025.",
                        requester: Requester(name: "Jane Citizen", contact: "jane@example.org"), receivedAt: try Self.time("2026-09-04T23:30:00Z")),
                    actor: X.officer, role: .requestOfficer, now: try Self.time("2026-09-04T23:40:00Z"))
                let id = opened.id
                #expect(id == "PRR-2026-0001" && opened.status == .open)
                #expect(opened.dueDate.description == "2026-09-14")
                let steps = try #require(opened.explanation).steps.map { "\($0.day) \($0.note)" }
                #expect(
                    steps == [
                        "2026-09-04 day of receipt, not counted", "2026-09-05 skipped, weekend (Saturday)", "2026-09-06 skipped, weekend (Sunday)",
                        "2026-09-07 skipped, holiday: Labor Day", "2026-09-08 business day 1", "2026-09-09 business day 2",
                        "2026-09-10 business day 3", "2026-09-11 business day 4", "2026-09-12 skipped, weekend (Saturday)",
                        "2026-09-13 skipped, weekend (Sunday)", "2026-09-14 business day 5",
                    ], "the explanation shows the arithmetic")

                // 2. Search by citizen and November 2025: her messages in both teams, no one else's.
                let searches = RequestSearches(store: store, ledger: X.ledger)
                let searchedAt = try Self.time("2026-09-08T17:00:00Z")
                func search(_ pairs: [(String, String)]) async throws -> RequestSearchOutcome {
                    try await searches.run(id, filters: try X.filters(pairs), actor: X.officer, role: .requestOfficer, now: searchedAt)
                }
                let november = [("citizen", "+1 (650) 555-1234"), ("from", "2025-11-01"), ("to", "2025-11-30")]
                let found = try await search(november)
                let responsive = m.set("m1", "m3", "m4", "m6", "m7", "m8")
                #expect(found.hits.map(\.position) == responsive, "her five messages and our reply; not m2, m5 (another citizen) nor m9 (December)")
                #expect(Set(found.hits.map(\.conversationID)) == [X.sheenaA, X.sheenaB], "both of her conversations")
                let permits = try await search(november + [("team", "permits")])
                let parking = try await search(november + [("team", "parking")])
                #expect(permits.hits.map(\.position) == m.set("m1", "m4", "m6", "m8"), "the permits team's")
                #expect(parking.hits.map(\.position) == m.set("m3", "m7"), "the parking team's")
                #expect(found.search.number == 1 && found.search.resultCount == 6)

                // Its hold covers both conversations, a later month of them too, and no one else's.
                #expect(found.search.holds == ["H-1"] && permits.search.holds.isEmpty && parking.search.holds.isEmpty)
                let holds = RequestHolds(store: store, ledger: X.ledger)
                let hold = try #require(try await holds.active(for: id).first)
                #expect(hold.type == .publicRecordsRequest && hold.matter == id && hold.scope.conversations == [X.sheenaA, X.sheenaB])
                let records = [
                    RetentionRecordID(stream: X.sheenaA, period: "2025-11"), RetentionRecordID(stream: X.sheenaB, period: "2025-11"),
                    RetentionRecordID(stream: X.sheenaA, period: "2025-12"),
                ]
                let otherRecord = RetentionRecordID(stream: X.otherA, period: "2025-11")
                #expect(
                    try await RequestSearchHoldTests.held(records + [otherRecord], store: store)
                        == Dictionary(uniqueKeysWithValues: records.map { ($0, ["H-1"]) }))

                // 3. Suggestions on search 1: the SSN and the Luhn-valid card, with their citations.
                let redactions = RequestRedactions(store: store, ledger: X.ledger)
                let suggested = try await redactions.suggest(id, search: 1, role: .requestOfficer)
                #expect(suggested.map(\.detector) == ["ssn", "payment_card"], "\(suggested)")
                #expect(suggested.map(\.messagePosition) == [m["m3"], m["m6"]])
                #expect(suggested.map(\.matched) == [Self.ssn, Self.card])
                #expect(suggested.map { [$0.start, $0.length] } == [[28, 11], [44, 19]])
                #expect(suggested.map(\.exemption.code) == ["ssn", "financial-account"])
                #expect(suggested.map(\.exemption.citation) == ["RCW 42.56.250", "RCW 42.56.230(5)"])

                // 4. The officer accepts both, adds a manual span redaction and withholds the photo.
                let redactedAt = try Self.time("2026-09-09T17:00:00Z")
                var applied: [Redaction] = []
                let explanations = [
                    "Sheena Nelson's own Social Security number, which she gave to identify herself for the Elm Street permit",
                    "Sheena Nelson's own debit card number, sent to pay the Elm Street permit fee",
                ]
                for (suggestion, explanation) in zip(suggested, explanations) {
                    applied.append(
                        try await redactions.apply(
                            NewRedaction(
                                messagePosition: suggestion.messagePosition, target: .span(start: suggestion.start, length: suggestion.length),
                                exemption: suggestion.exemption.code, explanation: explanation), to: id, actor: X.officer, role: .requestOfficer,
                            now: redactedAt))
                }
                applied.append(
                    try await redactions.apply(
                        NewRedaction(
                            messagePosition: m["m7"], target: .span(start: 39, length: 43), exemption: "health-information",
                            explanation: "The condition of the requester's young child, a third party, told only to explain why the ramp is needed"),
                        to: id, actor: X.officer, role: .requestOfficer, now: redactedAt))
                applied.append(
                    try await redactions.apply(
                        NewRedaction(
                            messagePosition: m["m8"], target: .media("media-8"), exemption: "drivers-licence",
                            explanation: "A photograph of the requester's licence card, sent to prove her identity for the Elm Street permit"),
                        to: id, actor: X.officer, role: .requestOfficer, now: redactedAt))
                #expect(applied.map(\.id) == ["R1", "R2", "R3", "R4"] && applied.allSatisfy { $0.state == .applied })
                #expect(try await redactions.approved(request: id).blockedPositions == Set(m.set("m3", "m6", "m7", "m8")), "not released before review")

                // 5. Review approves them.
                for redaction in applied {
                    let reviewed = try await redactions.review(
                        id, redaction: redaction.id, approve: true, actor: Self.reviewer, role: .requestOfficer, now: try Self.time("2026-09-10T16:00:00Z"))
                    #expect(reviewed.state == .approved && reviewed.reviewedBy == Self.reviewer)
                }
                let approved = try await redactions.approved(request: id)
                #expect(approved.blockedPositions.isEmpty)
                #expect(approved.messages[m["m8"]]?.media["media-8"]?.citation == "RCW 42.56.230(7)")
                let listed = try await redactions.list(id, role: .requestOfficer)
                #expect(listed.count == 4 && listed.allSatisfy { $0.state == .approved && $0.explanation != nil })

                // 6. Two installments: the permits team's (search 2), then the parking team's (search 3).
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rk-scenario-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let installments = RequestInstallments(store: store, ledger: X.ledger, logName: "test.example")
                var made: [Installment] = []
                for (searchNumber, day) in [(2, "2026-09-10T20:00:00Z"), (3, "2026-09-11T20:00:00Z")] {
                    made.append(
                        try await installments.produce(
                            InstallmentOrder(
                                requestID: id, positions: [], search: searchNumber, directory: directory, agency: "City of Example",
                                contact: "records@example.gov"), actor: X.officer, role: .requestOfficer, now: try Self.time(day)))
                }
                #expect(made.map(\.number) == [1, 2] && made.map(\.file) == ["\(id)-1.tar.zst", "\(id)-2.tar.zst"])
                #expect((made[0].messages, made[0].released, made[0].redacted, made[0].withheld) == (4, 3, 1, 0), "\(made[0])")
                #expect((made[1].messages, made[1].released, made[1].redacted, made[1].withheld) == (2, 0, 2, 0), "\(made[1])")
                #expect(made[0].messages + made[1].messages == found.hits.count, "together the two installments are search 1's results")

                let exported = [Set(permits.hits.map(\.position)), Set(parking.hits.map(\.position))]
                for (index, installment) in made.enumerated() {
                    let bundle = directory.appendingPathComponent(installment.file)
                    let report = ExportVerifier.verify(bundle: bundle)
                    #expect(report.ok, "installment \(installment.number): \(report.problems)")
                    #expect(report.released + report.redacted + report.withheld == installment.messages)
                    let members = try Self.members(bundle)
                    #expect(members["manifest.json"] != nil && members["messages.jsonl"] != nil)
                    for (path, bytes) in members {
                        for secret in [Self.ssn, Self.card, "wheelchair", Self.licencePhoto] {
                            #expect(!Self.contains(bytes, secret), "\(secret) is in \(path) of installment \(installment.number)")
                        }
                    }
                    let logged = try Self.loggedRows(members)
                    let expected = Self.expectedRows(listed, positions: exported[index])
                    #expect(logged == expected, "installment \(installment.number)'s exemption log")
                    #expect(logged.count == [2, 2][index], "one row per redaction or withholding of the installment")
                }
                let first = try Self.members(directory.appendingPathComponent(made[0].file))
                let second = try Self.members(directory.appendingPathComponent(made[1].file))
                #expect(Self.contains(try #require(first["messages.jsonl"]), "with my card [redacted: RCW 42.56.230(5)], please send a receipt."))
                #expect(Self.contains(try #require(second["messages.jsonl"]), "Elm Street again, my SSN is [redacted: RCW 42.56.250]"))
                #expect(
                    Self.contains(
                        try #require(second["messages.jsonl"]),
                        "The ramp at Elm Street matters because [redacted: RCW 42.56.360(2); chapter 70.02 RCW]."))
                #expect(Self.contains(try #require(first["messages.jsonl"]), "Your permit is approved"), "the reply is released in full")

                let produced = try await requests.show(id, role: .auditor).request
                let firstInstallmentAt = try Self.time("2026-09-10T20:00:00Z")
                #expect(produced.status == .installmentProduced && produced.firstResponseAt == firstInstallmentAt)
                #expect(try await installments.list(id, role: .auditor).map(\.manifestSHA256) == made.map(\.manifestSHA256))

                // 7. Closed; the hold stays through the 30-day grace period, then is released.
                let closedAt = try Self.time("2026-09-14T18:00:00Z")
                let closed = try await requests.close(
                    id, reason: .partiallyDenied, produced: "installments 1 and 2: 6 messages",
                    withheld: "4 redactions and 1 photo withheld, listed in the exemption logs", actor: X.officer, role: .requestOfficer, now: closedAt)
                #expect(closed.status == .closed && closed.closeReason == .partiallyDenied)
                let grace = RequestHoldGrace(days: 30)
                let during = try await holds.releaseDue(grace: grace, actor: "test:worker", now: closedAt.addingTimeInterval(29 * 86_400))
                #expect(during.map(\.released) == [false] && during.first?.releasableFrom == closedAt.addingTimeInterval(30 * 86_400))
                #expect(try await holds.active(for: id).count == 1)
                let after = try await holds.releaseDue(grace: grace, actor: "test:worker", now: closedAt.addingTimeInterval(30 * 86_400))
                #expect(after.map(\.hold) == ["H-1"] && after.map(\.released) == [true])
                #expect(try await holds.active(for: id).isEmpty)
                let released = try #require(try await LegalHolds(store: store, ledger: X.ledger).list(active: false).first { $0.id == "H-1" })
                #expect(!released.isActive && released.release?.reason.contains("grace period of 30 days") == true)
                #expect(try await RequestSearchHoldTests.held(records, store: store).isEmpty, "her records are no longer held")
            }
        }
    }
}
