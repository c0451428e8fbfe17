import Ledger
import LedgerStore
import Logging
import RecordkeeperCore

/// One row of `access_log`, read from an access event's header (nil, logged, if it does not fit).
struct AccessLogRow: Encodable {
    var position: Int64
    var userName: String
    var outcome: String
    var action: String
    var route: String
    var records: [String]
    var masked: [Int64]
    var reason: String?
    var breakGlass: Bool
    var credential: String
    var occurredAtUs: Int64

    init?(_ record: SelectedRecord, logger: Logger) {
        let fields = record.entry.fields
        guard let header = try? JSONValue.parse(Array(fields.header.utf8)), let user = header.text("user"), let action = header.text("action"),
            let route = header.text("route"), let credential = header.text("credential")
        else {
            logger.warning("skipping an access event whose header does not fit", metadata: ["position": "\(fields.position)"])
            return nil
        }
        self.position = fields.position
        self.userName = user
        self.outcome = fields.eventType == AccessEvents.viewed ? "viewed" : "denied"
        self.action = action
        self.route = route
        self.records = (header["records"]?.array ?? []).compactMap { value -> String? in
            if case .string(let text) = value { return text }
            return nil
        }
        self.masked = (header["masked"]?.array ?? []).compactMap(\.integer)
        self.reason = header.text("reason")
        self.breakGlass = header["break_glass"] == .bool(true)
        self.credential = credential
        self.occurredAtUs = fields.occurredAt.microseconds
    }
}
