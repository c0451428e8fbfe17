import Foundation
import Hummingbird
import NIOCore

/// How long a client may take to send a request body that a route reads
/// (``Request/collectBody(upTo:tooLarge:)``).
public enum RequestBodyDeadline {
    /// The time allowed for any body, from when the route starts reading it; a larger limit adds
    /// one second per 64 KiB (a 100 MB upload gets about 27 minutes). A body still incomplete
    /// then (a client that announced more bytes than it sends) is answered 408 `body_timeout`.
    /// Task-local, so that a test can shorten it.
    @TaskLocal public static var base: Duration = .seconds(30)

    /// The deadline for a body of at most `limit` bytes.
    static func deadline(forLimit limit: Int) -> Duration {
        base + .seconds(limit / (64 * 1024))
    }

    /// 408 `body_timeout`, closing the connection.
    static func timeout(_ deadline: Duration) -> ProblemDetails {
        var timeout = ProblemDetails(
            status: .requestTimeout, code: "body_timeout", title: "Body not received",
            detail: "the request body did not arrive within \(deadline.components.seconds) s: send exactly the bytes Content-Length announces")
        timeout.headers[.connection] = "close"
        return timeout
    }
}

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
        if declaresJSON { try Self.refuseNUL(inJSON: bytes) }
        return bytes
    }

    /// Whether the body is declared JSON, or not declared at all (the JSON routes accept that).
    private var declaresJSON: Bool {
        guard let type = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else {
            return true
        }
        return type == "application/json" || type.hasSuffix("+json")
    }

    /// Refuses JSON text that holds NUL: a raw 0x00 byte, or the escape `\u0000` (any case of
    /// hex digits) inside a string. PostgreSQL cannot store NUL in text or `jsonb`, and no name,
    /// rule or message needs it. An escaped backslash followed by `u0000` (the six characters
    /// `\u0000` as text) is not NUL and passes.
    /// - Throws: 400 `invalid_text`.
    static func refuseNUL(inJSON bytes: [UInt8]) throws {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0:
                throw nulInBody
            case UInt8(ascii: "\\"):
                let escape = bytes[(index + 1)...].prefix(5)
                if escape.count == 5, escape.first == UInt8(ascii: "u"), escape.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    throw nulInBody
                }
                index += 2
            default:
                index += 1
            }
        }
    }

    private static var nulInBody: ProblemDetails {
        ProblemDetails(
            status: .badRequest, code: "invalid_text", title: "Invalid text",
            detail: "the JSON body contains a NUL character (\\u0000): text may not contain NUL", extensions: ["field": "body"])
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
        try Self.refuseNUL(inJSON: bytes)
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
