import Events
public import Foundation
import Ledger
public import LedgerStore
import Messaging
import RecordkeeperCore
import WhatsApp

/// Three short conversations between citizens and a city, as the ledger records real ones: the
/// demo data `recordkeeper demo` records.
public enum DemoConversations {
    static let phoneNumberID = "100000000000001"
    static let displayNumber = "13605550100"
    /// How long before the run the first line is dated: the script's seven lines a minute apart end
    /// a few minutes ago, so the citizens' last messages are well inside WhatsApp's 24-hour
    /// customer-service window and a newcomer can answer them.
    static let startsBefore: Int64 = 10 * 60

    struct Line {
        var citizen: String
        var name: String
        var inbound: Bool
        var text: String
    }

    static let script: [Line] = [
        Line(citizen: "12065550101", name: "Ana", inbound: true, text: "Hi, my street light on Pine St has been out for a week."),
        Line(citizen: "12065550101", name: "Ana", inbound: false, text: "Thanks Ana, we've logged it as work order 4471. A crew will visit by Friday."),
        Line(citizen: "12065550101", name: "Ana", inbound: true, text: "Great, thank you! 👍"),
        Line(citizen: "12065550102", name: "Bảo", inbound: true, text: "Tôi cần gia hạn giấy phép đỗ xe. Làm thế nào?"),
        Line(citizen: "12065550102", name: "Bảo", inbound: false, text: "You can renew your parking permit online or at City Hall, room 104."),
        Line(citizen: "12065550103", name: "Jordan", inbound: true, text: "When is the next council meeting about the park levy?"),
        Line(citizen: "12065550103", name: "Jordan", inbound: false, text: "Tuesday 7 pm, Council Chambers; agenda item 5."),
    ]

    /// Records the demo, dated relative to `now`: each line (inbound through the webhook mapping,
    /// the city's answers as send requests), then Meta's acceptance of each answer and the
    /// citizen's `read` status. Two appends, because an acceptance names its request's position.
    ///
    /// Idempotent: the lines keep their message ids, so a second run records none of them again.
    /// When every line was already recorded (the demo ran before, perhaps days ago), a citizen's
    /// ``followUp`` dated `now` is recorded instead (at most one an hour: its id names the hour),
    /// so the demo's window is open again whenever it is run.
    public static func record(into store: LedgerStore, ledger: String, now: Date = Date()) async throws -> [AppendReceipt] {
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let base = nowSeconds - startsBefore
        let ingest = WhatsAppIngest(ledger: ledger)
        var events: [NewEvent] = []
        var answers: [(index: Int, event: Int, request: SendRequestReference)] = []
        for (index, line) in script.enumerated() {
            let wamid = "wamid.DEMO\(index)"
            let seconds = base + Int64(index) * 60
            if line.inbound {
                events += try inbound(line, wamid: wamid, seconds: seconds, ingest: ingest)
            } else {
                let (event, request) = try answer(line, index: index, seconds: seconds)
                answers.append((index, events.count, request))
                events.append(event)
            }
        }
        var receipts = try await store.append(events, to: ledger)
        var outcomes: [NewEvent] = []
        for answer in answers {
            var request = answer.request
            request.position = receipts[answer.event].position
            let line = script[answer.index]
            let seconds = base + Int64(answer.index) * 60
            outcomes.append(try accepted(request, wamid: "wamid.DEMO\(answer.index)", seconds: seconds + 1))
            outcomes.append(try read(line, wamid: "wamid.DEMO\(answer.index)", seconds: seconds + 30))
        }
        receipts += try await store.append(outcomes, to: ledger)
        if receipts.allSatisfy(\.alreadyRecorded) {
            let hour = nowSeconds / 3600
            receipts += try await store.append(
                try inbound(followUp, wamid: "wamid.DEMO.followup.\(hour)", seconds: nowSeconds - 60, ingest: ingest), to: ledger)
        }
        return receipts
    }

    /// What a citizen writes again on a later run of the demo.
    static let followUp = Line(citizen: "12065550101", name: "Ana", inbound: true, text: "Hello again! Is the street light on Pine St fixed yet?")

    /// A citizen's line as the webhook mapping records it.
    static func inbound(_ line: Line, wamid: String, seconds: Int64, ingest: WhatsAppIngest) throws -> [NewEvent] {
        let body = try delivery(line, wamid: wamid, seconds: seconds)
        let parsed = try WebhookDelivery.parse(body)
        var mapped = try ingest.events(
            for: parsed, body: body, app: "demo", contentType: "application/json", receivedAt: LedgerTimestamp(microseconds: seconds * 1_000_000))
        for i in mapped.indices { mapped[i].actor = "demo:whatsapp" }
        return mapped
    }

    static func delivery(_ line: Line, wamid: String, seconds: Int64) throws -> [UInt8] {
        let value: JSONValue = .object([
            "object": .string("whatsapp_business_account"),
            "entry": .array([
                .object([
                    "id": .string("100000000000000"),
                    "changes": .array([
                        .object([
                            "field": .string("messages"),
                            "value": .object([
                                "messaging_product": .string("whatsapp"),
                                "metadata": .object(["display_phone_number": .string(displayNumber), "phone_number_id": .string(phoneNumberID)]),
                                "contacts": .array([.object(["profile": .object(["name": .string(line.name)]), "wa_id": .string(line.citizen)])]),
                                "messages": .array([
                                    .object([
                                        "from": .string(line.citizen), "id": .string(wamid), "timestamp": .string(String(seconds)),
                                        "type": .string("text"), "text": .object(["body": .string(line.text)]),
                                    ])
                                ]),
                            ]),
                        ])
                    ]),
                ])
            ]),
        ])
        return try value.encoded()
    }

    static func citizen(_ line: Line) -> JSONValue { .object(["wa_id": .string(line.citizen)]) }

    /// The city's answer, recorded as the send API records a request (a fixed request id keeps
    /// the demo idempotent).
    static func answer(_ line: Line, index: Int, seconds: Int64) throws -> (NewEvent, SendRequestReference) {
        let requestID = "00000000-0000-4000-8000-\(String(format: "%012d", index))"
        let citizen = CitizenIdentity(userID: nil, waID: line.citizen)
        let composed = try SendComposer().compose(
            .object(["type": .string("text"), "text": .object(["body": .string(line.text)])]), citizen: citizen, requestID: requestID)
        let stream = "wa/\(phoneNumberID)/p:\(line.citizen)"
        let event = try OutboundEvents.requested(
            requestID: requestID, body: composed.body, message: composed.message, phoneNumberID: phoneNumberID, stream: stream, via: .api,
            actor: "demo:agent", occurredAt: LedgerTimestamp(microseconds: seconds * 1_000_000))
        let request = SendRequestReference(
            requestID: requestID, position: 0, stream: stream, phoneNumberID: phoneNumberID, kind: composed.message.kind, citizen: citizen)
        return (event, request)
    }

    /// Meta's acceptance of an answer, with the answer Meta gives.
    static func accepted(_ request: SendRequestReference, wamid: String, seconds: Int64) throws -> NewEvent {
        let response: JSONValue = .object([
            "messaging_product": .string("whatsapp"),
            "contacts": .array([.object(["input": .string(request.citizen.waID ?? ""), "wa_id": .string(request.citizen.waID ?? "")])]),
            "messages": .array([.object(["id": .string(wamid)])]),
        ])
        var event = try OutboundEvents.accepted(
            request, response: GraphResponse(status: 200, contentType: "application/json", body: try response.encoded()), messageID: wamid,
            messageStatus: nil, attempt: 1, actor: "demo:dispatcher", occurredAt: LedgerTimestamp(microseconds: seconds * 1_000_000))
        event.actor = "demo:dispatcher"
        return event
    }

    /// The citizen read the answer.
    static func read(_ line: Line, wamid: String, seconds: Int64) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "message_id": .string(wamid), "status": .string("read"), "phone_number_id": .string(phoneNumberID),
            "citizen": citizen(line),
        ])
        let payload: JSONValue = .object([
            "v": .integer(1),
            "status": .object([
                "id": .string(wamid), "status": .string("read"), "timestamp": .string(String(seconds)), "recipient_id": .string(line.citizen),
            ]),
        ])
        return NewEvent(
            stream: "wa/\(phoneNumberID)/p:\(line.citizen)", eventType: "whatsapp.status.updated",
            occurredAt: LedgerTimestamp(microseconds: seconds * 1_000_000), actor: "demo:whatsapp", dedupeKey: "wa:status:\(wamid):read",
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try payload.encoded())
    }
}
