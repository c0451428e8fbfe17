import Foundation

/// One request forwarded to the Graph API, as the recording proxy and the dispatcher send it.
public struct GraphRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The path below the Graph root, starting with the version: `v23.0/106540352242922/messages`.
    public var path: String
    /// The request's `Content-Type` (multipart uploads keep their boundary), nil for none.
    public var contentType: String?
    /// The exact body bytes, sent unchanged.
    public var body: [UInt8]

    public init(method: String, path: String, contentType: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.contentType = contentType
        self.body = body
    }
}

/// Meta's answer to a ``GraphRequest``, exactly as it came: what the proxy hands back unchanged
/// and what the ledger records.
public struct GraphResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The answer's `Content-Type`, if any.
    public var contentType: String?
    /// Meta's `Retry-After`, if any.
    public var retryAfter: String?
    /// The exact body bytes.
    public var body: [UInt8]

    public init(status: Int, contentType: String?, retryAfter: String? = nil, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.retryAfter = retryAfter
        self.body = body
    }
}
