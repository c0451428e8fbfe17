import Foundation
import NIOCore

/// Turns a non-200 Graph answer into a ``GraphError`` of the right kind.
enum GraphErrorClassifier {
    /// Graph error codes that mean "too many calls".
    static let rateLimitCodes: Set<Int> = [4, 17, 32, 613, 80007, 130429, 131056]
    /// The Graph error code for an invalid or expired access token.
    static let invalidTokenCode = 190

    static func error(status: Int, body: ByteBuffer, retryAfter: String?, operation: String, isDownload: Bool) -> GraphError {
        let graph = GraphErrorBody(json: Array(body.readableBytesView))
        let kind = kind(status: status, graph: graph, isDownload: isDownload)
        let wait = retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
        return GraphError(kind: kind, operation: operation, httpStatus: status, graphError: graph, retryAfter: wait)
    }

    static func kind(status: Int, graph: GraphErrorBody?, isDownload: Bool) -> GraphError.Kind {
        let code = graph?.code
        if status == 401 || code == invalidTokenCode { return .unauthorized }
        if status == 429 || code.map(rateLimitCodes.contains) == true { return .rateLimited }
        switch status {
        case 404: return isDownload ? .expired : .notFound
        case 410: return .expired
        case 403: return .forbidden
        case 500...: return .serverError
        default: break
        }
        // "(#100) Unsupported get request. Object with ID '…' does not exist": HTTP 400, 100/33.
        if code == 100, graph?.subcode == 33 { return .notFound }
        return .rejected
    }
}
