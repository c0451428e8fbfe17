import Foundation
import Ledger
package import LedgerStore

/// The event types and retained headers of docs/whatsapp-ingest.md that projections read.
package enum ContractEvent {
    package static let messageReceived = WhatsAppEventType.messageReceived
    package static let statusUpdated = WhatsAppEventType.statusUpdated
    package static let mediaStored = WhatsAppEventType.mediaStored
    package static let mediaFetchFailed = WhatsAppEventType.mediaFetchFailed
    package static let mediaUnavailable = WhatsAppEventType.mediaUnavailable
    package static let sendRequested = OutboundEventType.sendRequested
    package static let sendAccepted = OutboundEventType.sendAccepted
    package static let sendFailed = OutboundEventType.sendFailed
    package static let sendAttemptFailed = OutboundEventType.sendAttemptFailed

    /// `citizen` of a message or status header: either identifier may be absent.
    package struct Citizen: Decodable, Sendable {
        package var userId: String?
        package var waId: String?

        /// The citizen keys of docs/whatsapp-ingest.md (`u:<user_id>`, `p:<wa_id>`).
        package var keys: [String] {
            [userId.map { "u:\($0)" }, waId.map { "p:\($0)" }].compactMap { $0 }
        }
    }

    /// The header of a message event (received, or accepted for sending).
    package struct MessageHeader: Decodable, Sendable {
        package var messageId: String
        package var messageType: String?
        package var direction: String?
        package var phoneNumberId: String
        package var citizen: Citizen?
        package var mediaId: String?
    }

    /// The header of `whatsapp.status.updated`.
    package struct StatusHeader: Decodable, Sendable {
        package var messageId: String
        package var status: String
        package var phoneNumberId: String
        package var citizen: Citizen?
        /// The request id of the send API's callback data `rk1:<request_id>`, when the status carried it.
        package var sendRef: String?
    }

    /// The header of `message.send.requested`.
    package struct SendRequestHeader: Decodable, Sendable {
        package var requestId: String
        package var kind: String
        package var phoneNumberId: String
        package var citizen: Citizen?
        package var via: String
    }

    /// The header of `message.send.accepted`, `.failed` and `.attempt_failed`.
    package struct SendOutcomeHeader: Decodable, Sendable {
        package var requestId: String
        package var requestPosition: Int64
        package var kind: String?
        package var phoneNumberId: String
        package var citizen: Citizen?
        package var attempt: Int?
        package var messageId: String?
        package var messageStatus: String?
        package var errorCode: Int?
        package var reason: String?
        package var retryAtUs: Int64?
    }

    /// The header of the media fetcher's events (`stored`, `fetch_failed`, `unavailable`).
    package struct MediaHeader: Decodable, Sendable {
        package var mediaId: String
        package var messageId: String?
        package var messagePosition: Int64?
        package var attempt: Int?
        package var reason: String?
        package var retryAtUs: Int64?
        /// `whatsapp.media.stored`: the original's bytes (absent before schema 31).
        package var size: Int64?
    }

    /// Decodes a retained header (snake_case JSON), or nil when it does not fit.
    package static func header<T: Decodable>(_ type: T.Type, of record: SelectedRecord) -> T? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(T.self, from: Data(record.entry.fields.header.utf8))
    }
}

/// The JSON payload of a WhatsApp event, when it was read and decrypted.
package struct ContractPayload {
    package let object: [String: Any]

    package init?(_ payload: LedgerRecord.Payload?) {
        guard case .bytes(let bytes) = payload,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        self.object = object
    }

    package var envelope: [String: Any]? { object["envelope"] as? [String: Any] }
    /// `envelope.display_phone_number`.
    package var displayPhoneNumber: String? { envelope?["display_phone_number"] as? String }
    /// `envelope.contact`, the matching `contacts[]` object.
    package var contact: [String: Any]? { envelope?["contact"] as? [String: Any] }
    /// `envelope.contact.profile.name`.
    package var profileName: String? { (contact?["profile"] as? [String: Any])?["name"] as? String }
    /// The `messages[]` object.
    package var message: [String: Any]? { object["message"] as? [String: Any] }
}
