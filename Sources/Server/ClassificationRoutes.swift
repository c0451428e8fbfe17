import Access
import Classification
import Foundation
import Hummingbird
import LedgerStore
import Messaging

/// `PUT /v1/conversations/{id}/messages/{position}/classification`.
struct ClassificationChangeRequest: ClosedJSONBody {
    var category: Int
    var reason: String

    static let members: Set<String> = ["category", "reason"]
}

struct ClassificationChangeResponse: ResponseEncodable {
    var position: Int64
    var category: Int
    var previousCategory: Int?
    var eventPosition: Int64

    enum CodingKeys: String, CodingKey {
        case position, category
        case previousCategory = "previous_category"
        case eventPosition = "event_position"
    }
}

extension Router where Context == RecordkeeperRequestContext {
    /// Staff raising or lowering a message's data category with a reason (supervisors, records
    /// officers; docs/classification.md): recorded as `record.classified` with source `staff`.
    func addClassificationRoutes(store: LedgerStore, settings: ConversationSettings, scope: ConversationScopeCheck) {
        let overrides = ClassificationOverride(store: store, ledger: settings.ledger)
        let ids = ConversationIDCodec(masterKey: store.masterKey)
        group("v1/conversations").put(":id/messages/:position/classification") { request, context -> ClassificationChangeResponse in
            let id = try context.conversationID(ids)
            try await scope.require(id, in: context)
            guard let text = context.parameters.get("position"), let position = Int64(text), position > 0 else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_position", title: "Invalid position", detail: "the position must be a whole number ≥ 1")
            }
            let body = try await request.decodeJSON(ClassificationChangeRequest.self)
            guard let category = DataCategory(rawValue: body.category) else {
                throw ProblemDetails(
                    status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "category must be 1, 2, 3 or 4 (OCIO 141.10)",
                    extensions: ["field": "category"])
            }
            do {
                let result = try await overrides.set(
                    conversation: id, position: position, category: category, reason: body.reason, actor: try context.staff().actor)
                return ClassificationChangeResponse(
                    position: position, category: category.rawValue, previousCategory: result.previous?.rawValue, eventPosition: result.position)
            } catch let error as ClassificationOverrideError {
                switch error {
                case .noMessage: throw ProblemDetails(status: .notFound, code: "no_message", title: "No such message", detail: error.description)
                case .missingReason:
                    throw ProblemDetails(
                        status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description, extensions: ["field": "reason"]
                    )
                }
            } catch LedgerStoreError.ledgerNotFound {
                throw ProblemDetails.noConversation
            }
        }
    }
}
