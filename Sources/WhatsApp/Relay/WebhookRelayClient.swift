public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Re-delivers a recorded webhook delivery to a downstream webhook app exactly as Meta would
/// have: `POST` of the exact bytes with `Content-Type: application/json` and
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(downstream secret, bytes)>`.
///
/// Redirects are not followed (a redirected POST would lose its body); one attempt is bounded
/// by ``timeout`` from sending to the end of the answer. The client records nothing: the relay
/// service turns each ``Answer`` or ``WebhookRelayError`` into a ledger event.
public struct WebhookRelayClient: Sendable {
    /// The default limit for one attempt.
    public static let defaultTimeout: Duration = .seconds(15)
    /// The most of a downstream answer read (to report it); the rest is dropped.
    static let maximumAnswerBytes = 4096

    /// A client that never follows redirects, shared by every relay (never shut down, like `HTTPClient.shared`).
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(15))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    let httpClient: HTTPClient
    /// The limit for one attempt, from sending to the last byte of the answer.
    public let timeout: Duration

    /// - Parameters:
    ///   - httpClient: the client to send through (it should not follow redirects).
    ///   - timeout: the limit for one attempt.
    public init(httpClient: HTTPClient = WebhookRelayClient.sharedHTTPClient, timeout: Duration = WebhookRelayClient.defaultTimeout) {
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// What the downstream app answered.
    public struct Answer: Sendable, Equatable {
        /// The HTTP status.
        public var status: Int
        /// `Retry-After` in seconds, when given.
        public var retryAfter: Duration?
        /// The start of the answer's body, as text (for the record of a refusal).
        public var excerpt: String

        /// A 2xx answer: the delivery is done.
        public var isSuccess: Bool { (200..<300).contains(status) }
    }

    /// Checks a downstream URL: `https`, or `http` to loopback only.
    /// - Throws: ``GraphConfigurationError/invalidURL(role:url:)`` or ``GraphConfigurationError/insecureURL(role:host:)``.
    public static func checkURL(_ url: String) throws(GraphConfigurationError) {
        try TransportSecurity.check(url, role: "relay URL")
    }

    /// The URL without its query, for messages and records (a query may carry a token).
    public static func redacted(_ url: String) -> String {
        TransportSecurity.redacted(url)
    }

    /// POSTs `body` to `url`, signed with `secret`.
    /// - Returns: the downstream's answer, whatever its status.
    /// - Throws: ``WebhookRelayError`` when no answer came (refused, reset, timeout, TLS) or the
    ///   URL is not allowed; `CancellationError` when cancelled.
    public func post(_ body: [UInt8], to url: String, secret: String) async throws -> Answer {
        do {
            try Self.checkURL(url)
        } catch {
            throw WebhookRelayError(kind: .invalidURL, detail: error.description)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignatureVerifier.signatureHeader(for: body, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let client = httpClient
        let prepared = request
        let limit = timeout
        do {
            return try await GraphMediaClient.withTimeout(limit) {
                let response = try await client.execute(prepared, timeout: GraphMediaClient.timeAmount(limit))
                var excerpt: [UInt8] = []
                for try await chunk in response.body {
                    excerpt += chunk.readableBytesView.prefix(Self.maximumAnswerBytes - excerpt.count)
                    if excerpt.count >= Self.maximumAnswerBytes { break }
                }
                let retryAfter = response.headers.first(name: "Retry-After").flatMap(Int64.init).map { Duration.seconds(max(0, $0)) }
                return Answer(status: Int(response.status.code), retryAfter: retryAfter, excerpt: String(decoding: excerpt, as: UTF8.self))
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch is GraphMediaClient.TimeoutReached {
            throw WebhookRelayError(kind: .timeout, detail: "no complete answer within \(limit.components.seconds) s")
        } catch let error as HTTPClientError where GraphMediaClient.timeouts.contains(error) {
            throw WebhookRelayError(kind: .timeout, detail: "\(error)")
        } catch {
            throw WebhookRelayError(kind: .transport, detail: "\(error)")
        }
    }
}

/// Why a relay attempt got no answer.
public struct WebhookRelayError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No complete answer within the timeout.
        case timeout
        /// The connection failed (DNS, refused, reset, TLS).
        case transport
        /// The URL is not `https` (or `http` to loopback).
        case invalidURL = "invalid_url"
    }

    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
