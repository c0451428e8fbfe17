import Foundation

/// The answer to `GET {base}/{media-id}`: where to download a media and what it should be.
public struct MediaMetadata: Sendable, Equatable {
    /// The media id.
    public var id: String
    /// A download URL, valid for about five minutes; it needs the same bearer token.
    public var url: String
    /// E.g. `image/jpeg`.
    public var mimeType: String?
    /// Meta's SHA-256 of the bytes, as given (base64 or hex; see ``MediaDigest``).
    public var sha256: String?
    /// The size in bytes (Meta sends it as a string or a number).
    public var fileSize: Int?

    public init(id: String, url: String, mimeType: String? = nil, sha256: String? = nil, fileSize: Int? = nil) {
        self.id = id
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
    }

    /// Parses the JSON answer.
    /// - Returns: nil when it is not an object with a string `url`.
    init?(json body: some DataProtocol, requestedID: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let url = object["url"] as? String, !url.isEmpty
        else { return nil }
        let size: Int? =
            switch object["file_size"] {
            case let text as String: Int(text)
            case let number as NSNumber: number.intValue
            default: nil
            }
        self.init(
            id: object["id"] as? String ?? requestedID,
            url: url,
            mimeType: object["mime_type"] as? String,
            sha256: object["sha256"] as? String,
            fileSize: size
        )
    }
}
