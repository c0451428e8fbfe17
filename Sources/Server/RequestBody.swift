import API
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, at most `limit` bytes. A larger body throws `tooLarge()` (Hummingbird
    /// reports it as `NIOTooManyBytesError` or as an HTTP 413 error, depending on where the
    /// limit was hit); a body that does not arrive within its ``RequestBodyDeadline`` is 408
    /// `body_timeout`; a JSON body (declared `application/json` or `…+json`, or declared as
    /// nothing) holding a NUL character is 400 `invalid_text`; any other failure (the client
    /// went away) is rethrown as it is.
    func collectBody(upTo limit: Int, tooLarge: () -> any Error) async throws -> [UInt8] {
        let body = self.body
        let deadline = RequestBodyDeadline.deadline(forLimit: limit)
        let bytes: [UInt8]
        do {
            bytes = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else { throw RequestBodyDeadline.timeout(deadline) }
                return Array(buffer.readableBytesView)
            }
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
        if declaresJSON { try JSONBodyText.refuseNUL(inJSON: bytes) }
        return bytes
    }

    /// Whether the body is declared JSON, or not declared at all (the JSON routes accept that).
    private var declaresJSON: Bool {
        guard let type = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else {
            return true
        }
        return type == "application/json" || type.hasSuffix("+json")
    }
}

/// A JSON request body whose members are closed: a member it does not know (a typo, say) is
/// refused with 400 `invalid_json` instead of being ignored, as /openapi.json says
/// (`"additionalProperties": false`).
protocol ClosedJSONBody: Decodable {
    /// The members the body may have.
    static var members: Set<String> { get }
}

extension Request {
    /// The body decoded as JSON `T` (at most `limit` bytes); 400 `invalid_json` naming what is
    /// wrong otherwise (a member a ``ClosedJSONBody`` does not know included), 400 `invalid_text` for a NUL character in it, 408 `body_timeout` for a body
    /// that does not arrive, 413 `body_too_large` above the limit.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int = 64 * 1024) async throws -> T {
        let bytes = try await collectBody(upTo: limit) {
            ProblemDetails(status: .contentTooLarge, code: "body_too_large", title: "Request too large", detail: "the body may be at most \(limit) bytes")
        }
        // Decoded as JSON whatever it was declared as: refuse NUL here too.
        try JSONBodyText.refuseNUL(inJSON: bytes)
        if let closed = T.self as? any ClosedJSONBody.Type,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let unknown = object.keys.filter({ !closed.members.contains($0) }).sorted().first
        {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_json", title: "Invalid JSON",
                detail: "the member \"\(unknown.prefix(64))\" is not one this route reads (it reads \(closed.members.sorted().joined(separator: ", ")))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the member \"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the member \"\(path)\" has the wrong type")
        } catch {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the body must be a JSON object as docs/api.md describes")
        }
    }
}
