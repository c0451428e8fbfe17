import Access
import Classification
import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Messaging
import WebFoundation

/// `GET /conversations/{id}/messages/{position}/classification`: a message's data category and
/// how it was decided (``ClassificationOverride/decision(conversation:position:)``), with the
/// form to raise or lower it with a reason; `POST` the same path changes it exactly as
/// `PUT /v1/conversations/{id}/messages/{position}/classification` does
/// (``ClassificationOverride/set(conversation:position:category:reason:actor:)``,
/// `record.classified` with source `staff`), then 303 to the conversation page. Both need
/// `classification.override`; a conversation outside the caller's scope for it, or a position
/// that is not one of its messages, is the 404 page. Like the API operation, the page shows no
/// message content (kind, direction and time only), so there is no view to record. The
/// conversation page links it per message (``TimelineReader/classificationPath(position:)``).
extension WebApplication {
    /// The page's routes, as the access log names them.
    static let classificationRoute = "GET /conversations/{id}/messages/{position}/classification"
    static let classificationChangeRoute = "POST /conversations/{id}/messages/{position}/classification"

    func classification(_ page: PageRequest) async throws -> Response {
        let message = try await classifiedMessage(page, route: Self.classificationRoute)
        return classificationPage(page, message: message, form: ClassificationForm())
    }

    /// Changes the category (`category` 1…4, `reason`); the page again (422) with the refusal at its field.
    func changeClassification(_ page: PageRequest) async throws -> Response {
        let message = try await classifiedMessage(page, route: Self.classificationChangeRoute)
        var form = ClassificationForm(category: page.form["category"] ?? "", reason: page.form["reason"] ?? "")
        guard let category = Int(form.category).flatMap(DataCategory.init(rawValue:)) else {
            form.errors["classification-category"] = "Choose the data category the message should have, 1 to 4."
            return classificationPage(page, message: message, form: form, status: .unprocessableContent)
        }
        do {
            _ = try await ClassificationOverride(store: store, ledger: settings.ledger).set(
                conversation: message.item.conversationID, position: message.decision.position, category: category, reason: form.reason,
                actor: message.principal.actor)
        } catch ClassificationOverrideError.missingReason {
            form.errors["classification-reason"] = "Give the reason for the change: it is recorded with it, under your name."
            return classificationPage(page, message: message, form: form, status: .unprocessableContent)
        } catch ClassificationOverrideError.noMessage {
            throw PageError.notFound
        } catch LedgerStoreError.ledgerNotFound {
            throw PageError.notFound
        }
        return PageRenderer.redirect(to: "/conversations/\(ids.apiID(message.item.conversationID))?done=classified")
    }

    /// The message of the path, in a conversation within the caller's scope for `classification.override`.
    struct ClassifiedMessage {
        let item: InboxItem
        let principal: StaffPrincipal
        let decision: MessageCategoryDecision
    }

    private func classifiedMessage(_ page: PageRequest, route: String) async throws -> ClassifiedMessage {
        let (item, principal) = try await scopedConversation(page, action: .classificationOverride, route: route)
        guard let position = Int64(try page.requiredParameter("position")), position > 0,
            let decision = try await ClassificationOverride(store: store, ledger: settings.ledger).decision(
                conversation: item.conversationID, position: position)
        else { throw PageError.notFound }
        return ClassifiedMessage(item: item, principal: principal, decision: decision)
    }

    private func classificationPage(
        _ page: PageRequest, message: ClassifiedMessage, form: ClassificationForm, status: HTTPResponse.Status = .ok
    ) -> Response {
        let view = ClassificationView(
            decision: message.decision, conversationPath: "/conversations/\(ids.apiID(message.item.conversationID))",
            citizen: InboxRow.citizen(message.item.conversationID), form: form, csrf: page.frame.csrfToken)
        return renderer.page(
            "classification", title: "Classification of message \(message.decision.position)", frame: page.frame, status: status, context: view.context)
    }
}
