import Foundation
import Ledger
import LedgerStore
import RecordkeeperCore
import Testing
import WebhookRelay

@testable import Messaging

/// `WebhookRelay` does not import Messaging, so it writes two things of its own that must stay
/// as Messaging writes them: the actor of a delivery's events (`whatsapp:<app>`) and the JSON
/// text of a retained header; and its retry horizon uses the saturating `LedgerTimestamp.adding`.
@Suite("webhook relay module contract")
struct RelayModuleContractTests {
    static func queued(app: String) throws -> NewEvent {
        try RelayEvents.queued(
            relay: "legacy-bot", body: Array(#"{"entry":[]}"#.utf8), bodySHA256: String(repeating: "ab", count: 32),
            phoneNumberIDs: ["222", "111"], app: app, contentType: "application/json", receivedAt: LedgerTimestamp(microseconds: 1_000_000))
    }

    @Test("a queued delivery's actor is the ingest's actor of the same app")
    func actorMatchesIngest() throws {
        for app in ["main", "second-app", ""] {
            #expect(try Self.queued(app: app).actor == WhatsAppIngest.actor(app: app))
        }
    }

    @Test("a queued delivery's header is written as the ingest writes headers")
    func headerTextMatchesIngest() throws {
        let event = try Self.queued(app: "main")
        let header = try JSONValue.parse(Array(event.header.utf8))
        #expect(event.header == (try WhatsAppIngest.text(header)))
        #expect(header["phone_number_ids"] == .array([.string("111"), .string("222")]))
    }

    @Test("the retry arithmetic saturates instead of overflowing")
    func saturatingRetryArithmetic() {
        let policy = RelayRetryPolicy(random: { 0 })
        let last = LedgerTimestamp(microseconds: .max - 1)
        #expect(!policy.isExpired(queuedAt: last, now: last), "queued at the end of time: the horizon saturates at .max")
        #expect(policy.retryTime(afterAttempt: 1, retryAfter: nil, queuedAt: last, now: last) == nil)
        let queued = LedgerTimestamp(microseconds: 0)
        #expect(policy.isExpired(queuedAt: queued, now: LedgerTimestamp(microseconds: 7 * 24 * 3_600_000_000)))
        #expect(!policy.isExpired(queuedAt: queued, now: LedgerTimestamp(microseconds: 7 * 24 * 3_600_000_000 - 1)))
    }
}
