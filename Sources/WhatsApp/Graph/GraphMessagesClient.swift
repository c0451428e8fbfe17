public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Sends requests to Meta's Graph API on the agency's behalf: messages from the dispatcher, and
/// any request the recording proxy forwards. Answers come back exactly as Meta sent them
/// (``GraphResponse``); only a missing answer (connection failure, timeout) is an error.
///
/// Every request carries the agency's `Authorization: Bearer <token>` from
/// ``GraphAPIConfiguration``; the token never appears in logs or errors.
public struct GraphMessagesClient: Sendable {
    /// The largest answer read: Graph answers to sends, uploads and metadata are small.
    public static let maximumAnswerBytes = 1024 * 1024

    public let configuration: GraphAPIConfiguration
    let httpClient: HTTPClient
    let logger: Logger

    /// The process-wide client sends go through by default: up to 64 connections to one host
    /// (`HTTPClient.shared` keeps 8, which would cap a dispatcher at 8 sends in flight while Meta
    /// allows 80 messages a second per number), no redirects (a Graph answer is never one).
    public static let sendingHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))

    /// - Parameters:
    ///   - configuration: base URL, token and timeouts (``GraphAPIConfiguration/requestTimeout``
    ///     bounds each request).
    ///   - httpClient: the client to send through, owned (and shut down) by the caller;
    ///     ``sendingHTTPClient`` by default.
    public init(
        configuration: GraphAPIConfiguration, httpClient: HTTPClient = GraphMessagesClient.sendingHTTPClient,
        logger: Logger = Logger(label: "whatsapp.graph")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// `POST {base}/{phone-number-id}/messages` with `body` as it is.
    /// - Throws: ``GraphError`` of kind ``GraphError/Kind/timeout`` or ``GraphError/Kind/transport``
    ///   when no answer came (Meta may or may not have accepted the message), or `CancellationError`.
    public func sendMessage(phoneNumberID: String, body: [UInt8]) async throws -> GraphResponse {
        guard GraphMediaClient.isValidMediaID(phoneNumberID) else {
            throw GraphError(kind: .invalidMediaID, operation: "send message", detail: "phone number id \(phoneNumberID.debugDescription.prefix(80))")
        }
        let request = GraphRequest(
            method: "POST", path: configuration.version + "/" + phoneNumberID + "/messages", contentType: "application/json", body: body)
        return try await exchange(request)
    }

    /// Sends `request` to `{root}/{request.path}` and returns Meta's answer, whatever its status.
    /// - Throws: ``GraphError`` (``GraphError/Kind/timeout``, ``GraphError/Kind/transport``,
    ///   ``GraphError/Kind/tooLarge`` for an answer over ``maximumAnswerBytes``,
    ///   ``GraphError/Kind/invalidResponse`` for a path that leaves the Graph root), or
    ///   `CancellationError`.
    public func exchange(_ request: GraphRequest) async throws -> GraphResponse {
        let operation = "\(request.method) /\(request.path.split(separator: "?").first ?? "")"
        guard Self.isSafePath(request.path) else {
            throw GraphError(kind: .invalidResponse, operation: operation, detail: "the path may hold only Graph ids, versions and names")
        }
        var outgoing = HTTPClientRequest(url: configuration.rootURL + "/" + request.path)
        outgoing.method = HTTPMethod(rawValue: request.method)
        outgoing.headers.add(name: "Authorization", value: configuration.accessToken.authorizationHeader)
        outgoing.headers.add(name: "Accept", value: "application/json")
        if let contentType = request.contentType { outgoing.headers.add(name: "Content-Type", value: contentType) }
        if !request.body.isEmpty || request.method == "POST" {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        logger.debug("graph request", metadata: ["operation": "\(operation)"])
        let client = httpClient
        let prepared = outgoing
        let timeout = configuration.requestTimeout
        do {
            return try await GraphMediaClient.withTimeout(timeout) {
                let response = try await client.execute(prepared, timeout: GraphMediaClient.timeAmount(timeout))
                let body = try await response.body.collect(upTo: Self.maximumAnswerBytes)
                return GraphResponse(
                    status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                    retryAfter: response.headers.first(name: "Retry-After"), body: Array(body.readableBytesView))
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch is GraphMediaClient.TimeoutReached {
            throw GraphError(kind: .timeout, operation: operation, detail: "no complete answer within \(timeout.components.seconds) s")
        } catch is NIOTooManyBytesError {
            throw GraphError(kind: .tooLarge, operation: operation, detail: "an answer over \(Self.maximumAnswerBytes) bytes")
        } catch let error as HTTPClientError where GraphMediaClient.timeouts.contains(error) {
            throw GraphError(kind: .timeout, operation: operation, detail: "\(error)")
        } catch {
            throw GraphError(kind: .transport, operation: operation, detail: "\(error)")
        }
    }

    /// Whether `path` stays below the Graph root: segments of letters, digits, `_`, `.`, `-`,
    /// no `..`, an optional query.
    static func isSafePath(_ path: String) -> Bool {
        let pathPart = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let segments = pathPart.split(separator: "/", omittingEmptySubsequences: false)
        return !segments.isEmpty
            && segments.allSatisfy { segment in
                segment != ".." && segment != "." && GraphMediaClient.isValidMediaID(String(segment))
            }
    }
}
