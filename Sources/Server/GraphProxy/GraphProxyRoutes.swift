public import Access
import HTTPTypes
public import Hummingbird
import Logging
public import Messaging
import NIOCore
import WhatsApp

extension Router where Context == RecordkeeperRequestContext {
    /// The Graph-compatible recording proxy under `/graph` (docs/api.md, "Recording proxy"):
    ///
    /// - `POST /graph/{version}/{phone-number-id}/messages`
    /// - `POST /graph/{version}/{phone-number-id}/media`
    /// - `GET /graph/{version}/{media-id}`
    ///
    /// Each needs an integration's token (``IntegrationAuthMiddleware``) and answers with Meta's
    /// status, content type and body unchanged, plus `X-Recordkeeper-Request-Position` and
    /// `X-Recordkeeper-Outcome-Position` headers naming the ledger entries. Errors Recordkeeper
    /// itself answers are Graph-shaped (``GraphProxyError``).
    public func addGraphProxyRoutes(proxy: GraphProxy, registry: IntegrationRegistry) {
        let graph = group("graph", context: GraphProxyContext.self)
            .add(middleware: IntegrationAuthMiddleware(registry: registry, timeout: proxy.commitTimeout))
        for endpoint in ["messages", "media"] {
            let isUpload = endpoint == "media"
            graph.post(RouterPath(":version/:id/\(endpoint)")) { request, context -> Response in
                let (version, id) = try GraphProxyRoutes.pathParameters(context)
                let body = try await GraphProxyRoutes.body(
                    request, limit: isUpload ? GraphProxyRoutes.maximumUploadBytes : GraphProxyRoutes.maximumMessageBytes)
                let contentType = request.headers[.contentType]
                return try await GraphProxyRoutes.answer(context: context) { () async throws(GraphProxyFailure) -> ProxiedAnswer in
                    if isUpload {
                        return try await proxy.uploadMedia(
                            version: version, phoneNumberID: id, contentType: contentType, body: body, integration: context.integration)
                    }
                    return try await proxy.sendMessage(
                        version: version, phoneNumberID: id, contentType: contentType, body: body, integration: context.integration)
                }
            }
        }
        graph.get(":version/:id") { request, context -> Response in
            let (version, id) = try GraphProxyRoutes.pathParameters(context)
            return try await GraphProxyRoutes.answer(context: context) { () async throws(GraphProxyFailure) -> ProxiedAnswer in
                try await proxy.mediaMetadata(version: version, mediaID: id, query: request.uri.query, integration: context.integration)
            }
        }
    }
}

/// The HTTP side of the proxy: reading bodies, writing Meta's answers and Graph-shaped errors.
enum GraphProxyRoutes {
    /// The largest `/messages` body accepted (Meta's bodies are a few KB; text is at most 4096 characters).
    static let maximumMessageBytes = 1024 * 1024
    /// The largest upload recorded and forwarded: the ledger's payload limit (64 MiB). Larger
    /// documents (Meta accepts 100 MB) must be sent by link.
    static let maximumUploadBytes = 64 * 1024 * 1024 - 64 * 1024

    static let requestPositionHeader = HTTPField.Name("X-Recordkeeper-Request-Position")!
    static let outcomePositionHeader = HTTPField.Name("X-Recordkeeper-Outcome-Position")!

    static func pathParameters(_ context: GraphProxyContext) throws -> (String, String) {
        (try context.parameters.require("version"), try context.parameters.require("id"))
    }

    /// The whole body, or a Graph-shaped 413 when it is larger than `limit`.
    static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GraphProxyError(
                status: .contentTooLarge, code: 100, title: "Invalid parameter",
                details: "the request body is larger than Recordkeeper records (\(limit) bytes); send large media by link")
        }
    }

    /// Runs the proxy call and turns its result into Meta's answer or a Graph-shaped error.
    static func answer(context: GraphProxyContext, _ call: () async throws(GraphProxyFailure) -> ProxiedAnswer) async throws -> Response {
        do throws(GraphProxyFailure) {
            let answer = try await call()
            var headers: HTTPFields = [:]
            if let contentType = answer.response.contentType { headers[.contentType] = contentType }
            if let retryAfter = answer.response.retryAfter { headers[.retryAfter] = retryAfter }
            headers[requestPositionHeader] = String(answer.requestPosition)
            if let outcome = answer.outcomePosition { headers[outcomePositionHeader] = String(outcome) }
            return Response(
                status: HTTPResponse.Status(code: answer.response.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.response.body)))
        } catch {
            throw graphError(error, context: context)
        }
    }

    static func graphError(_ failure: GraphProxyFailure, context: GraphProxyContext) -> GraphProxyError {
        switch failure {
        case .notConfigured:
            return GraphProxyError(status: .serviceUnavailable, code: 2, title: "Service temporarily unavailable", details: failure.description)
        case .invalidRequest(let why):
            return GraphProxyError(status: .badRequest, code: 100, title: "Invalid parameter", details: "Recordkeeper did not forward this request: \(why)")
        case .cannotRecord(let why):
            context.logger.error("proxy request refused: cannot record", metadata: ["reason": "\(why.prefix(300))"])
            return GraphProxyError.cannotRecord("the ledger is unavailable")
        case let .noAnswer(error, position):
            let timedOut = error.kind == .timeout
            return GraphProxyError(
                status: timedOut ? .gatewayTimeout : .badGateway, code: 2, title: "Service temporarily unavailable",
                details: "Recordkeeper recorded this request (ledger position \(position)) and forwarded it, but Meta "
                    + (timedOut ? "did not answer in time" : "could not be reached")
                    + ": Meta may or may not have acted on it (\(error.kind.rawValue)).",
                retryAfterSeconds: 5)
        }
    }
}
