import Events
import Ledger
import LedgerStore
import Logging

/// One entry of the conversations projection, decoded from its retained header (and, for
/// messages and statuses, the profile name and display number of its payload).
struct ConversationEntry {
    enum Kind {
        case message(ContractEvent.MessageHeader)
        case status(ContractEvent.StatusHeader)
        case request(ContractEvent.SendRequestHeader)
        case outcome(ContractEvent.SendOutcomeHeader, accepted: Bool)
    }

    let position: Int64
    let stream: String
    let occurredAtUs: Int64
    let kind: Kind
    /// `envelope.display_phone_number` of the payload, when it was read.
    let displayPhoneNumber: String?
    /// `envelope.contact.profile.name` of the payload, when it was read.
    let profileName: String?

    /// The entry's linking keys: its business number and citizen, or nil for an outcome (found
    /// by its request id, never linked).
    var link: (phoneNumberID: String, citizen: ContractEvent.Citizen?)? {
        switch kind {
        case .message(let header): (header.phoneNumberId, header.citizen)
        case .status(let header): (header.phoneNumberId, header.citizen)
        case .request(let header): (header.phoneNumberId, header.citizen)
        case .outcome: nil
        }
    }

    /// Decodes an entry, or nil (with a warning) when its header does not fit the contract, and
    /// nil for a request that names no citizen (a proxied mark-as-read of an unknown message, in
    /// a business number's stream): it has no conversation.
    init?(_ record: SelectedRecord, logger: Logger) {
        let fields = record.entry.fields
        guard let kind = Self.kind(of: record) else {
            logger.warning(
                "skipping \(Self.described[fields.eventType] ?? "a send outcome") whose header does not fit the contract",
                metadata: ["position": "\(fields.position)"])
            return nil
        }
        if case .request(let header) = kind, header.citizen?.keys.isEmpty ?? true, fields.stream.split(separator: "/").count < 3 {
            return nil
        }
        let payload = ContractPayload(record.payload)
        self.position = fields.position
        self.stream = fields.stream
        self.occurredAtUs = fields.occurredAt.microseconds
        self.kind = kind
        self.displayPhoneNumber = payload?.displayPhoneNumber
        self.profileName = payload?.profileName
    }

    private static let described = [
        ContractEvent.statusUpdated: "a status", ContractEvent.messageReceived: "a message", ContractEvent.sendRequested: "a send request",
    ]

    private static func kind(of record: SelectedRecord) -> Kind? {
        switch record.entry.fields.eventType {
        case ContractEvent.statusUpdated: ContractEvent.header(ContractEvent.StatusHeader.self, of: record).map(Kind.status)
        case ContractEvent.messageReceived: ContractEvent.header(ContractEvent.MessageHeader.self, of: record).map(Kind.message)
        case ContractEvent.sendRequested: ContractEvent.header(ContractEvent.SendRequestHeader.self, of: record).map(Kind.request)
        default:
            ContractEvent.header(ContractEvent.SendOutcomeHeader.self, of: record).map {
                .outcome($0, accepted: record.entry.fields.eventType == ContractEvent.sendAccepted)
            }
        }
    }
}
