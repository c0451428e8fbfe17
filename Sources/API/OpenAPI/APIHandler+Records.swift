import Access
import Classification
import Foundation
import HTTPTypes
import Ledger
import LedgerStore
import Messaging
import OpenAPIRuntime

extension APIHandler {
    func getCheckpoint(_ input: Operations.GetCheckpoint.Input) async throws -> Operations.GetCheckpoint.Output {
        let ledger = try Self.ledgerName(input.path.ledger)
        guard let checkpoint = try await store.latestCheckpoint(ledger: ledger) else {
            throw ProblemDetails(status: .notFound, code: "no_checkpoint", title: "No checkpoint yet", detail: "ledger \(ledger) has no signed checkpoint yet")
        }
        return .ok(.init(headers: .init(cacheControl: "no-store"), body: .textPlainCharsetUtf8(HTTPBody(checkpoint.note))))
    }

    func getInclusionProof(_ input: Operations.GetInclusionProof.Input) async throws -> Operations.GetInclusionProof.Output {
        let proof = try await store.inclusionProof(
            ledger: try Self.ledgerName(input.path.ledger), position: try Self.wholeNumber(input.query.position, "position"),
            treeSize: try input.query.size.map { try Self.wholeNumber($0, "size") })
        return .ok(.init(body: .json(proof)))
    }

    func getConsistencyProof(_ input: Operations.GetConsistencyProof.Input) async throws -> Operations.GetConsistencyProof.Output {
        let proof = try await store.consistencyProof(
            ledger: try Self.ledgerName(input.path.ledger), from: try Self.wholeNumber(input.query.from, "from"), to: try Self.wholeNumber(input.query.to, "to")
        )
        return .ok(.init(body: .json(proof)))
    }

    func getEntry(_ input: Operations.GetEntry.Input) async throws -> Operations.GetEntry.Output {
        let ledger = try Self.ledgerName(input.path.ledger)
        guard input.path.position >= 1 else {
            throw ProblemDetails(status: .badRequest, code: "invalid_position", title: "Invalid position", detail: "the position must be a whole number ≥ 1")
        }
        guard let entry = try await store.entry(ledger: ledger, position: Int64(input.path.position)) else {
            throw ProblemDetails(
                status: .notFound, code: "no_entry", title: "No such entry", detail: "ledger \(ledger) has no entry at position \(input.path.position)")
        }
        let fields = entry.fields
        return .ok(
            .init(
                body: .json(
                    .init(
                        ledger: fields.ledger, position: Int(fields.position), eventId: fields.eventID.uuidString.lowercased(), stream: fields.stream,
                        eventType: fields.eventType, occurredAtUs: Int(fields.occurredAt.microseconds), recordedAtUs: Int(fields.recordedAt.microseconds),
                        actor: fields.actor, dedupeKey: fields.dedupeKey, header: fields.header, payloadCommitment: fields.payloadCommitment.hex,
                        prevHash: entry.previousHash.hex, entryHash: entry.entryHash.hex, leafHash: MerkleHash.leaf(entryHash: entry.entryHash).hex))))
    }

    func listConversations(_ input: Operations.ListConversations.Input) async throws -> Operations.ListConversations.Output {
        let query = input.query
        let limit = try Self.pageLimit(query.limit)
        let teams = try CurrentRequest.scope().teamFilter
        let page: ConversationPage
        do {
            page = try await ConversationQueries(store: store).conversations(
                ledger: serviceLedger, phoneNumberID: query.phoneNumberId, since: query.since, until: query.until, limit: limit,
                cursor: query.cursor, teams: teams)
        } catch LedgerStoreError.ledgerNotFound {
            // No WhatsApp event recorded yet (no ledger): no conversations.
            page = ConversationPage(items: [], nextCursor: nil)
        }
        let ids = self.ids
        return .ok(.init(body: .json(.init(items: page.items.map { .init($0, ids: ids) }, nextCursor: page.nextCursor))))
    }

    func getConversation(_ input: Operations.GetConversation.Input) async throws -> Operations.GetConversation.Output {
        let id = try await reachableConversation(input.path.id)
        guard
            let detail = try await Self.noLedgerIsNoConversation({
                try await ConversationQueries(store: store).conversation(ledger: serviceLedger, id: id)
            })
        else {
            throw ProblemDetails.noConversation
        }
        return .ok(.init(body: .json(.init(detail, ids: ids))))
    }

    func listMessages(_ input: Operations.ListMessages.Input) async throws -> Operations.ListMessages.Output {
        let id = try await reachableConversation(input.path.id)
        let limit = try Self.pageLimit(input.query.limit)
        let clearance = CurrentRequest.clearance
        guard
            let page = try await Self.noLedgerIsNoConversation({
                try await ConversationQueries(store: store).messages(ledger: serviceLedger, conversation: id, limit: limit, cursor: input.query.cursor)
            })
        else {
            throw ProblemDetails.noConversation
        }
        let shown = page.items.map { ContentMasking.apply($0, clearance: clearance) }
        let note = try CurrentRequest.accessNote()
        note.viewed("conversation:\(id)")
        for item in shown where item.masked { note.masked(item.position) }
        return .ok(
            .init(
                body: .json(
                    .init(conversation: ids.apiID(id), items: try shown.map(Components.Schemas.TimelineItem.init), nextCursor: page.nextCursor))))
    }

    func sendMessage(_ input: Operations.SendMessage.Input) async throws -> Operations.SendMessage.Output {
        let id = try await reachableConversation(input.path.id)
        let key = try Self.idempotencyKey(input.headers.idempotencyKey)
        let request =
            switch input.body {
            case .json(let request): request
            }
        // The exact bytes the client sent: their digest guards the Idempotency-Key.
        let body = try RequestBodyMiddleware.bytes ?? Array(JSONEncoder().encode(request))
        let receipt = try await SendRequests(store: store, ledger: serviceLedger).request(
            conversation: id, body: body, idempotencyKey: key, actor: try CurrentRequest.staff().actor)
        let statusURL = "/v1/sends/\(receipt.position)"
        return .accepted(
            .init(
                headers: .init(location: statusURL),
                body: .json(
                    .init(
                        requestId: receipt.requestID, position: Int(receipt.position), kind: receipt.kind, status: "requested", statusUrl: statusURL,
                        replayed: receipt.replayed))))
    }

    func getSend(_ input: Operations.GetSend.Input) async throws -> Operations.GetSend.Output {
        let position = input.path.position
        guard position > 0 else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_position", title: "Invalid position",
                detail: "the path must end with the position of a send request, as its status_url gives it")
        }
        let missing = ProblemDetails(
            status: .notFound, code: "no_send_request", title: "No such send request",
            detail: "there is no send request at position \(position) of ledger \(serviceLedger)")
        guard let status = try await SendRequests(store: store, ledger: serviceLedger).status(position: Int64(position)) else { throw missing }
        // A send request is part of its conversation: outside the caller's scope it is as unknown.
        let reach = try CurrentRequest.scope()
        if reach != .all {
            guard let conversation = status.scopeKey, try await scope.allows(conversation, scope: reach) else {
                try CurrentRequest.accessNote().refused("send:\(position)")
                throw missing
            }
        }
        return .ok(.init(body: .json(.init(status, ids: ids))))
    }

    func changeClassification(_ input: Operations.ChangeClassification.Input) async throws -> Operations.ChangeClassification.Output {
        let id = try await reachableConversation(input.path.id)
        let position = input.path.position
        guard position > 0 else {
            throw ProblemDetails(status: .badRequest, code: "invalid_position", title: "Invalid position", detail: "the position must be a whole number ≥ 1")
        }
        let body =
            switch input.body {
            case .json(let body): body
            }
        guard let category = DataCategory(rawValue: body.category) else {
            throw ProblemDetails(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "category must be 1, 2, 3 or 4 (OCIO 141.10)",
                extensions: ["field": "category"])
        }
        let result = try await Self.noLedgerIsNoConversation {
            try await ClassificationOverride(store: store, ledger: serviceLedger).set(
                conversation: id, position: Int64(position), category: category, reason: body.reason, actor: try CurrentRequest.staff().actor)
        }
        return .ok(
            .init(
                body: .json(
                    .init(position: position, category: category.rawValue, previousCategory: result.previous?.rawValue, eventPosition: Int(result.position)))))
    }
}

extension APIHandler {

    /// The API ids of conversations (``ConversationIDCodec``).

    /// The internal id of the conversation `apiID`, if the caller may reach it.
    /// - Throws: 400 `invalid_conversation_id`, or 404 `no_conversation` for one that does not
    ///   exist or is outside the caller's scope (the refusal noted for the access log).
    func reachableConversation(_ apiID: String) async throws -> String {
        let id = try Self.conversationID(apiID, ids: ids)
        try await scope.require(id, in: try CurrentRequest.current())
        return id
    }

    /// Runs `body`, a missing ledger answering 404 `no_conversation`: a conversation cannot be in
    /// a ledger that does not exist (not the `no_ledger` of the ledger operations).
    static func noLedgerIsNoConversation<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch LedgerStoreError.ledgerNotFound {
            throw ProblemDetails.noConversation
        }
    }

    /// The `Idempotency-Key`: 1 to 200 visible ASCII characters, or none.
    /// - Throws: 400 `invalid_idempotency_key`.
    static func idempotencyKey(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard (1...200).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_idempotency_key", title: "Invalid Idempotency-Key",
                detail: "the Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is a good choice)")
        }
        return value
    }

    /// A ledger name from the path. - Throws: 400 `invalid_ledger` when it is not one.
    static func ledgerName(_ name: String) throws -> String {
        guard (try? EntryLimits.validateLedgerName(name)) != nil else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_ledger", title: "Invalid ledger name",
                detail: "ledger names are 1–63 characters of a–z, 0–9, '.', '_' and '-'")
        }
        return name
    }

    /// A query parameter that must be a whole number ≥ 0. - Throws: 400 `invalid_parameter`.
    static func wholeNumber(_ value: Int, _ name: String) throws -> Int64 {
        guard value >= 0 else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"\(name)\" must be a whole number ≥ 0, got \"\(value)\"")
        }
        return Int64(value)
    }
}
