public import Events
public import Foundation
import Ledger
public import LedgerStore
import RecordkeeperCore
import WhatsApp

/// The send API's command: checks a request, composes its Graph body and records it as
/// `message.send.requested`; the dispatcher sends it from there.
public struct SendRequests: Sendable {
    public let store: LedgerStore
    public let ledger: String
    let queries: ConversationQueries

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
        self.queries = ConversationQueries(store: store)
    }

    /// What was recorded.
    public struct Receipt: Sendable, Equatable {
        public var requestID: String
        public var position: Int64
        public var kind: String
        /// True when the `Idempotency-Key` had already recorded this request: nothing new was recorded.
        public var replayed: Bool
    }

    /// Records a send request for conversation `id`.
    /// - Parameters:
    ///   - body: the client's exact request bytes (their digest guards the idempotency key).
    ///   - idempotencyKey: the client's `Idempotency-Key`: the same key with the same body
    ///     returns the first request's receipt and records nothing.
    ///   - actor: who asks (`admin-token`, `staff:<user>`, `automation:<rule>`).
    /// - Throws: ``SendRequestError`` for a request to refuse; store errors otherwise.
    public func request(
        conversation id: String, body: [UInt8], idempotencyKey: String?, actor: String, via: OutboundVia = .api, now: Date = Date()
    ) async throws -> Receipt {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            throw SendRequestError.notJSON("\(error)")
        }
        let found: ConversationSummary?
        do {
            found = try await queries.summary(ledger: ledger, id: id)
        } catch LedgerStoreError.ledgerNotFound {
            found = nil
        }
        guard let summary = found else { throw SendRequestError.noConversation }
        let requestID = UUID().uuidString.lowercased()
        let citizen = CitizenIdentity(userID: summary.userID, waID: summary.waID)
        let composed = try SendComposer().compose(json, citizen: citizen, requestID: requestID)
        try SendWindow.check(kind: composed.message.kind, lastInboundAt: summary.lastInboundAt, now: now)
        let digest = WebhookDelivery.sha256Hex(body)
        let event = try OutboundEvents.requested(
            requestID: requestID, body: composed.body, message: composed.message, phoneNumberID: summary.phoneNumberID, stream: summary.id,
            via: via, actor: actor, idempotencyKey: idempotencyKey, requestSHA256: idempotencyKey == nil ? nil : digest, scope: summary.id,
            occurredAt: LedgerTimestamp(now))
        let receipt = try await store.append(event, to: ledger)
        guard receipt.alreadyRecorded else {
            return Receipt(requestID: requestID, position: receipt.position, kind: composed.message.kind, replayed: false)
        }
        // The key was used before: the same request gets the first receipt, another one is refused.
        guard let original = try await store.record(ledger: ledger, position: receipt.position),
            let header = try? JSONValue.parse(Array(original.entry.fields.header.utf8)),
            header.text("request_sha256") == digest, let originalID = header.text("request_id")
        else {
            throw SendRequestError.idempotencyKeyReused(originalPosition: receipt.position)
        }
        return Receipt(requestID: originalID, position: receipt.position, kind: header.text("kind") ?? composed.message.kind, replayed: true)
    }
}
