/// Why a media can never be archived: the `reason` of a `whatsapp.media.unavailable` event.
public enum MediaUnavailableReason: String, Sendable, Hashable, CaseIterable {
    /// The media id expired (7 days after the message) or Meta no longer serves the bytes.
    case expired = "expired"
    /// Meta does not know the media id.
    case notFound = "not_found"
    /// The bytes never matched Meta's SHA-256, after several attempts.
    case hashMismatch = "hash_mismatch"
    /// The media is larger than the archive accepts (download limit or ledger payload limit).
    case tooLarge = "too_large"
    /// Graph refused the request for a reason retrying cannot change.
    case rejected = "rejected"
    /// The media id from the webhook cannot be a Graph object id.
    case invalidMediaID = "invalid_media_id"
    /// The download URL (from the webhook or the metadata) is not on the Graph API's host or a
    /// configured media host (`WHATSAPP_MEDIA_HOSTS`): it was never requested.
    case mediaURLNotAllowed = "media_url_not_allowed"
}
