import Events
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

/// The dispatcher against a fake Graph API: what it sends, what it records, when it retries, and
/// that it never sends a request twice outside the documented window.
@Suite("Send dispatcher")
struct SendDispatcherTests {
    @Test("a request is sent once, byte for byte as recorded, and accepted with Meta's exact answer")
    func sendsOnce() async throws {
        try await SendFixture.with { graph, store, runner, start in
            let receipt = try await SendFixture.requestText("The pool opens at 9.", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            #expect(try await dispatcher.runRound(now: { start }).count == 1)
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 1000) }).isEmpty, "nothing is sent twice")

            let sent = await graph.sentMessages()
            try #require(sent.count == 1)
            let requested = try await recordedEvents(OutboundEventType.sendRequested, store: store)
            #expect(sent[0].body == requested.first?.payload, "Meta receives exactly the recorded body")
            #expect(sent[0].phoneNumberID == SendFixture.phoneNumberID)
            let body = try JSONValue.parse(sent[0].body)
            #expect(body.text("to") == SendFixture.citizen)
            #expect(body.text("biz_opaque_callback_data") == "rk1:\(receipt.requestID)")

            let accepted = try await SendFixture.headers(OutboundEventType.sendAccepted, store: store)
            try #require(accepted.count == 1)
            #expect(accepted[0].text("message_id") == sent[0].answeredID)
            #expect(accepted[0]["request_position"]?.integer == receipt.position)
            let answer = try #require(try await recordedEvents(OutboundEventType.sendAccepted, store: store).first)
            #expect(try JSONValue.parse(answer.payload)["messages"]?.array?.first?.text("id") == sent[0].answeredID)

            try await runner.catchUpAll()
            let status = try #require(try await SendRequests(store: store, ledger: mediaLedger).status(position: receipt.position))
            #expect(status.status == "accepted")
            #expect(status.messageID == sent[0].answeredID)
        }
    }

    @Test("5xx, 130429 and 131056 are retried after the backoff; the retry time is kept by the ledger")
    func retriesTransientFailures() async throws {
        try await SendFixture.with { graph, store, runner, start in
            await graph.script(SendFixture.citizen, .metaError(131000), .metaError(130429))
            _ = try await SendFixture.requestText("Retry me", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            let first = try await dispatcher.runRound(now: { start })
            guard case .retrying(let at) = first.first else {
                Issue.record("expected a retry after a 131000, got \(first)")
                return
            }
            #expect((start.plus(seconds: 0.5).microseconds...start.plus(seconds: 1).microseconds).contains(at.microseconds), "1 s base, equal jitter")
            try await runner.catchUpAll()
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 0.4) }).isEmpty, "not before the retry time")
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 1.1) }).count == 1)
            try await runner.catchUpAll()
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 10) }).first == .accepted(messageID: await graph.sentMessages().last?.answeredID))

            let attempts = try await SendFixture.headers(OutboundEventType.sendAttemptFailed, store: store)
            #expect(attempts.map { $0["error_code"]?.integer } == [131000, 130429])
            #expect(attempts.map { $0["attempt"]?.integer } == [1, 2])
            #expect(attempts.allSatisfy { $0["retry_at_us"]?.integer != nil })
            #expect(await graph.sentMessages().count == 3)
            #expect(try await SendFixture.headers(OutboundEventType.sendAccepted, store: store).first?["attempt"]?.integer == 3)
        }
    }

    @Test("a refusal that cannot pass (131047, 131026, 100) is final at once, with Meta's whole error object", arguments: [131047, 131026, 100])
    func finalRefusal(code: Int) async throws {
        try await SendFixture.with { graph, store, runner, start in
            await graph.script(SendFixture.citizen, .metaError(code))
            let receipt = try await SendFixture.requestText("Refused", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            #expect(try await dispatcher.runRound(now: { start }) == [.failed])
            try await runner.catchUpAll()
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 3600) }).isEmpty)
            #expect(await graph.sentMessages().count == 1)

            let failed = try #require(try await recordedEvents(OutboundEventType.sendFailed, store: store).first)
            let error = try JSONValue.parse(failed.payload)["error"]
            #expect(error?["code"]?.integer == Int64(code))
            #expect(error?["fbtrace_id"]?.string == "AfakeTrace\(code)")
            #expect(error?["error_data"]?["details"]?.string != nil)
            let status = try #require(try await SendRequests(store: store, ledger: mediaLedger).status(position: receipt.position))
            #expect(status.status == "failed")
            #expect(status.errorCode == code)
        }
    }

    @Test("retryable failures give up after the last attempt")
    func givesUp() async throws {
        try await SendFixture.with { graph, store, runner, start in
            await graph.script(SendFixture.citizen, .metaError(131000), .metaError(131000), .metaError(131000), .metaError(131000))
            _ = try await SendFixture.requestText("Never", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            var now = start
            var outcomes: [SendDispatcher.Outcome] = []
            for _ in 0..<6 {
                let at = now
                outcomes += try await dispatcher.runRound(now: { at })
                try await runner.catchUpAll()
                now = now.plus(seconds: 10)
            }
            #expect(outcomes.count == 3)
            #expect(outcomes.last == .failed)
            #expect(await graph.sentMessages().count == SendFixture.policy.maxAttempts)
        }
    }

    @Test("no answer (timeout): retried only after the uncertain wait, and not at all when a status names the request")
    func timeoutThenStatus() async throws {
        try await SendFixture.with { graph, store, runner, start in
            await graph.script(SendFixture.citizen, .slow(.seconds(3)))
            let receipt = try await SendFixture.requestText("Slow", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store, timeout: .seconds(1))
            let first = try await dispatcher.runRound(now: { start })
            guard case .retrying(let at) = first.first else {
                Issue.record("expected a retry, got \(first)")
                return
            }
            #expect(at.microseconds >= start.plus(seconds: 60).microseconds, "no answer: wait for a status first")
            let attempt = try #require(try await SendFixture.headers(OutboundEventType.sendAttemptFailed, store: store).first)
            #expect(attempt.text("reason") == "timeout")
            try await Task.sleep(for: .seconds(2.5))  // the slow answer completes on the fake server: Meta accepted it
            let wamid = try #require(await graph.sentMessages().first?.answeredID)

            // Meta's status for the first send carries the request's callback data.
            _ = try await store.append(
                try SendFixture.status("sent", wamid: wamid, callback: "rk1:\(receipt.requestID)", at: start.plus(seconds: 5)), to: mediaLedger)
            try await runner.catchUpAll()
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 61) }) == [.accepted(messageID: wamid)])
            #expect(await graph.sentMessages().count == 1, "the status proved the first send: no second one")
            let accepted = try #require(try await SendFixture.headers(OutboundEventType.sendAccepted, store: store).first)
            #expect(accepted.text("source") == "status_webhook")
            #expect(accepted.text("message_id") == wamid)
        }
    }

    @Test("a process that died mid-attempt: the claim holds the request back, then a new dispatcher sends it once")
    func restartMidSend() async throws {
        try await SendFixture.with { graph, store, runner, start in
            _ = try await SendFixture.requestText("After a crash", store: store, runner: runner)
            // The first process claimed the request and died before sending or recording anything.
            let claimed = try await OutboxQueue(store: store).claim(ledger: mediaLedger, now: start, hold: .seconds(120), limit: 10)
            #expect(claimed.count == 1)
            // A new process, its queue from the ledger and the outbox.
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 30) }).isEmpty, "held by the dead process's claim")
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 121) }).count == 1)
            try await runner.catchUpAll()
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 500) }).isEmpty)
            #expect(await graph.sentMessages().count == 1)
            #expect(try await SendFixture.headers(OutboundEventType.sendAccepted, store: store).first?["attempt"]?.integer == 2)
        }
    }

    @Test("a status proving a send that a dead process held is recorded at once, claim or no claim, and nothing is sent")
    func statusBeatsClaim() async throws {
        try await SendFixture.with { graph, store, runner, start in
            let receipt = try await SendFixture.requestText("In flight at the crash", store: store, runner: runner)
            // The dead process had claimed it and Meta had it (its status arrives now).
            _ = try await OutboxQueue(store: store).claim(ledger: mediaLedger, now: start, hold: .seconds(120), limit: 10)
            _ = try await store.append(
                try SendFixture.status("delivered", wamid: "wamid.FROM-META", callback: "rk1:\(receipt.requestID)", at: start.plus(seconds: 2)),
                to: mediaLedger)
            try await runner.catchUpAll()
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 3) }) == [.accepted(messageID: "wamid.FROM-META")])
            #expect(await graph.sentMessages().isEmpty, "proven by the status: never sent again")
            try await runner.catchUpAll()
            let status = try #require(try await SendRequests(store: store, ledger: mediaLedger).status(position: receipt.position))
            #expect(status.status == "delivered")
            #expect(status.messageID == "wamid.FROM-META")
        }
    }

    @Test("messages to one citizen go in order: a later one waits while an earlier one is being retried")
    func orderPerConversation() async throws {
        try await SendFixture.with { graph, store, runner, start in
            await graph.script(SendFixture.citizen, .metaError(131056))
            _ = try await SendFixture.requestText("First", store: store, runner: runner)
            _ = try await SendFixture.requestText("Second", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            #expect(try await dispatcher.runRound(now: { start }).count == 1)
            try await runner.catchUpAll()
            #expect(try await dispatcher.runRound(now: { start.plus(seconds: 0.2) }).isEmpty, "the second waits for the first")
            _ = try await dispatcher.runRound(now: { start.plus(seconds: 5) })
            try await runner.catchUpAll()
            _ = try await dispatcher.runRound(now: { start.plus(seconds: 6) })
            let texts = await graph.sentMessages().compactMap { try? JSONValue.parse($0.body)["text"]?.text("body") }
            #expect(texts == ["First", "First", "Second"])
        }
    }

    @Test("rebuilt projections equal the live ones after sends, failures and statuses")
    func rebuildEqualsLive() async throws {
        try await SendFixture.with { graph, store, runner, start in
            await graph.script(SendFixture.citizen, .metaError(131000))
            _ = try await SendFixture.requestText("One", store: store, runner: runner)
            let dispatcher = try SendFixture.dispatcher(graph, store: store)
            _ = try await dispatcher.runRound(now: { start })
            try await runner.catchUpAll()
            _ = try await dispatcher.runRound(now: { start.plus(seconds: 5) })
            let wamid = try #require(await graph.sentMessages().last?.answeredID)
            _ = try await store.append(try SendFixture.status("delivered", wamid: wamid, at: start.plus(seconds: 6)), to: mediaLedger)
            try await runner.catchUpAll()
            // The dispatcher's own columns are not part of the record.
            try await store.client.query("UPDATE outbox SET claims = 0, claimed_until_us = NULL", logger: ScratchDatabase.logger)
            let live = try await dumpProjections(store.client)
            #expect(live.contains { $0.contains("\"status\":\"delivered\"") && $0.hasPrefix("conversation_messages") })
            for projection in [ConversationsProjection(), MediaProjection(), OutboxProjection()] as [any Projection] {
                _ = try await runner.rebuild(projection, ledger: mediaLedger)
            }
            try await runner.catchUpAll()
            let rebuilt = try await dumpProjections(store.client)
            #expect(rebuilt == live, "differs: live \(Set(live).subtracting(rebuilt)), rebuilt \(Set(rebuilt).subtracting(live))")
        }
    }
}
