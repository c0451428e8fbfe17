/// Why a Graph API request (media metadata or download) failed, and whether trying again later
/// can help.
///
/// `description` names the operation, the HTTP status and Meta's error (code, message, trace id)
/// but never the access token or a download URL's signed query.
public struct GraphError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Its raw value is the stable `reason` recorded in ledger events.
    public enum Kind: String, Sendable, CaseIterable {
        /// Meta does not know the media id (HTTP 404, or Graph error 100 with subcode 33).
        case notFound = "not_found"
        /// The media or its URL is no longer served (HTTP 410; a download URL answering 404).
        case expired = "expired"
        /// The token is missing, wrong or expired (HTTP 401 or Graph error 190).
        case unauthorized = "unauthorized"
        /// The token lacks a permission (HTTP 403).
        case forbidden = "forbidden"
        /// Too many calls (HTTP 429, Graph errors 4, 80007, 130429).
        case rateLimited = "rate_limited"
        /// Meta failed (HTTP 5xx).
        case serverError = "server_error"
        /// No complete answer within the configured timeout.
        case timeout = "timeout"
        /// The connection failed (DNS, refused, reset, TLS).
        case transport = "transport"
        /// The media is larger than the caller allows.
        case tooLarge = "too_large"
        /// Graph refused the request for another reason (another 4xx).
        case rejected = "rejected"
        /// The answer is not what the Graph API documents (bad JSON, no `url`, …).
        case invalidResponse = "invalid_response"
        /// The downloaded bytes do not have the SHA-256 Meta announced.
        case hashMismatch = "hash_mismatch"
        /// The media id cannot be a Graph object id (it would change the request path).
        case invalidMediaID = "invalid_media_id"
        /// The media download URL names a host outside the configured media hosts: it was not
        /// requested (the access token is sent only to the Graph API and Meta's media hosts).
        case urlNotAllowed = "media_url_not_allowed"
    }

    /// What went wrong.
    public var kind: Kind
    /// The request that failed, e.g. `media metadata for 1234` or `download from https://host/path?…`.
    public var operation: String
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// Meta's error object, when the answer carried one.
    public var graphError: GraphErrorBody?
    /// When the server asked to wait (`Retry-After`, seconds), for ``Kind/rateLimited``.
    public var retryAfter: Duration?
    /// More about the failure, e.g. the transport error or the mismatching digests.
    public var detail: String?

    public init(
        kind: Kind, operation: String, httpStatus: Int? = nil, graphError: GraphErrorBody? = nil,
        retryAfter: Duration? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.httpStatus = httpStatus
        self.graphError = graphError
        self.retryAfter = retryAfter
        self.detail = detail
    }

    /// Whether the same request may succeed later.
    ///
    /// Token and permission problems count as retryable: an operator can fix them, and the
    /// media must not be given up for a configuration mistake. A hash mismatch is retryable a
    /// few times (a damaged transfer); the retry policy decides how many.
    public var isRetryable: Bool {
        switch kind {
        case .unauthorized, .forbidden, .rateLimited, .serverError, .timeout, .transport, .invalidResponse, .hashMismatch:
            true
        case .notFound, .expired, .tooLarge, .rejected, .invalidMediaID, .urlNotAllowed:
            false
        }
    }

    public var description: String {
        var text = "\(operation) failed: \(Self.summary(kind))"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if let graphError { text += "; Graph says: \(graphError)" }
        if let detail { text += "; \(detail)" }
        if let retryAfter { text += "; retry after \(retryAfter.components.seconds) s" }
        return text
    }

    static func summary(_ kind: Kind) -> String {
        switch kind {
        case .notFound: "Meta does not know this media id (deleted, never existed, or for another app)"
        case .expired: "the media is no longer available from Meta (media ids expire 7 days after the message)"
        case .unauthorized: "the access token was refused: renew the WhatsApp system-user token"
        case .forbidden: "the access token lacks a permission (whatsapp_business_messaging) for this media"
        case .rateLimited: "Meta's rate limit was hit: wait before trying again"
        case .serverError: "Meta's server failed: try again later"
        case .timeout: "no complete answer in time: try again later or raise the timeout"
        case .transport: "the connection failed: check network access to the Graph API"
        case .tooLarge: "the media is larger than allowed"
        case .rejected: "Graph refused the request"
        case .invalidResponse: "the answer is not what the Graph API documents"
        case .hashMismatch: "the downloaded bytes do not match the SHA-256 Meta announced (a damaged transfer?)"
        case .invalidMediaID: "the media id contains characters a Graph object id cannot have"
        case .urlNotAllowed:
            "the media URL is not on the Graph API or a configured media host (WHATSAPP_MEDIA_HOSTS): not requested, the access token was not sent"
        }
    }
}
