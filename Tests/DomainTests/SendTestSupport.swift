import Foundation
import Ledger
import LedgerStore
import Messaging
import RecordkeeperCore
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// A citizen who wrote to the agency's number: the conversation sends go to.
enum SendFixture {
    static let phoneNumberID = "1065"
    static let citizen = "16505557777"
    static let conversation = "wa/1065/p:16505557777"

    /// The events of an inbound text from ``citizen`` at `time`.
    static func inbound(
        at time: LedgerTimestamp, id: String = "wamid.in-1", citizen: String = citizen, text: String = "Is the pool open?"
    ) throws -> [NewEvent] {
        let seconds = time.microseconds / 1_000_000
        let body = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1029","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"\#(phoneNumberID)"},
            "contacts":[{"profile":{"name":"Robin"},"wa_id":"\#(citizen)"}],
            "messages":[{"from":"\#(citizen)","id":"\#(id)","timestamp":"\#(seconds)","type":"text","text":{"body":"\#(text)"}}]}}]}]}
            """#
        let bytes = Array(body.utf8)
        return try WhatsAppIngest(ledger: mediaLedger).events(
            for: try WebhookDelivery.parse(bytes), body: bytes, app: "default", contentType: "application/json", receivedAt: time)
    }

    /// A status webhook's events for `wamid`, optionally carrying callback data.
    static func status(_ state: String, wamid: String, callback: String? = nil, at time: LedgerTimestamp) throws -> [NewEvent] {
        let seconds = time.microseconds / 1_000_000
        let extra = callback.map { #","biz_opaque_callback_data":"\#($0)""# } ?? ""
        let body = #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1029","changes":[{"field":"messages","value":{
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"\#(phoneNumberID)"},
            "statuses":[{"id":"\#(wamid)","status":"\#(state)","timestamp":"\#(seconds)","recipient_id":"\#(citizen)"\#(extra)}]}}]}]}
            """#
        let bytes = Array(body.utf8)
        return try WhatsAppIngest(ledger: mediaLedger).events(
            for: try WebhookDelivery.parse(bytes), body: bytes, app: "default", contentType: "application/json", receivedAt: time)
    }

    static func client(_ graph: TestGraphServer, timeout: Duration = .seconds(10)) throws -> GraphMessagesClient {
        GraphMessagesClient(
            configuration: try GraphAPIConfiguration(baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: timeout),
            logger: ScratchDatabase.logger)
    }

    /// A policy without randomness worth waiting for: 1 s, 2 s, … and 60 s after no answer.
    static let policy = SendRetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(4), uncertainWait: .seconds(60))

    /// Runs `body` with a fake Graph API and a migrated database holding one conversation whose
    /// citizen wrote at `start`, projections caught up.
    static func with(
        _ body: @Sendable (TestGraphServer, LedgerStore, ProjectionRunner, LedgerTimestamp) async throws -> Void
    ) async throws {
        try await TestGraphServer.with { graph in
            try await withMigratedDatabase { database in
                try await database.withStore { _, store in
                    let start = LedgerTimestamp.now()
                    _ = try await store.append(try inbound(at: start), to: mediaLedger)
                    let runner = makeRunner(store)
                    try await runner.catchUpAll()
                    try await body(graph, store, runner, start)
                }
            }
        }
    }

    /// Records a text request through the send API's command; projections caught up.
    static func requestText(_ text: String, store: LedgerStore, runner: ProjectionRunner, key: String? = nil) async throws -> SendRequests.Receipt {
        let body = Array(#"{"type":"text","text":{"body":"\#(text)"}}"#.utf8)
        let receipt = try await SendRequests(store: store, ledger: mediaLedger).request(
            conversation: conversation, body: body, idempotencyKey: key, actor: "test")
        try await runner.catchUpAll()
        return receipt
    }

    static func dispatcher(
        _ graph: TestGraphServer, store: LedgerStore, timeout: Duration = .seconds(10), hold: Duration = .seconds(120)
    ) throws -> SendDispatcher {
        SendDispatcher(
            ledger: mediaLedger, store: store, client: try client(graph, timeout: timeout), policy: policy, claimHold: hold, logger: ScratchDatabase.logger)
    }

    /// The JSON header of every entry of `type`.
    static func headers(_ type: String, store: LedgerStore) async throws -> [JSONValue] {
        try await recordedEvents(type, store: store).map { try JSONValue.parse(Array($0.entry.header.utf8)) }
    }
}

extension LedgerTimestamp {
    func plus(seconds: Double) -> LedgerTimestamp { LedgerTimestamp(microseconds: microseconds + Int64(seconds * 1_000_000)) }
}
