import API
import Foundation
import Hummingbird
import OpenAPIRuntime

/// Turns what the generated `/v1` code throws (``ServerError``) into the answer: a refusal a
/// handler threw as it is, a domain error as ``ProblemDetails/init(domainError:)`` maps it, and
/// a request the generated code could not read (a parameter or body that does not match
/// `openapi.yaml`) as 400 naming what is wrong. Anything else goes on to the 500 answer.
struct OpenAPIErrorMiddleware: RouterMiddleware {
    typealias Context = RecordkeeperRequestContext

    /// The API description: which query parameters each operation requires.
    let spec: OpenAPISpec

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            throw answer(to: error)
        }
    }

    func answer(to error: ServerError) -> any Error {
        let underlying = error.underlyingError
        if let answer = underlying as? any HTTPResponseError { return answer }
        if let problem = ProblemDetails(domainError: underlying) { return problem }
        if error.operationInput == nil {
            let present = Self.queryNames(of: error)
            if let missing = spec.requiredQueryParameters[error.operationID]?.first(where: { !present.contains($0) }) {
                return ProblemDetails(
                    status: .badRequest, code: "missing_parameter", title: "Missing parameter", detail: "the query parameter \"\(missing)\" is required",
                    extensions: ["field": missing])
            }
            let readsBody = error.request.method == .post || error.request.method == .put
            return ProblemDetails(unreadableRequest: underlying, parameters: Self.parameterNames(of: error), readsBody: readsBody)
        }
        return underlying
    }

    /// The names of the path and query parameters the request carries.
    private static func parameterNames(of error: ServerError) -> Set<String> {
        Set(error.requestMetadata.pathParameters.keys).union(queryNames(of: error))
    }

    /// The names of the query parameters the request carries.
    private static func queryNames(of error: ServerError) -> Set<String> {
        let query = error.request.path?.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        return Set(query.split(separator: "&").map { String($0.split(separator: "=", maxSplits: 1)[0]) })
    }
}

extension ProblemDetails {
    /// A request that does not match the operation in `openapi.yaml` (a missing required query
    /// parameter aside): 400 `invalid_json` for the body, `invalid_parameter` for a parameter (one of `parameters`;
    /// a value that does not decode at the root is the body's when the method `readsBody`).
    init(unreadableRequest error: any Error, parameters: Set<String>, readsBody: Bool) {
        if let decoding = error as? DecodingError {
            let path = Self.codingPath(of: decoding)
            if let name = path.first?.stringValue, parameters.contains(name) || !readsBody {
                self.init(
                    status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                    detail: "the parameter \"\(name)\" does not have the documented type or form")
                return
            }
            if path.isEmpty, !readsBody {
                self.init(
                    status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                    detail: "a parameter (\(parameters.sorted().joined(separator: ", "))) does not have the documented type or form: see /openapi.json")
                return
            }
        }
        if let decoding = error as? DecodingError {
            self.init(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: Self.describe(decoding))
            return
        }
        let text = String(describing: error)
        if text.hasPrefix("Missing required request body") {
            self.init(status: .badRequest, code: "invalid_json", title: "Invalid JSON", detail: "the body must be a JSON object as docs/api.md describes")
        } else {
            self.init(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: "a parameter does not match the API description: \(text)")
        }
    }

    private static func codingPath(of error: DecodingError) -> [any CodingKey] {
        switch error {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath
        @unknown default: []
        }
    }

    /// What is wrong with a JSON body, naming the member.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String { context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, _):
            return "the member \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "the member \"\(path(context))\" has the wrong type"
        case .dataCorrupted(let context):
            if context.debugDescription.hasPrefix("Additional properties are disabled"), let unknown = context.codingPath.last {
                return "the member \"\(unknown.stringValue.prefix(64))\" is not one this route reads"
            }
            return context.codingPath.isEmpty
                ? "the body must be a JSON object as docs/api.md describes" : "the member \"\(path(context))\" is not valid: \(context.debugDescription)"
        @unknown default:
            return "the body must be a JSON object as docs/api.md describes"
        }
    }
}
