/// The event types WhatsApp ingest and the media fetcher write (docs/whatsapp-ingest.md): the
/// strings are ``EventType/WhatsApp``'s, described in ``EventCatalog``.
public typealias WhatsAppEventType = EventType.WhatsApp
