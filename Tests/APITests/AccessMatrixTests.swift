import API
import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerStore
import NIOCore
import PostgresNIO
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// The role × action matrix of docs/access.md, held by every route of the application for every
/// role, through real authentication and the one access-control middleware.
@Suite("Access matrix", .timeLimit(.minutes(5)))
struct AccessMatrixTests {
    typealias F = WhatsAppFixtures

    /// A value for each path parameter: a real conversation and message where one is needed.
    static func concrete(_ template: String, conversation: String) -> String {
        let values = [
            "{id}": conversation, "{position}": "1", "{media_id}": "1234567890", "{ledger}": "main", "{name}": "matrix-target",
            "{role}": "agent", "{team}": "benefits", "{token_id}": "00000000000000ff", "{version}": "v23.0",
        ]
        var path = template
        for (name, value) in values { path = path.replacingOccurrences(of: name, with: value) }
        // A parameter a later route adds: any value will do for the access check.
        while let open = path.firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
            path.replaceSubrange(open...close, with: "x")
        }
        return path
    }

    @Test("every route is in the access table and every /v1 staff route answers each role as the matrix says")
    func everyRouteEveryRole() async throws {
        let collector = RouteCollector()
        try await withMigratedDatabase { db in
            // One user (and token) per role, all in team `benefits`; one citizen's conversation.
            let tokens = try await db.withStore { _, store in
                _ = try await store.append(
                    [F.message("wamid.matrix-1", from: FixtureCitizen(waID: "16505550101"), at: 100, body: ["body": "my SSN is 219-09-9999"])],
                    to: "main")
                try await makeRunner(store).catchUpAll()
                var tokens: [StaffRole: String] = [:]
                for role in StaffRole.allCases {
                    tokens[role] = try await TestStaff.token(
                        store, name: "matrix-\(role.rawValue.replacingOccurrences(of: "_", with: "-"))", roles: [role], teams: ["benefits"])
                }
                // The user the staff-management routes change (not one whose token the test uses).
                _ = try await TestStaff.token(store, name: "matrix-target", roles: [.agent], teams: ["benefits"])
                return tokens
            }
            try await OpenAPIDocument.$routeObserver.withValue({ collector.add($0) }) {
                try await withConversationApp(db, token: nil, whatsApp: WebhookDeliveries.settings, bootstrapToken: Self.bootstrap) { app in
                    try await Self.check(app, tokens: tokens, routes: collector.routes)
                }
            }
        }
    }

    static let bootstrap = "matrix-bootstrap-admin-4c1d"

    static func check(_ app: any TestClientProtocol, tokens: [StaffRole: String], routes: [String]) async throws {
        let spec = try OpenAPISpec.bundled()
        let operations = Dictionary(uniqueKeysWithValues: routes.map { ($0, spec.operationIDs[$0] ?? "(no operationId) \($0)") })
        let registered = Set(operations.values)
        let tabled = Set(AccessRoutes.table.keys)
        #expect(registered.subtracting(tabled).sorted() == [], "operations missing from AccessRoutes.table: refused to everyone")
        #expect(tabled.subtracting(registered).sorted() == [], "AccessRoutes.table names operations the application does not have")

        let conversation = try #require(
            try await get(app, "/v1/conversations", token: bootstrap, reason: "matrix test").1["items"].flatMap {
                ($0 as? [[String: Any]])?.first?["id"] as? String
            })

        var checked = 0
        for route in routes.sorted() {
            guard let operation = operations[route], case .staff(let action) = AccessRoutes.table[operation] else { continue }
            let parts = route.split(separator: " ", maxSplits: 1)
            let method = HTTPRequest.Method(rawValue: String(parts[0]))!
            let uri = concrete(String(parts[1]), conversation: conversation)

            // No credential: 401 on every staff route.
            let anonymous = try await app.execute(uri: uri, method: method, headers: [:]) { $0.status }
            #expect(anonymous == .unauthorized, "\(route) without a credential")

            for role in StaffRole.allCases {
                let principal = StaffPrincipal(name: "matrix", roles: [role], teams: ["benefits"], credential: .token(id: "x"))
                let (status, code) = try await call(app, method, uri, token: tokens[role]!)
                switch AccessPolicy.decide(principal, action, reasonGiven: false) {
                case .refused:
                    #expect(status == .forbidden && code == "forbidden", "\(route) as \(role.rawValue): \(status) \(code ?? "")")
                case .reasonRequired:
                    #expect(status == .forbidden && code == "reason_required", "\(route) as \(role.rawValue): \(status) \(code ?? "")")
                    let (withReason, _) = try await call(app, method, uri, token: tokens[role]!, reason: "matrix test")
                    #expect(withReason != .forbidden && withReason != .unauthorized, "\(route) as \(role.rawValue) with a reason: \(withReason)")
                case .allowed:
                    #expect(status != .forbidden && status != .unauthorized, "\(route) as \(role.rawValue): \(status) \(code ?? "")")
                }
                checked += 1
            }
        }
        #expect(checked >= 20 * StaffRole.allCases.count)
    }

    /// The status and problem code of one request.
    static func call(
        _ app: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, reason: String? = nil
    ) async throws -> (HTTPResponse.Status, String?) {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        if let reason { headers[AccessControlMiddleware.reasonHeader] = reason }
        let body: ByteBuffer? = method == .get || method == .delete ? nil : ByteBuffer(string: "{}")
        return try await app.execute(uri: uri, method: method, headers: headers, body: body) { response in
            let problem = try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            return (response.status, problem?["code"] as? String)
        }
    }

    @Test("docs/access.md shows the same matrix as AccessPolicy, and the same route table as AccessRoutes")
    func documented() throws {
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("docs/access.md"), encoding: .utf8)
        let expected = Self.matrixMarkdown()
        #expect(text.contains(expected), "docs/access.md must contain the matrix exactly as follows:\n\(expected)")
        let routes = try Self.routesMarkdown()
        #expect(text.contains(routes), "docs/access.md must contain the route table exactly as follows:\n\(routes)")
    }

    /// The matrix as docs/access.md shows it: ✓ allowed, `reason` only with a stated reason, – refused.
    static func matrixMarkdown() -> String {
        var lines = ["| action | " + StaffRole.allCases.map(\.rawValue).joined(separator: " | ") + " |"]
        lines.append("| --- |" + String(repeating: " :-: |", count: StaffRole.allCases.count))
        for action in StaffAction.allCases {
            let cells = StaffRole.allCases.map { role -> String in
                switch AccessPolicy.grant(role, action) {
                case .allowed: "✓"
                case .withReason: "reason"
                case nil: "–"
                }
            }
            lines.append("| `\(action.rawValue)` | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// The route table as docs/access.md shows it, sorted by path then method.
    static func routesMarkdown() throws -> String {
        var lines = ["| route | operation | access |", "| --- | --- | --- |"]
        let routes = Dictionary(uniqueKeysWithValues: try OpenAPISpec.bundled().operationIDs.map { ($1, $0) })
        let sorted = AccessRoutes.table.map { (route: routes[$0.key] ?? "? \($0.key)", operation: $0.key, access: $0.value) }.sorted { a, b in
            let (pa, pb) = (a.route.split(separator: " ")[1], b.route.split(separator: " ")[1])
            return pa == pb ? a.route < b.route : pa < pb
        }
        for (route, operation, access) in sorted {
            let text: String
            switch access {
            case .open: text = "open"
            case .webhook: text = "Meta's signature"
            case .integration: text = "integration token"
            case .staff(let action): text = "`\(action.rawValue)`"
            }
            lines.append("| `\(route)` | `\(operation)` | \(text) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// GETs `uri` with a bearer token and a stated reason.
func get(_ app: any TestClientProtocol, _ uri: String, token: String, reason: String) async throws -> (HTTPResponse.Status, [String: Any]) {
    try await app.execute(
        uri: uri, method: .get, headers: [.authorization: "Bearer \(token)", AccessControlMiddleware.reasonHeader: reason]
    ) { response in
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
        return (response.status, object ?? [:])
    }
}
