public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Reads media from Meta's Graph API: the metadata of a media id and the media bytes.
///
/// Every request carries `Authorization: Bearer <token>`; redirects are followed as the
/// `HTTPClient` is configured (AsyncHTTPClient drops the `Authorization` header when a redirect
/// leaves the origin). Failures are ``GraphError``s that say whether trying later can help.
/// The client never writes anything anywhere; the media archiver records the outcome.
public struct GraphMediaClient: Sendable {
    /// The largest error or metadata answer read; real ones are a few hundred bytes.
    public static let maximumJSONBytes = 64 * 1024

    public let configuration: GraphAPIConfiguration
    let httpClient: HTTPClient
    let logger: Logger

    /// - Parameters:
    ///   - configuration: base URL, token and timeouts.
    ///   - httpClient: the client to send through, owned (and shut down) by the caller.
    ///   - logger: receives one debug line per request (never the token).
    public init(configuration: GraphAPIConfiguration, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "whatsapp.graph")) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Asks where to download a media: `GET {base}/{media-id}`.
    /// - Returns: the metadata, with a download URL valid for about five minutes.
    /// - Throws: a ``GraphError`` (``GraphError/Kind/notFound`` for an unknown id,
    ///   ``GraphError/Kind/unauthorized`` for a refused token, …), or `CancellationError`.
    public func metadata(mediaID: String) async throws -> MediaMetadata {
        let operation = "media metadata for \(mediaID)"
        guard Self.isValidMediaID(mediaID) else {
            throw GraphError(kind: .invalidMediaID, operation: "media metadata", detail: "media id \(mediaID.debugDescription.prefix(80))")
        }
        let answer = try await get(
            configuration.baseURL + "/" + mediaID, operation: operation,
            timeout: configuration.requestTimeout, maxBytes: Self.maximumJSONBytes, isDownload: false
        )
        guard let metadata = MediaMetadata(json: Array(answer.body.readableBytesView), requestedID: mediaID) else {
            throw GraphError(kind: .invalidResponse, operation: operation, httpStatus: 200, detail: "no media object with a url in the answer")
        }
        return metadata
    }

    /// Downloads media bytes from a URL handed out by the Graph API (metadata or webhook),
    /// with the bearer token, if the URL is on an allowed host
    /// (``GraphAPIConfiguration/allowsMediaDownload(from:)``).
    /// - Parameters:
    ///   - url: the download URL; `https`, or `http` to loopback only.
    ///   - maxBytes: the most bytes accepted; a larger media fails with ``GraphError/Kind/tooLarge``.
    /// - Returns: the bytes, unchecked (see ``fetch(mediaID:webhookURL:metaSHA256:maxBytes:)``).
    /// - Throws: a ``GraphError`` (a URL answering 404 or 410 is ``GraphError/Kind/expired``; a
    ///   URL outside the allowed hosts is ``GraphError/Kind/urlNotAllowed`` and is not requested),
    ///   or `CancellationError`.
    public func download(url: String, maxBytes: Int) async throws -> [UInt8] {
        let shown = TransportSecurity.redacted(url)
        let operation = "download from \(shown)"
        do {
            try TransportSecurity.check(url, role: "media download URL")
        } catch {
            throw GraphError(kind: .invalidResponse, operation: operation, detail: error.description)
        }
        // The token goes only where Meta serves media: never to a host a webhook merely names.
        guard configuration.allowsMediaDownload(from: url) else {
            logger.warning("media URL outside the allowed hosts: not requested", metadata: ["url": "\(shown)"])
            throw GraphError(
                kind: .urlNotAllowed, operation: operation, detail: "allowed: \(configuration.mediaHosts.joined(separator: ", ")) and the Graph API's own host")
        }
        let answer = try await get(url, operation: operation, timeout: configuration.downloadTimeout, maxBytes: maxBytes, isDownload: true)
        return Array(answer.body.readableBytesView)
    }

    /// Whether `id` can be a Graph object id: 1 to 256 letters, digits, `_`, `.` or `-`. Anything
    /// else would change the request path.
    public static func isValidMediaID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 256
            && id.utf8.allSatisfy { char in
                switch char {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }
    }

    // MARK: One request

    struct Answer: Sendable {
        var body: ByteBuffer
    }

    /// GETs `url` with the bearer token within `timeout`; a non-200 answer becomes a ``GraphError``.
    func get(_ url: String, operation: String, timeout: Duration, maxBytes: Int, isDownload: Bool) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Authorization", value: configuration.accessToken.authorizationHeader)
        request.headers.add(name: "Accept", value: isDownload ? "*/*" : "application/json")
        logger.debug("graph request", metadata: ["operation": "\(operation)"])

        let client = httpClient
        let prepared = request
        let (status, headers, body): (Int, HTTPHeaders, ByteBuffer)
        do {
            (status, headers, body) = try await Self.withTimeout(timeout) {
                let response = try await client.execute(prepared, timeout: Self.timeAmount(timeout))
                let status = Int(response.status.code)
                if status == 200, let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > maxBytes {
                    throw GraphError(kind: .tooLarge, operation: operation, httpStatus: status, detail: "\(declared) bytes, the limit is \(maxBytes)")
                }
                let limit = status == 200 ? maxBytes : Self.maximumJSONBytes
                let body: ByteBuffer
                do {
                    body = try await response.body.collect(upTo: limit)
                } catch is NIOTooManyBytesError where status != 200 {
                    body = ByteBuffer()
                }
                return (status, response.headers, body)
            }
        } catch let error as GraphError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch is TimeoutReached {
            throw GraphError(kind: .timeout, operation: operation, detail: "no complete answer within \(timeout.components.seconds) s")
        } catch is NIOTooManyBytesError {
            throw GraphError(kind: .tooLarge, operation: operation, httpStatus: 200, detail: "more than \(maxBytes) bytes")
        } catch let error as HTTPClientError where Self.timeouts.contains(error) {
            throw GraphError(kind: .timeout, operation: operation, detail: "\(error)")
        } catch {
            throw GraphError(kind: .transport, operation: operation, detail: "\(error)")
        }
        guard status == 200 else {
            throw GraphErrorClassifier.error(
                status: status, body: body, retryAfter: headers.first(name: "Retry-After"), operation: operation, isDownload: isDownload
            )
        }
        return Answer(body: body)
    }

    static let timeouts: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout,
    ]

    struct TimeoutReached: Error {}

    /// Runs `body`, cancelling it after `timeout` (AsyncHTTPClient's own deadline ends with the
    /// response head; this one covers the body too).
    static func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimeoutReached() }
            return value
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .nanoseconds(seconds > 0 ? .max : 0) }
        return .nanoseconds(max(0, nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue))
    }
}
