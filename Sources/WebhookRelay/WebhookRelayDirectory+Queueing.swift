public import Ledger
public import LedgerStore
import RecordkeeperCore
import WhatsApp

extension WebhookRelayDirectory {
    /// The `whatsapp.webhook.relay_queued` events of an authentic delivery: one per enabled
    /// relay serving a business number the body names. Append them with the delivery's own
    /// events (one commit). None when no relay matches, or when the body names no number (it is
    /// not JSON, or has no `metadata.phone_number_id`, e.g. account-level notifications).
    public func queuedEvents(body: [UInt8], app: String, contentType: String?, receivedAt: LedgerTimestamp) async throws -> [NewEvent] {
        guard mayRelay else { return [] }
        let numbers = Self.phoneNumberIDs(in: body)
        guard !numbers.isEmpty else { return [] }
        let matches = await relays(serving: numbers)
        guard !matches.isEmpty else { return [] }
        let digest = WebhookDelivery.sha256Hex(body)
        return try matches.map { match in
            try RelayEvents.queued(
                relay: match.relay, body: body, bodySHA256: digest, phoneNumberIDs: match.phoneNumberIDs, app: app,
                contentType: contentType, receivedAt: receivedAt)
        }
    }

    /// Every `entry[].changes[].value.metadata.phone_number_id` of a body, read leniently
    /// (whatever else is wrong with it); empty when it is not JSON.
    public static func phoneNumberIDs(in body: [UInt8]) -> Set<String> {
        guard let root = try? JSONValue.parse(body) else { return [] }
        var numbers: Set<String> = []
        for entry in root["entry"]?.array ?? [] {
            for change in entry["changes"]?.array ?? [] {
                if let number = change["value"]?["metadata"]?.text("phone_number_id"), !number.isEmpty { numbers.insert(number) }
            }
        }
        return numbers
    }
}
