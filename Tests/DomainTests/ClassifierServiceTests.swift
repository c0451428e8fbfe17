import Classification
import Foundation
import Ledger
import LedgerStore
import Messaging
import PostgresNIO
import RecordkeeperCore
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The classifier over a real database: every recorded message, received or sent, gets one
/// `record.classified` decision with its category and reasons; the projection shows it.
@Suite("Classifier service")
struct ClassifierServiceTests {
    @Test("an SSN message is category 3 (ssn), health 4, plain text 1, a sent card number 3; each once; rebuild equals live")
    func classifiesEveryMessage() async throws {
        try await SendFixture.with { _, store, runner, start in
            _ = try await store.append(
                try SendFixture.inbound(at: start, id: "wamid.ssn", text: "My SSN is 536-22-4187, please update my file"), to: mediaLedger)
            _ = try await store.append(try SendFixture.inbound(at: start, id: "wamid.health", text: "I was diagnosed with diabetes last year"), to: mediaLedger)
            try await runner.catchUpAll()
            let sent = try await SendFixture.requestText("Card 4111 1111 1111 1111 is on file", store: store, runner: runner)
            let classifier = ClassifierService(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger)
            #expect(try await classifier.runRound() == 4, "the fixture's first message, two more, and the send")
            try await runner.catchUpAll()
            #expect(try await classifier.runRound() == 0, "nothing left")

            let decisions = try await SendFixture.headers(ClassificationEventType.classified, store: store)
            #expect(decisions.count == 4)
            let byTarget = Dictionary(uniqueKeysWithValues: decisions.map { ($0["target_position"]?.integer ?? 0, $0) })
            let rows = try await store.client.query(
                "SELECT message_position, category, reasons FROM message_classifications ORDER BY message_position", logger: ScratchDatabase.logger)
            var categories: [Int64: (Int16?, String?)] = [:]
            for try await (position, category, reasons) in rows.decode((Int64, Int16?, String?).self) { categories[position] = (category, reasons) }
            #expect(categories.values.map(\.0).sorted { ($0 ?? 0) < ($1 ?? 0) } == [1, 3, 3, 4])
            let ssn = try #require(categories.first { $0.value.1 == "ssn" })
            #expect(ssn.value.0 == 3)
            #expect(byTarget[ssn.key]?["reasons"]?.array?.first?.text("kind") == "ssn")
            #expect(byTarget[ssn.key]?.text("detector_version") == SensitiveDataClassifier.detectorVersion)
            #expect(categories[sent.position]?.0 == 3, "the outbound Graph body is classified too")
            #expect(
                decisions.allSatisfy { !String(describing: $0).contains("536-22-4187") && !String(describing: $0).contains("4111") },
                "decisions never hold the matched text")

            // Another process (or a restart) records nothing twice.
            try await store.client.query("UPDATE message_classifications SET state = 'pending'", logger: ScratchDatabase.logger)
            _ = try await ClassifierService(ledger: mediaLedger, store: store, logger: ScratchDatabase.logger).runRound()
            #expect(try await SendFixture.headers(ClassificationEventType.classified, store: store).count == 4)

            try await runner.catchUpAll()
            let live = try await dumpProjections(store.client)
            _ = try await runner.rebuild(ClassificationProjection(), ledger: mediaLedger)
            #expect(try await dumpProjections(store.client) == live)
        }
    }
}
