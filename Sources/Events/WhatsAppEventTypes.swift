/// The event types WhatsApp ingest and the media fetcher write (docs/whatsapp-ingest.md).
public enum WhatsAppEventType {
    public static let messageReceived = "whatsapp.message.received"
    public static let statusUpdated = "whatsapp.status.updated"
    public static let errorReceived = "whatsapp.error.received"
    public static let notificationReceived = "whatsapp.notification.received"
    public static let webhookUnparsed = "whatsapp.webhook.unparsed"
    public static let webhookRejected = "whatsapp.webhook.rejected"
    public static let mediaStored = "whatsapp.media.stored"
    public static let mediaFetchFailed = "whatsapp.media.fetch_failed"
    public static let mediaUnavailable = "whatsapp.media.unavailable"
    public static let webhookRelayQueued = "whatsapp.webhook.relay_queued"
    public static let webhookRelayed = "whatsapp.webhook.relayed"
}
