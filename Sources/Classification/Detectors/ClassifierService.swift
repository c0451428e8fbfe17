import Foundation
public import Ledger
public import LedgerStore
public import Logging
import PostgresNIO
import RecordkeeperCore

/// The classifier: a `Service` that classifies every recorded message with the sensitive-data
/// detectors and records each decision as `record.classified` (docs/classification.md).
///
/// Its queue is the `classification` projection's pending rows. Each round reads a batch of
/// pending messages from the ledger (decrypted), extracts their classifiable text
/// (``ClassifiableText``: an inbound `messages[]` object, or an outbound Graph body), classifies
/// it (``SensitiveDataClassifier``) and appends the decisions in one commit. Decisions are
/// deduplicated per message and detector version, so a restart or a second process never
/// records one twice. Wake it (``wake()``) when the classification projection moved.
public final class ClassifierService: Worker {
    let store: LedgerStore
    /// The settings; `batchSize`: the most pending messages classified per round.
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "classification round failed"

    public init(ledger: String, store: LedgerStore, batchSize: Int = 200, pollInterval: Duration = .seconds(10), logger: Logger) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: batchSize, pollInterval: pollInterval, logger: logger)
        self.store = store
    }

    /// One round as the loop runs it: after a full batch the next starts soon.
    public func round() async throws -> Duration {
        try await runRound() == batchSize ? .milliseconds(200) : pollInterval
    }

    /// One round: classifies up to ``batchSize`` pending messages.
    /// - Returns: how many messages were looked at.
    @discardableResult
    public func runRound(now: LedgerTimestamp = .now()) async throws -> Int {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return 0
        }
        var pending: [(Int64, String)] = []
        let rows = try await store.client.query(
            """
            SELECT message_position, stream FROM message_classifications
            WHERE ledger_id = \(ref.id) AND state = 'pending' ORDER BY message_position LIMIT \(batchSize)
            """, logger: logger)
        for try await row in rows.decode((Int64, String).self) { pending.append(row) }
        guard !pending.isEmpty else { return 0 }
        var events: [NewEvent] = []
        var decided: [(position: Int64, classification: SensitiveDataClassification)] = []
        var unreadable: [Int64] = []
        for (position, stream) in pending {
            let record = try await store.record(ledger: ledger, position: position)
            // Inbound payloads wrap the messages[] object; outbound ones are the Graph body itself.
            guard case .bytes(let bytes)? = record?.payload, let json = try? JSONValue.parse(bytes) else {
                unreadable.append(position)  // destroyed, sealed or not JSON: nothing to classify
                continue
            }
            let text = ClassifiableText.extract(from: json["message"] ?? json)
            let classification = SensitiveDataClassifier.classify(text)
            events.append(try ClassificationEvents.classified(classification, stream: stream, targetPosition: position, occurredAt: now))
            decided.append((position, classification))
        }
        let receipts = events.isEmpty ? [] : try await store.append(events, to: ledger)
        // A decision that was already recorded (another process, or a pending row the projection
        // had already passed) is not applied again by the projection: mark it here, exactly as
        // the projection would have (the detectors are deterministic for one version).
        for (receipt, decision) in zip(receipts, decided) where receipt.alreadyRecorded {
            let reasons = decision.classification.reasons.map(\.kind.rawValue).joined(separator: ",")
            try await store.client.query(
                """
                UPDATE message_classifications SET state = 'classified', category = \(Int16(decision.classification.category.rawValue)),
                    reasons = \(reasons), detector_version = \(decision.classification.detectorVersion), source = 'automatic',
                    classified_position = \(receipt.position)
                WHERE ledger_id = \(ref.id) AND message_position = \(decision.position) AND state = 'pending'
                """, logger: logger)
        }
        if !unreadable.isEmpty {
            try await store.client.query(
                """
                UPDATE message_classifications SET state = 'unreadable'
                WHERE ledger_id = \(ref.id) AND message_position = ANY(\(unreadable)::int8[]) AND state = 'pending'
                """, logger: logger)
        }
        return pending.count
    }
}
