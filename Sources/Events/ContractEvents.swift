import Ledger
package import LedgerStore
package import RecordkeeperCore

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
    package struct Citizen: RetainedHeader, Sendable {
        package var userId: String?
        package var waId: String?

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            userId = try fields.optionalString("user_id")
            waId = try fields.optionalString("wa_id")
        }

        /// The citizen keys of docs/whatsapp-ingest.md (`u:<user_id>`, `p:<wa_id>`).
        package var keys: [String] {
            [userId.map { "u:\($0)" }, waId.map { "p:\($0)" }].compactMap { $0 }
        }
    }

    /// The header of a message event (received, or accepted for sending).
    package struct MessageHeader: RetainedHeader, Sendable {
        package var messageId: String
        package var messageType: String?
        package var direction: String?
        package var phoneNumberId: String
        package var citizen: Citizen?
        package var mediaId: String?

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            messageId = try fields.string("message_id")
            messageType = try fields.optionalString("message_type")
            direction = try fields.optionalString("direction")
            phoneNumberId = try fields.string("phone_number_id")
            citizen = try fields.optionalObject("citizen")
            mediaId = try fields.optionalString("media_id")
        }
    }

    /// The header of `whatsapp.status.updated`.
    package struct StatusHeader: RetainedHeader, Sendable {
        package var messageId: String
        package var status: String
        package var phoneNumberId: String
        package var citizen: Citizen?
        /// The request id of the send API's callback data `rk1:<request_id>`, when the status carried it.
        package var sendRef: String?

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            messageId = try fields.string("message_id")
            status = try fields.string("status")
            phoneNumberId = try fields.string("phone_number_id")
            citizen = try fields.optionalObject("citizen")
            sendRef = try fields.optionalString("send_ref")
        }
    }

    /// The header of `message.send.requested`.
    package struct SendRequestHeader: RetainedHeader, Sendable {
        package var requestId: String
        package var kind: String
        package var phoneNumberId: String
        package var citizen: Citizen?
        package var via: String

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            requestId = try fields.string("request_id")
            kind = try fields.string("kind")
            phoneNumberId = try fields.string("phone_number_id")
            citizen = try fields.optionalObject("citizen")
            via = try fields.string("via")
        }
    }

    /// The header of `message.send.accepted`, `.failed` and `.attempt_failed`.
    package struct SendOutcomeHeader: RetainedHeader, Sendable {
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

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            requestId = try fields.string("request_id")
            requestPosition = try fields.integer("request_position")
            kind = try fields.optionalString("kind")
            phoneNumberId = try fields.string("phone_number_id")
            citizen = try fields.optionalObject("citizen")
            attempt = try fields.optionalInteger("attempt")
            messageId = try fields.optionalString("message_id")
            messageStatus = try fields.optionalString("message_status")
            errorCode = try fields.optionalInteger("error_code")
            reason = try fields.optionalString("reason")
            retryAtUs = try fields.optionalInteger("retry_at_us")
        }
    }

    /// The header of the media fetcher's events (`stored`, `fetch_failed`, `unavailable`).
    package struct MediaHeader: RetainedHeader, Sendable {
        package var mediaId: String
        package var messageId: String?
        package var messagePosition: Int64?
        package var attempt: Int?
        package var reason: String?
        package var retryAtUs: Int64?
        /// `whatsapp.media.stored`: the original's bytes (absent before schema 31).
        package var size: Int64?

        package init(_ fields: HeaderFields) throws(HeaderMismatch) {
            mediaId = try fields.string("media_id")
            messageId = try fields.optionalString("message_id")
            messagePosition = try fields.optionalInteger("message_position")
            attempt = try fields.optionalInteger("attempt")
            reason = try fields.optionalString("reason")
            retryAtUs = try fields.optionalInteger("retry_at_us")
            size = try fields.optionalInteger("size")
        }
    }
}

/// The JSON payload of a WhatsApp event, when it was read and decrypted.
package struct ContractPayload {
    package let object: JSONValue

    package init?(_ payload: LedgerRecord.Payload?) {
        guard case .bytes(let bytes) = payload, let object = try? JSONValue.parse(bytes), object.object != nil else { return nil }
        self.object = object
    }

    /// `envelope.display_phone_number`.
    package var displayPhoneNumber: String? { object["envelope"]?["display_phone_number"]?.string }
    /// `envelope.contact.profile.name` (`envelope.contact` is the matching `contacts[]` object).
    package var profileName: String? { object["envelope"]?["contact"]?["profile"]?["name"]?.string }
    /// The `messages[]` object.
    package var message: JSONValue? { object["message"] }
}
