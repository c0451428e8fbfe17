import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import ServiceTestSupport
import TestSupport
import Testing

/// Finding 19: the OpenAPI document and the service disagreed. These are the disagreements fixed
/// on the service's side, one by one (SchemathesisTests runs the whole comparison).
@Suite("OpenAPI agreement", .timeLimit(.minutes(5)))
struct OpenAPIAgreementTests {
    typealias Answer = EdgeInputHardeningTests.Answer
    static let bootstrap = EdgeInputHardeningTests.bootstrap

    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers extra: HTTPFields = [:],
        authenticated: Bool = true
    ) async throws -> Answer {
        var headers = extra
        if authenticated { headers[.authorization] = "Bearer \(bootstrap)" }
        if json != nil { headers[.contentType] = "application/json" }
        if method != .get { headers[AccessControlMiddleware.csrfHeader] = "test" }
        return try await app.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    @Test("X-Recordkeeper-Access-Reason longer than the documented 500 characters is 400 invalid_header, not cut and accepted")
    func overlongReason() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: nil, bootstrapToken: Self.bootstrap) { app in
                let longest = try await Self.call(
                    app, .get, "/v1/conversations", headers: [AccessControlMiddleware.reasonHeader: String(repeating: "r", count: 500)])
                #expect(longest.status == .ok, "\(longest)")
                let tooLong = try await Self.call(
                    app, .get, "/v1/conversations", headers: [AccessControlMiddleware.reasonHeader: String(repeating: "r", count: 501)])
                #expect(tooLong.status == .badRequest, "\(tooLong)")
                #expect(tooLong.headers[.contentType] == "application/problem+json", "\(tooLong)")
                #expect(tooLong.json["code"] as? String == "invalid_header", "\(tooLong)")
                #expect((tooLong.json["detail"] as? String)?.contains("at most 500") == true, "\(tooLong)")
            }
        }
    }

    @Test("a conversation id of the documented form (base64url) that is not ours is 404 no_conversation; another form is 400")
    func conversationIDs() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: nil, bootstrapToken: Self.bootstrap) { app in
                let reason: HTTPFields = [AccessControlMiddleware.reasonHeader: "openapi agreement test"]
                for uri in ["/v1/conversations/AAAA", "/v1/conversations/0", "/v1/conversations/Zm9vYmFy/messages", "/v1/search?q=hello&conversation=AAAA"] {
                    let answer = try await Self.call(app, .get, uri, headers: reason)
                    #expect(answer.status == .notFound, "\(uri): \(answer)")
                    #expect(answer.json["code"] as? String == "no_conversation", "\(uri): \(answer)")
                }
                for uri in ["/v1/conversations/not%20an%20id", "/v1/conversations/a.b/messages"] {
                    let answer = try await Self.call(app, .get, uri, headers: reason)
                    #expect(answer.status == .badRequest, "\(uri): \(answer)")
                    #expect(answer.json["code"] as? String == "invalid_conversation_id", "\(uri): \(answer)")
                }
                let search = try await Self.call(app, .get, "/v1/search?q=hello&conversation=a.b", headers: reason)
                #expect(search.status == .badRequest && search.json["code"] as? String == "invalid_parameter", "\(search)")
            }
        }
    }

    @Test("a member a staff body does not have (a typo) is 400 invalid_json naming it, not ignored")
    func unknownBodyMembers() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: nil, bootstrapToken: Self.bootstrap) { app in
                // Ignored, "categroy" would have removed the clearance (category absent) instead of setting it.
                let clearance = try await Self.call(app, .put, "/v1/staff/users/desk/clearance", json: #"{"categroy":3,"reason":"case 12"}"#)
                #expect(clearance.status == .badRequest, "\(clearance)")
                #expect(clearance.json["code"] as? String == "invalid_json", "\(clearance)")
                #expect((clearance.json["detail"] as? String)?.contains("categroy") == true, "\(clearance)")
                let user = try await Self.call(app, .post, "/v1/staff/users", json: #"{"name":"desk","roles":["agent"],"team":"permits"}"#)
                #expect(user.status == .badRequest && user.json["code"] as? String == "invalid_json", "\(user)")
                let token = try await Self.call(app, .post, "/v1/staff/tokens", json: #"{"user":"desk","expires_in":60}"#)
                #expect(token.status == .badRequest && token.json["code"] as? String == "invalid_json", "\(token)")
                // The documented members, null for an optional one, are read.
                let created = try await Self.call(app, .post, "/v1/staff/users", json: #"{"name":"desk","roles":["agent"],"teams":null,"password":null}"#)
                #expect(created.status == .created, "\(created)")
            }
        }
    }

    @Test("a method the path is not documented with is 405 with Allow listing the documented ones, not 404 or every method")
    func methodNotAllowed() async throws {
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: nil, bootstrapToken: Self.bootstrap) { app in
                for (method, uri, allow) in [
                    (HTTPRequest.Method.put, "/healthz", "GET"), (.post, "/v1/routing/rules", "GET, PUT"),
                    (.options, "/v1/conversations/AAAA/notes", "GET, POST"), (.delete, "/v1/sends/12", "GET"),
                ] {
                    let answer = try await Self.call(app, method, uri)
                    #expect(answer.status == .methodNotAllowed, "\(method) \(uri): \(answer)")
                    #expect(answer.json["code"] as? String == "method_not_allowed", "\(method) \(uri): \(answer)")
                    #expect(answer.headers[.allow] == allow, "\(method) \(uri): \(answer.headers)")
                }
                // A path no route serves stays 404.
                let unknown = try await Self.call(app, .put, "/v1/no-such-thing")
                #expect(unknown.status == .notFound, "\(unknown)")
            }
        }
    }
}
