/// How the fake Graph API treats one registered media.
public enum FakeMediaBehaviour: Sendable, Equatable {
    /// Metadata and download succeed; the announced SHA-256 is the bytes'.
    case ok
    /// Metadata and download succeed, but the announced SHA-256 is another one.
    case wrongHash
    /// Meta does not know the id: metadata answers 404 with a Graph error body
    /// (code 100, subcode 33); the download URL answers 404.
    case notFound
    /// The metadata still answers, but the download URL answers `downloadStatus` (404 or 410).
    case expired(downloadStatus: Int)
    /// Every answer (metadata and download) comes after `delay`.
    case slow(Duration)
    /// The first `times` requests (metadata or download) answer 500 with a Graph error body,
    /// the following ones succeed.
    case failing(times: Int)
    /// The download URL answers `302 Found` to another path on the same server, which serves the
    /// bytes (with the same bearer-token check).
    case redirected
}

/// A media registered with the fake Graph API: what a webhook would carry for it.
public struct RegisteredMedia: Sendable {
    /// The media id.
    public var id: String
    /// The bytes the download serves.
    public var bytes: [UInt8]
    public var mimeType: String
    /// The SHA-256 the server announces (in metadata), base64 as Meta sends it today. For
    /// ``FakeMediaBehaviour/wrongHash`` it is not the bytes'.
    public var sha256Base64: String
    /// The same announced digest as 64 lower-case hex digits (the old format).
    public var sha256Hex: String
    /// The download URL, as a webhook's media `url` would carry it.
    public var url: String
    public var behaviour: FakeMediaBehaviour
}

/// How many requests the server answered for one media.
public struct FakeMediaRequestCounts: Sendable, Equatable {
    /// `GET /{version}/{media-id}` with a valid token.
    public var metadata = 0
    /// `GET /download/{media-id}` (and its redirect target) with a valid token.
    public var download = 0
    /// Requests for this media refused for a missing or wrong token.
    public var unauthorized = 0

    public init(metadata: Int = 0, download: Int = 0, unauthorized: Int = 0) {
        self.metadata = metadata
        self.download = download
        self.unauthorized = unauthorized
    }
}
