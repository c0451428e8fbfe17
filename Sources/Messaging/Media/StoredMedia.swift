/// An archived media as read back from a `whatsapp.media.stored` event: its metadata and the
/// original bytes.
public struct StoredMedia: Sendable, Equatable {
    public var metadata: MediaStoredPayload.Metadata
    /// The original bytes, decompressed and checked against ``MediaStoredPayload/Metadata/sha256``.
    public var bytes: [UInt8]

    /// Opens the payload of a `whatsapp.media.stored` event (for the read API and exports).
    /// - Parameter payload: the event's payload bytes, as `LedgerStore.records` returns them.
    /// - Throws: ``MediaPayloadError`` when the payload is malformed or does not give back the
    ///   recorded bytes.
    public init(payload: [UInt8]) throws {
        let decoded = try MediaStoredPayload(decoding: payload)
        self.metadata = decoded.metadata
        self.bytes = try decoded.originalBytes()
    }
}
