import Foundation
public import Hummingbird
import Ledger
public import LedgerStore
import NIOCore

/// The public header of one entry: fields and hashes, never the payload.
struct EntryHeaderResponse: ResponseEncodable {
    var ledger: String
    var position: Int64
    var eventID: String
    var stream: String
    var eventType: String
    var occurredAtUs: Int64
    var recordedAtUs: Int64
    var actor: String
    var dedupeKey: String?
    var header: String
    var payloadCommitment: String
    var prevHash: String
    var entryHash: String
    var leafHash: String

    enum CodingKeys: String, CodingKey {
        case ledger, position, stream, actor, header
        case eventID = "event_id"
        case eventType = "event_type"
        case occurredAtUs = "occurred_at_us"
        case recordedAtUs = "recorded_at_us"
        case dedupeKey = "dedupe_key"
        case payloadCommitment = "payload_commitment"
        case prevHash = "prev_hash"
        case entryHash = "entry_hash"
        case leafHash = "leaf_hash"
    }
}

extension InclusionProof: ResponseEncodable {}
extension ConsistencyProof: ResponseEncodable {}

extension Router {
    /// Read-only ledger routes for auditors (docs/api.md):
    /// `GET /v1/ledgers/{ledger}/checkpoint`, `…/proofs/inclusion`, `…/proofs/consistency`,
    /// `…/entries/{position}`.
    func addLedgerRoutes(store: LedgerStore) {
        let ledgers = group("v1/ledgers/:ledger")
        ledgers.get("checkpoint") { _, context -> Response in
            let ledger = try context.ledgerName()
            guard let checkpoint = try await mapStoreErrors({ try await store.latestCheckpoint(ledger: ledger) }) else {
                throw ProblemDetails(
                    status: .notFound, code: "no_checkpoint", title: "No checkpoint yet",
                    detail: "ledger \(ledger) has no signed checkpoint yet")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: checkpoint.note)))
        }
        ledgers.get("proofs/inclusion") { request, context -> InclusionProof in
            let ledger = try context.ledgerName()
            let position = try request.uri.queryParameters.requiredInteger("position")
            let size = try request.uri.queryParameters.optionalInteger("size")
            return try await mapStoreErrors { try await store.inclusionProof(ledger: ledger, position: position, treeSize: size) }
        }
        ledgers.get("proofs/consistency") { request, context -> ConsistencyProof in
            let ledger = try context.ledgerName()
            let from = try request.uri.queryParameters.requiredInteger("from")
            let to = try request.uri.queryParameters.requiredInteger("to")
            return try await mapStoreErrors { try await store.consistencyProof(ledger: ledger, from: from, to: to) }
        }
        ledgers.get("entries/:position") { _, context -> EntryHeaderResponse in
            let ledger = try context.ledgerName()
            guard let text = context.parameters.get("position"), let position = Int64(text), position >= 1 else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_position", title: "Invalid position",
                    detail: "the position must be a whole number ≥ 1")
            }
            guard let entry = try await mapStoreErrors({ try await store.entry(ledger: ledger, position: position) }) else {
                throw ProblemDetails(
                    status: .notFound, code: "no_entry", title: "No such entry",
                    detail: "ledger \(ledger) has no entry at position \(position)")
            }
            let fields = entry.fields
            return EntryHeaderResponse(
                ledger: fields.ledger, position: fields.position, eventID: fields.eventID.uuidString.lowercased(), stream: fields.stream,
                eventType: fields.eventType, occurredAtUs: fields.occurredAt.microseconds, recordedAtUs: fields.recordedAt.microseconds,
                actor: fields.actor, dedupeKey: fields.dedupeKey, header: fields.header,
                payloadCommitment: fields.payloadCommitment.hex, prevHash: entry.previousHash.hex, entryHash: entry.entryHash.hex,
                leafHash: MerkleHash.leaf(entryHash: entry.entryHash).hex)
        }
    }
}

extension RequestContext {
    func ledgerName() throws -> String {
        guard let name = parameters.get("ledger"), (try? EntryLimits.validateLedgerName(name)) != nil else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_ledger", title: "Invalid ledger name",
                detail: "ledger names are 1–63 characters of a–z, 0–9, '.', '_' and '-'")
        }
        return name
    }
}

extension Parameters {
    func requiredInteger(_ name: String) throws -> Int64 {
        guard let value = try optionalInteger(name) else {
            throw ProblemDetails(
                status: .badRequest, code: "missing_parameter", title: "Missing parameter",
                detail: "the query parameter \"\(name)\" is required")
        }
        return value
    }

    func optionalInteger(_ name: String) throws -> Int64? {
        guard let text = self[name[...]] else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"\(name)\" must be a whole number ≥ 0, got \"\(text)\"")
        }
        return value
    }
}

/// Turns the store's errors about the request into problem details.
func mapStoreErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LedgerStoreError {
        switch error {
        case .ledgerNotFound:
            throw ProblemDetails(status: .notFound, code: "no_ledger", title: "No such ledger", detail: error.description)
        case .treeSizeBeyondHead, .positionOutOfRange, .invalidArgument:
            throw ProblemDetails(status: .unprocessableContent, code: "out_of_range", title: "Out of range", detail: error.description)
        default:
            throw error
        }
    }
}
