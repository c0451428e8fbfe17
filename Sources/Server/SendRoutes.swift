import Access
import Foundation
import HTTPTypes
import Hummingbird
import LedgerStore
import Messaging

extension Router where Context == RecordkeeperRequestContext {
    /// The send API (docs/api.md, "Sending"), for staff (docs/access.md), acting as the caller:
    /// `POST /v1/conversations/{id}/messages` records a send request (202 with its position and a
    /// status URL; the dispatcher sends it) and `GET /v1/sends/{position}` tells where it stands.
    func addSendRoutes(store: LedgerStore, settings: ConversationSettings, scope: ConversationScopeCheck) {
        let sends = SendRequests(store: store, ledger: settings.ledger)
        let ids = ConversationIDCodec(masterKey: store.masterKey)
        let group = group("v1")
        group.post("conversations/:id/messages") { request, context -> EditedResponse<SendAcceptedResponse> in
            let id = try context.conversationID(ids)
            try await scope.require(id, in: context)
            let key = try Self.idempotencyKey(request.headers[Self.idempotencyHeader])
            let body = try await request.collectBody(upTo: SendRoutesLimits.maxBodyBytes) {
                ProblemDetails(
                    status: .contentTooLarge, code: "body_too_large", title: "Request too large",
                    detail: "a send request may be at most \(SendRoutesLimits.maxBodyBytes) bytes: upload media and send its id")
            }
            let receipt: SendRequests.Receipt
            do {
                receipt = try await sends.request(conversation: id, body: body, idempotencyKey: key, actor: try context.staff().actor)
            } catch let error as SendRequestError {
                throw ProblemDetails(error)
            }
            let statusURL = "/v1/sends/\(receipt.position)"
            let answer = SendAcceptedResponse(
                requestID: receipt.requestID, position: receipt.position, kind: receipt.kind, status: "requested", statusURL: statusURL,
                replayed: receipt.replayed)
            return EditedResponse(status: .accepted, headers: [.location: statusURL], response: answer)
        }
        group.get("sends/:position") { _, context -> SendStatusResponse in
            guard let text = context.parameters.get("position"), let position = Int64(text), position > 0 else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_position", title: "Invalid position",
                    detail: "the path must end with the position of a send request, as its status_url gives it")
            }
            let missing = ProblemDetails(
                status: .notFound, code: "no_send_request", title: "No such send request",
                detail: "there is no send request at position \(position) of ledger \(settings.ledger)")
            guard let status = try await sends.status(position: position) else { throw missing }
            // A send request is part of its conversation: outside the caller's scope it is as unknown.
            let reach = try context.scope()
            if reach != .all {
                guard let conversation = status.scopeKey, try await scope.allows(conversation, scope: reach) else {
                    context.accessNote.refused("send:\(position)")
                    throw missing
                }
            }
            return SendStatusResponse(status, ids: ids)
        }
    }

    static var idempotencyHeader: HTTPField.Name { HTTPField.Name("Idempotency-Key")! }

    /// The `Idempotency-Key`: 1 to 200 visible ASCII characters, or none.
    static func idempotencyKey(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard (1...200).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_idempotency_key", title: "Invalid Idempotency-Key",
                detail: "the Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is a good choice)")
        }
        return value
    }
}

enum SendRoutesLimits {
    /// The largest send request body: messages are small (a text is at most 4096 characters).
    static let maxBodyBytes = 256 * 1024
}

extension ProblemDetails {
    /// The problem details of a refused send request.
    init(_ error: SendRequestError) {
        switch error {
        case let .invalid(field, _):
            self.init(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid send request", detail: error.description, extensions: ["field": field])
        case .windowClosed(let closedAt):
            var extensions: [String: String] = [:]
            if let closedAt { extensions["window_closed_at"] = RFC3339.format(closedAt) }
            self.init(
                status: .unprocessableContent, code: "window_closed", title: "Customer-service window closed", detail: error.description,
                extensions: extensions)
        case .notJSON:
            self.init(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: error.description)
        case .noConversation:
            self = .noConversation
        case .idempotencyKeyReused:
            self.init(status: .unprocessableContent, code: "idempotency_key_reused", title: "Idempotency-Key reused", detail: error.description)
        }
    }
}

struct SendAcceptedResponse: ResponseEncodable {
    var requestID: String
    var position: Int64
    var kind: String
    var status: String
    var statusURL: String
    var replayed: Bool

    enum CodingKeys: String, CodingKey {
        case position, kind, status, replayed
        case requestID = "request_id"
        case statusURL = "status_url"
    }
}

struct SendStatusResponse: ResponseEncodable {
    var requestID: String
    var position: Int64
    var conversation: String?
    var kind: String?
    var status: String
    var statusAt: String?
    var messageID: String?
    var errorCode: Int?
    var attempts: Int
    var nextAttemptAt: String?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case position, conversation, kind, status, attempts
        case requestID = "request_id"
        case statusAt = "status_at"
        case messageID = "message_id"
        case errorCode = "error_code"
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
    }

    init(_ status: SendStatus, ids: ConversationIDCodec) {
        requestID = status.requestID
        position = status.position
        conversation = status.conversationID.map(ids.apiID)
        kind = status.kind
        self.status = status.status
        statusAt = status.statusAt.map(RFC3339.format)
        messageID = status.messageID
        errorCode = status.errorCode
        attempts = status.attempts
        nextAttemptAt = status.nextAttemptAt.map(RFC3339.format)
        lastError = status.lastError
    }
}
