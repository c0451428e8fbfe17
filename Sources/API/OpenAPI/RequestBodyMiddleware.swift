import HTTPTypes
import OpenAPIRuntime

/// Reads the JSON body of a `/v1` operation before the generated code decodes it: at most the
/// operation's limit (413 `body_too_large`), within ``RequestBodyDeadline`` (408
/// `body_timeout`), never holding NUL (400 `invalid_text`). The body is read as JSON whatever
/// it was declared as, as the API always has.
struct RequestBodyMiddleware: ServerMiddleware {
    /// The largest body of each operation that takes a larger or smaller one than 64 KiB.
    static let limits: [String: Int] = [
        "signIn": 4096,
        "sendMessage": SendRoutesLimits.maxBodyBytes,
        "setAutomationRules": AutomationRoutesLimits.maxBodyBytes,
    ]
    static let defaultLimit = 64 * 1024

    /// The body of the operation being answered, exactly as read (`sendMessage`: the digest of
    /// these bytes guards its `Idempotency-Key`).
    @TaskLocal static var bytes: [UInt8]?

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body, request.method != .get, request.method != .head else { return try await next(request, body, metadata) }
        let limit = Self.limits[operationID] ?? Self.defaultLimit
        let bytes = try await Self.collect(body, upTo: limit)
        try JSONBodyText.refuseNUL(inJSON: bytes)
        var request = request
        if !bytes.isEmpty { request.headerFields[.contentType] = "application/json" }
        // A body of only white space is no body (an optional body is then absent, a required one missing).
        let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return try await Self.$bytes.withValue(bytes) { try await next(request, blank ? nil : HTTPBody(bytes), metadata) }
    }

    /// The whole body, at most `limit` bytes, within the deadline for that limit.
    static func collect(_ body: HTTPBody, upTo limit: Int) async throws -> [UInt8] {
        let tooLarge = ProblemDetails(
            status: .contentTooLarge, code: "body_too_large", title: "Request too large", detail: "the body may be at most \(limit) bytes")
        if case .known(let length) = body.length, length > limit { throw tooLarge }
        let deadline = RequestBodyDeadline.deadline(forLimit: limit)
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var bytes: [UInt8] = []
                for try await chunk in body {
                    guard bytes.count + chunk.count <= limit else { throw tooLarge }
                    bytes += chunk
                }
                return bytes
            }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let bytes = first else { throw RequestBodyDeadline.timeout(deadline) }
            return bytes
        }
    }
}
