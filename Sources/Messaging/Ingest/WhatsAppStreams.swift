public import WhatsApp

/// Stream names of WhatsApp events (docs/whatsapp-ingest.md, "Citizens, conversations and
/// stream names").
public enum WhatsAppStreams {
    /// Unparsed authentic deliveries.
    public static let unparsed = "wa-webhook/unparsed"
    /// Rejected (unauthenticated) deliveries.
    public static let rejected = "wa-webhook/rejected"

    /// `wa/<phone_number_id>/<citizen key>`: one conversation's stream.
    public static func conversation(phoneNumberID: String, citizen: CitizenIdentity) -> String? {
        guard let key = citizen.key else { return nil }
        return "wa/\(component(phoneNumberID))/\(component(key))"
    }

    /// `wa/<phone_number_id>`: a business number's value-level errors.
    public static func number(_ phoneNumberID: String) -> String {
        "wa/\(component(phoneNumberID))"
    }

    /// `wa-account/<waba_id>`: an account's notifications.
    public static func account(_ wabaID: String?) -> String {
        "wa-account/\(wabaID.map(component) ?? "unknown")"
    }

    /// An identifier as a stream-name component: as it is when short, `h:<hex SHA-256>`
    /// otherwise, so that no stream name exceeds the ledger's 512 bytes.
    static func component(_ identifier: String) -> String {
        guard identifier.utf8.count > 200 else { return identifier }
        return "h:" + WebhookDelivery.sha256Hex(Array(identifier.utf8))
    }
}
