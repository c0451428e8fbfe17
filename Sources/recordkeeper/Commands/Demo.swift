import ArgumentParser
import Crypto
import Foundation
import Ledger
import LedgerStore
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a few demo conversations in the `demo` ledger (idempotent: re-running adds nothing).",
        discussion: "Meant for the embedded default and for trying the product; the events are marked as demo data in their headers."
    )

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() async throws {
        let logger = Output.makeLogger()
        let runtime = try await Runtime.prepare(logger: logger, keys: .required)
        defer { runtime.shutdown() }
        let events = Self.demoEvents()
        let receipts = try await withLedgerStore(runtime, logger: logger) { store in
            try await store.append(events, to: "demo")
        }
        let added = receipts.filter { !$0.alreadyRecorded }.count
        if json {
            Output.json(["ledger": "demo", "events": receipts.count, "added": added, "last_position": receipts.map(\.position).max() ?? 0])
        } else {
            Output.line("Demo ledger: \(added) events added, \(receipts.count - added) already recorded (positions 1–\(receipts.map(\.position).max() ?? 0)).")
        }
    }

    /// Deterministic ids (so the demo is idempotent) for three short conversations.
    static func demoEvents() -> [NewEvent] {
        let script: [(citizen: String, name: String, direction: String, text: String)] = [
            ("12065550101", "Ana", "inbound", "Hi, my street light on Pine St has been out for a week."),
            ("12065550101", "Ana", "outbound", "Thanks Ana, we've logged it as work order 4471. A crew will visit by Friday."),
            ("12065550101", "Ana", "inbound", "Great, thank you! 👍"),
            ("12065550102", "Bảo", "inbound", "Tôi cần gia hạn giấy phép đỗ xe. Làm thế nào?"),
            ("12065550102", "Bảo", "outbound", "You can renew your parking permit online or at City Hall, room 104."),
            ("12065550103", "Jordan", "inbound", "When is the next council meeting about the park levy?"),
            ("12065550103", "Jordan", "outbound", "Tuesday 7 pm, Council Chambers; agenda item 5."),
        ]
        let base = LedgerTimestamp(microseconds: 1_764_072_000_000_000)
        return script.enumerated().map { index, line in
            let digest = Array(SHA256.hash(data: Array("recordkeeper-demo-\(index)".utf8)))
            var bytes = Array(digest.prefix(16))
            bytes[6] = (bytes[6] & 0x0f) | 0x50
            bytes[8] = (bytes[8] & 0x3f) | 0x80
            let id = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                 bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
            let wamid = "wamid.DEMO\(index)"
            let payload: [String: Any] = line.direction == "inbound"
                ? ["from": line.citizen, "id": wamid, "type": "text", "text": ["body": line.text], "profile": ["name": line.name]]
                : ["to": line.citizen, "type": "text", "text": ["body": line.text]]
            let bytesOut = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
            return NewEvent(
                eventID: id,
                stream: "conversation/demo/\(line.citizen)",
                eventType: line.direction == "inbound" ? "whatsapp.message.received" : "message.send.requested",
                occurredAt: LedgerTimestamp(microseconds: base.microseconds + Int64(index) * 60_000_000),
                actor: line.direction == "inbound" ? "whatsapp" : "demo-agent",
                dedupeKey: wamid,
                header: #"{"demo":true,"direction":"\#(line.direction)","message_id":"\#(wamid)"}"#,
                payload: Array(bytesOut)
            )
        }
    }
}
