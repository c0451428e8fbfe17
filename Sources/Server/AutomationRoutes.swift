import Access
import Foundation
import HTTPTypes
import Hummingbird
import Inbox
import LedgerStore
import NIOCore
import RecordkeeperCore
import WhatsApp

extension Router where Context == RecordkeeperRequestContext {
    /// The automation rules (docs/api.md, "Automation rules"), for supervisors and admins
    /// (`automation.manage`): `GET /v1/automation-rules` gives the rule set in force, `PUT`
    /// replaces it whole and records `automation.rules.set` with the caller as actor.
    func addAutomationRoutes(store: LedgerStore, settings: ConversationSettings) {
        let rules = AutomationRules(store: store, ledger: settings.ledger)
        let group = group("v1/automation-rules")
        group.get { _, _ -> JSONDocumentResponse in
            JSONDocumentResponse(Self.automationDocument(try await rules.current()))
        }
        group.put { request, context -> JSONDocumentResponse in
            let actor = try context.staff().actor
            let body = try await request.collectBody(upTo: AutomationRoutesLimits.maxBodyBytes) {
                ProblemDetails(
                    status: .contentTooLarge, code: "body_too_large", title: "Request too large",
                    detail: "an automation rule set may be at most \(AutomationRoutesLimits.maxBodyBytes) bytes")
            }
            let json: JSONValue
            do {
                json = try JSONValue.parse(body)
            } catch {
                throw ProblemDetails(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: "the request body is not JSON: \(error)")
            }
            let set: AutomationRuleSet
            do {
                set = try AutomationRuleSet(json: json)
            } catch let error as AutomationRuleError {
                throw ProblemDetails(
                    status: .unprocessableContent, code: "invalid_field", title: "Invalid automation rules", detail: error.reason,
                    extensions: ["field": error.field])
            }
            return JSONDocumentResponse(Self.automationDocument(try await rules.set(set, actor: actor)))
        }
    }

    /// The API document: the rule set and who set it when (`position`, `set_at`, `set_by`
    /// null when none was ever set).
    static func automationDocument(_ recorded: RecordedAutomationRules?) -> JSONValue {
        guard case .object(var members) = (recorded?.rules ?? AutomationRuleSet()).json else { return .null }
        members["position"] = recorded.map { .integer($0.position) } ?? .null
        members["set_at"] = recorded.map { .string(RFC3339.format($0.setAt)) } ?? .null
        members["set_by"] = recorded.map { .string($0.setBy) } ?? .null
        return .object(members)
    }
}

enum AutomationRoutesLimits {
    /// 50 rules of 4096 characters fit comfortably.
    static let maxBodyBytes = 1024 * 1024
}

/// A JSON document answered as it is (`application/json`).
struct JSONDocumentResponse: ResponseGenerator {
    var value: JSONValue
    var status: HTTPResponse.Status

    init(_ value: JSONValue, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try value.encoded())))
    }
}
