import Foundation
import Ledger
import LedgerStore

/// The event types and retained headers of docs/whatsapp-ingest.md that projections read.
enum ContractEvent {
    static let messageReceived = WhatsAppEventType.messageReceived
    static let statusUpdated = WhatsAppEventType.statusUpdated
    static let mediaStored = WhatsAppEventType.mediaStored
    static let mediaFetchFailed = WhatsAppEventType.mediaFetchFailed
    static let mediaUnavailable = WhatsAppEventType.mediaUnavailable
    static let sendRequested = OutboundEventType.sendRequested
    static let sendAccepted = OutboundEventType.sendAccepted
    static let sendFailed = OutboundEventType.sendFailed
    static let sendAttemptFailed = OutboundEventType.sendAttemptFailed

    /// `citizen` of a message or status header: either identifier may be absent.
    struct Citizen: Decodable, Sendable {
        var userId: String?
        var waId: String?

        /// The citizen keys of docs/whatsapp-ingest.md (`u:<user_id>`, `p:<wa_id>`).
        var keys: [String] {
            [userId.map { "u:\($0)" }, waId.map { "p:\($0)" }].compactMap { $0 }
        }
    }

    /// The header of a message event (received, or accepted for sending).
    struct MessageHeader: Decodable, Sendable {
        var messageId: String
        var messageType: String?
        var direction: String?
        var phoneNumberId: String
        var citizen: Citizen?
        var mediaId: String?
    }

    /// The header of `whatsapp.status.updated`.
    struct StatusHeader: Decodable, Sendable {
        var messageId: String
        var status: String
        var phoneNumberId: String
        var citizen: Citizen?
        /// The request id of the send API's callback data `rk1:<request_id>`, when the status carried it.
        var sendRef: String?
    }

    /// The header of `message.send.requested`.
    struct SendRequestHeader: Decodable, Sendable {
        var requestId: String
        var kind: String
        var phoneNumberId: String
        var citizen: Citizen?
        var via: String
    }

    /// The header of `message.send.accepted`, `.failed` and `.attempt_failed`.
    struct SendOutcomeHeader: Decodable, Sendable {
        var requestId: String
        var requestPosition: Int64
        var kind: String?
        var phoneNumberId: String
        var citizen: Citizen?
        var attempt: Int?
        var messageId: String?
        var messageStatus: String?
        var errorCode: Int?
        var reason: String?
        var retryAtUs: Int64?
    }

    /// The header of the media fetcher's events (`stored`, `fetch_failed`, `unavailable`).
    struct MediaHeader: Decodable, Sendable {
        var mediaId: String
        var messageId: String?
        var messagePosition: Int64?
        var attempt: Int?
        var reason: String?
        var retryAtUs: Int64?
    }

    /// Decodes a retained header (snake_case JSON), or nil when it does not fit.
    static func header<T: Decodable>(_ type: T.Type, of record: SelectedRecord) -> T? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(T.self, from: Data(record.entry.fields.header.utf8))
    }
}

/// The JSON payload of a WhatsApp event, when it was read and decrypted.
struct ContractPayload {
    let object: [String: Any]

    init?(_ payload: LedgerRecord.Payload?) {
        guard case .bytes(let bytes) = payload,
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        self.object = object
    }

    var envelope: [String: Any]? { object["envelope"] as? [String: Any] }
    /// `envelope.display_phone_number`.
    var displayPhoneNumber: String? { envelope?["display_phone_number"] as? String }
    /// `envelope.contact`, the matching `contacts[]` object.
    var contact: [String: Any]? { envelope?["contact"] as? [String: Any] }
    /// `envelope.contact.profile.name`.
    var profileName: String? { (contact?["profile"] as? [String: Any])?["name"] as? String }
    /// The `messages[]` object.
    var message: [String: Any]? { object["message"] as? [String: Any] }
}
