/// The event types WhatsApp ingest and the media fetcher write (docs/whatsapp-ingest.md).
public enum WhatsAppEventType {
    public static let messageReceived = "whatsapp.message.received"
    public static let statusUpdated = "whatsapp.status.updated"
    public static let errorReceived = "whatsapp.error.received"
    public static let notificationReceived = "whatsapp.notification.received"
    public static let webhookUnparsed = "whatsapp.webhook.unparsed"
    public static let webhookRejected = "whatsapp.webhook.rejected"
    public static let mediaStored = MediaEvents.stored
    public static let mediaFetchFailed = MediaEvents.fetchFailed
    public static let mediaUnavailable = MediaEvents.unavailable
    public static let webhookRelayQueued = RelayEvents.queued
    public static let webhookRelayed = RelayEvents.relayed
}
