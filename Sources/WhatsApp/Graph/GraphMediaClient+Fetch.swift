import Logging

/// Media bytes fetched for the archive, checked against Meta's SHA-256 when one was given.
public struct FetchedMedia: Sendable, Equatable {
    /// The media bytes, exactly as downloaded.
    public var bytes: [UInt8]
    /// The SHA-256 of ``bytes``.
    public var digest: MediaDigest
    /// Meta's SHA-256 text the bytes were checked against (the webhook's, else the metadata's);
    /// nil when Meta gave none and nothing was checked.
    public var metaSHA256: String?
    /// The MIME type from the metadata, when it was fetched.
    public var mimeType: String?
    /// Whether the webhook's `url` served the bytes (no metadata request was needed).
    public var usedWebhookURL: Bool

    public init(bytes: [UInt8], digest: MediaDigest, metaSHA256: String?, mimeType: String?, usedWebhookURL: Bool) {
        self.bytes = bytes
        self.digest = digest
        self.metaSHA256 = metaSHA256
        self.mimeType = mimeType
        self.usedWebhookURL = usedWebhookURL
    }
}

extension GraphMediaClient {
    /// The answers to a webhook URL that a fresh URL from the metadata may cure.
    static let refetchableKinds: Set<GraphError.Kind> = [.unauthorized, .forbidden, .notFound, .expired, .invalidResponse]

    /// Fetches a media given what its webhook carried, and checks it against Meta's SHA-256.
    ///
    /// The webhook's `url`, when present, is tried first (one request); if it answers 401, 403,
    /// 404 or 410 (it is only valid for minutes) or is unusable, the metadata is asked for a
    /// fresh URL. Without a webhook URL: metadata, then download.
    /// - Parameters:
    ///   - mediaID: the media id from the webhook.
    ///   - webhookURL: the media object's `url`, when the delivery carried one.
    ///   - metaSHA256: the media object's `sha256` (base64 or hex); when nil, the metadata's.
    ///   - maxBytes: the most bytes accepted.
    /// - Returns: the checked bytes.
    /// - Throws: a ``GraphError`` (``GraphError/Kind/hashMismatch`` when the bytes differ from
    ///   Meta's digest), or `CancellationError`.
    public func fetch(mediaID: String, webhookURL: String?, metaSHA256: String?, maxBytes: Int) async throws -> FetchedMedia {
        guard Self.isValidMediaID(mediaID) else {
            throw GraphError(kind: .invalidMediaID, operation: "media fetch", detail: "media id \(mediaID.debugDescription.prefix(80))")
        }
        if let webhookURL {
            do {
                let bytes = try await download(url: webhookURL, maxBytes: maxBytes)
                return try Self.checked(bytes, mediaID: mediaID, metaSHA256: metaSHA256, mimeType: nil, usedWebhookURL: true)
            } catch let error as GraphError where Self.refetchableKinds.contains(error.kind) {
                logger.debug("webhook media URL failed; asking for a fresh one", metadata: ["media_id": "\(mediaID)", "error": "\(error)"])
            }
        }
        let metadata = try await metadata(mediaID: mediaID)
        if let size = metadata.fileSize, size > maxBytes {
            throw GraphError(kind: .tooLarge, operation: "media fetch for \(mediaID)", detail: "Meta reports \(size) bytes, the limit is \(maxBytes)")
        }
        let bytes = try await download(url: metadata.url, maxBytes: maxBytes)
        return try Self.checked(
            bytes, mediaID: mediaID, metaSHA256: metaSHA256 ?? metadata.sha256, mimeType: metadata.mimeType, usedWebhookURL: false
        )
    }

    /// Wraps `bytes` after checking them against `metaSHA256`.
    static func checked(_ bytes: [UInt8], mediaID: String, metaSHA256: String?, mimeType: String?, usedWebhookURL: Bool) throws -> FetchedMedia {
        let digest = MediaDigest(of: bytes)
        if let metaSHA256 {
            let operation = "media fetch for \(mediaID)"
            let expected: MediaDigest
            do {
                expected = try MediaDigest(metaText: metaSHA256)
            } catch {
                throw GraphError(kind: .invalidResponse, operation: operation, detail: error.description)
            }
            guard expected == digest else {
                throw GraphError(
                    kind: .hashMismatch, operation: operation,
                    detail: "Meta announced sha256 \(expected.hex), the \(bytes.count) bytes received have \(digest.hex)"
                )
            }
        }
        return FetchedMedia(bytes: bytes, digest: digest, metaSHA256: metaSHA256, mimeType: mimeType, usedWebhookURL: usedWebhookURL)
    }
}
