import Deadlines
import Events
import Foundation
import Ledger
import LedgerStore
import RecordkeeperCore

/// Reads the content of requests from their entries' payloads (decrypted by the store) and puts
/// it into the requests and histories read from the projection.
enum RequestContentReader {
    /// The members of a payload that a history's details never show: the header's bookkeeping
    /// and the received entry's content, which the request itself shows.
    static let notDetails: Set<String> = ["v", "request", "status", "text", "requester", "explanation"]

    /// `requests` and their `histories` with the content of every entry read from its payload.
    /// Reads the request entries from the first received position to the last history position,
    /// a page at a time, keeping only those of the requests asked for.
    static func fill(
        _ requests: [RecordsRequest], histories: [String: [RequestHistoryItem]], ledger: LedgerRef, store: LedgerStore
    ) async throws -> (requests: [RecordsRequest], histories: [String: [RequestHistoryItem]]) {
        let positions = histories.values.flatMap { $0.map(\.position) } + requests.map(\.position)
        guard let first = positions.min(), let last = positions.max() else { return (requests, histories) }
        let wanted = Set(positions)
        var payloads: [Int64: LedgerRecord.Payload] = [:]
        var after = first - 1
        while after < last {
            let page = try await store.selectedRecords(
                ledger: ledger, after: after, through: last, eventTypes: RequestEvents.types, payloadTypes: RequestEvents.types, limit: 500)
            for record in page where wanted.contains(record.entry.fields.position) {
                payloads[record.entry.fields.position] = record.payload ?? .unavailable("not read")
            }
            guard let end = page.last?.entry.fields.position, page.count == 500 else { break }
            after = end
        }
        let filled = requests.map { request in
            var request = request
            apply(payloads[request.position], to: &request)
            return request
        }
        var items: [String: [RequestHistoryItem]] = [:]
        for (id, history) in histories {
            items[id] = history.map { item in
                var item = item
                let (state, payload) = open(payloads[item.position])
                item.content = state
                for (key, value) in payload?.object ?? [:] where !notDetails.contains(key) {
                    if let text = RequestHistoryItem.text(value) { item.details[key] = text }
                }
                return item
            }
        }
        return (filled, items)
    }

    /// The request with the requester, the text and the explanation of its received payload.
    static func apply(_ payload: LedgerRecord.Payload?, to request: inout RecordsRequest) {
        let (state, object) = open(payload)
        request.content = state
        guard let object else { return }
        request.text = object.text("text")
        request.requester = Requester(name: object["requester"]?.text("name"), contact: object["requester"]?.text("contact"))
        request.explanation = object["explanation"].flatMap(DueDateExplanation.init(json:))
    }

    /// What the payload's state is, and its JSON when it was read.
    static func open(_ payload: LedgerRecord.Payload?) -> (RequestContentState, JSONValue?) {
        switch payload {
        case .bytes(let bytes)?:
            guard let object = try? JSONValue.parse(bytes) else { return (.unavailable("the payload is not JSON"), nil) }
            return (.present, object)
        case .sealed?: return (.sealed, nil)
        case .destroyed(let position)?: return (.destroyed(authorisedBy: position), nil)
        case .unavailable(let why)?: return (.unavailable(why), nil)
        case nil: return (.unavailable("no entry at this position"), nil)
        }
    }
}
