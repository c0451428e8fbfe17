public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Obtains RFC 3161 time-stamp tokens from a Time-Stamp Authority over HTTP (RFC 3161 §3.4).
///
/// It POSTs a ``TimestampRequest`` as `application/timestamp-query`, expects `200` with
/// `application/timestamp-reply`, and checks that the answer is granted and answers this request
/// (same imprint, same nonce). It does not check trust: verify the token with a
/// ``TimestampVerifier`` holding the TSA's CA certificate before relying on it.
public struct TimestampAuthorityClient: Sendable {
    /// The largest answer accepted; real responses are a few kilobytes.
    public static let maximumResponseBytes = 1 << 20

    /// The TSA's RFC 3161 endpoint, e.g. `https://tsa.example/tsr`.
    public let url: String
    /// How long a request may take, from sending to the last byte of the answer.
    public let timeout: Duration
    private let httpClient: HTTPClient

    /// A client for the TSA at `url`, sending through `httpClient` (which the caller owns and shuts down).
    public init(url: String, httpClient: HTTPClient, timeout: Duration = .seconds(30)) {
        self.url = url
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// Stamps the data whose SHA-256 digest is `sha256Digest` with a fresh request and nonce.
    /// - Returns: the token, consistent with the request (not yet checked for trust).
    /// - Throws: a ``TimestampError``: the TSA was unreachable, answered with an HTTP error,
    ///   something other than a time-stamp reply, a rejection, or a token for another request.
    public func timestamp(sha256Digest: [UInt8]) async throws -> TimestampToken {
        let request = try TimestampRequest(sha256Digest: sha256Digest)
        return try await send(request).token(answering: request)
    }

    /// Sends `request` and parses the answer, whatever its status.
    /// - Throws: a ``TimestampError`` when no time-stamp response came back.
    public func send(_ request: TimestampRequest) async throws -> TimestampResponse {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/timestamp-query")
        http.headers.add(name: "Accept", value: "application/timestamp-reply")
        http.body = .bytes(request.der)

        let status: Int
        let contentType: String?
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(http, timeout: Self.timeAmount(timeout))
            status = Int(response.status.code)
            contentType = response.headers.first(name: "Content-Type")
            body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        } catch is NIOTooManyBytesError {
            throw TimestampError.responseTooLarge(url: url, limit: Self.maximumResponseBytes)
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw TimestampError.transport(url: url, reason: "no complete answer within \(Self.seconds(timeout)) seconds")
        } catch {
            throw TimestampError.transport(url: url, reason: String(describing: error))
        }

        guard status == 200 else {
            throw TimestampError.httpStatus(url: url, status: status, body: Self.snippet(of: body))
        }
        guard let contentType, Self.isTimestampReply(contentType) else {
            throw TimestampError.unexpectedContentType(url: url, contentType: contentType)
        }
        return try TimestampResponse(der: Array(body.readableBytesView))
    }

    /// `application/timestamp-reply`, parameters and case aside; also the pre-RFC name
    /// `application/timestamp-response` that some TSAs still send.
    static func isTimestampReply(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let normalized = mediaType.trimmingCharacters(in: .whitespaces).lowercased()
        return normalized == "application/timestamp-reply" || normalized == "application/timestamp-response"
    }

    /// The start of an error body as printable text, for the error message.
    static func snippet(of body: ByteBuffer) -> String {
        let text = String(decoding: body.readableBytesView.prefix(200), as: UTF8.self)
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
        return printable.trimmingCharacters(in: .whitespaces)
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) + Double(attoseconds) / 1e18).formatted(.number.precision(.fractionLength(0...3)))
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .nanoseconds(seconds > 0 ? .max : 0) }
        return .nanoseconds(max(0, nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue))
    }
}
