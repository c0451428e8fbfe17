import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, at most `limit` bytes. A larger body throws `tooLarge()` (Hummingbird
    /// reports it as `NIOTooManyBytesError` or as an HTTP 413 error, depending on where the
    /// limit was hit); any other failure (the client went away) is rethrown as it is.
    func collectBody(upTo limit: Int, tooLarge: () -> any Error) async throws -> [UInt8] {
        do {
            return Array(try await body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
    }
}

extension Request {
    /// The body decoded as JSON `T` (at most `limit` bytes); 400 `invalid_json` naming what is
    /// wrong otherwise, 413 `body_too_large` above the limit.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int = 64 * 1024) async throws -> T {
        let bytes = try await collectBody(upTo: limit) {
            ProblemDetails(status: .contentTooLarge, code: "body_too_large", title: "Request too large", detail: "the body may be at most \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the member \"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the member \"\(path)\" has the wrong type")
        } catch {
            throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the body must be a JSON object as docs/api.md describes")
        }
    }
}
