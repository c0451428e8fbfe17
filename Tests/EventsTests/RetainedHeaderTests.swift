import Events
import Foundation
import Ledger
import LedgerStore
import Testing

/// What a projection reads from a retained header: the fields of docs/events.md by their
/// snake_case names, and nothing from a header that does not fit its contract.
@Suite("Retained headers as projections read them")
struct RetainedHeaderTests {
    static func record(_ header: String) throws -> SelectedRecord {
        let fields = EntryFields(
            ledger: "main", position: 7, eventID: UUID(), stream: "wa/1/u:1", eventType: ContractEvent.messageReceived,
            occurredAt: LedgerTimestamp(microseconds: 1_780_000_000_000_000), recordedAt: LedgerTimestamp(microseconds: 1_780_000_000_000_001),
            actor: "whatsapp:test", dedupeKey: nil, header: header,
            payloadCommitment: try PayloadCommitment.commit(salt: PayloadCommitment.randomSalt(), payload: []))
        return SelectedRecord(entry: StoredEntry(fields: fields, previousHash: .genesis, entryHash: .genesis), payload: nil)
    }

    @Test("every field by its snake_case name, the citizen nested, absent and null optionals as nil")
    func fields() throws {
        let message = try #require(
            ContractEvent.header(
                ContractEvent.MessageHeader.self,
                of: try Self.record(
                    #"{"v":1,"message_id":"wamid.A","message_type":"image","direction":"inbound","phone_number_id":"106","citizen":{"user_id":"US.1","wa_id":null},"media_id":"m1"}"#
                )))
        #expect(message.messageId == "wamid.A" && message.messageType == "image" && message.direction == "inbound")
        #expect(message.phoneNumberId == "106" && message.mediaId == "m1")
        #expect(message.citizen?.keys == ["u:US.1"])

        let outcome = try #require(
            ContractEvent.header(
                ContractEvent.SendOutcomeHeader.self,
                of: try Self.record(
                    #"{"request_id":"r1","request_position":12,"phone_number_id":"106","attempt":2,"error_code":131047,"retry_at_us":1780000000000000}"#)))
        #expect(outcome.requestId == "r1" && outcome.requestPosition == 12 && outcome.attempt == 2 && outcome.errorCode == 131047)
        #expect(outcome.retryAtUs == 1_780_000_000_000_000 && outcome.kind == nil && outcome.citizen == nil && outcome.messageStatus == nil)
    }

    @Test(
        "a header that does not fit is nil: a required field absent, any field of the wrong type, not a JSON object",
        arguments: [
            #"{"message_type":"text","phone_number_id":"106"}"#,
            #"{"message_id":"wamid.A","phone_number_id":106}"#,
            #"{"message_id":"wamid.A","phone_number_id":"106","direction":1}"#,
            #"{"message_id":"wamid.A","phone_number_id":"106","citizen":"US.1"}"#,
            #"{"message_id":"wamid.A","phone_number_id":"106","citizen":{"user_id":7}}"#,
            #"["wamid.A"]"#,
            "message_id=wamid.A",
        ])
    func misfits(_ header: String) throws {
        #expect(ContractEvent.header(ContractEvent.MessageHeader.self, of: try Self.record(header)) == nil)
    }

    @Test("an integer field holds an integer: a fraction does not fit")
    func integers() throws {
        let whole = #"{"request_id":"r1","request_position":1,"phone_number_id":"106","error_code":131047}"#
        #expect(ContractEvent.header(ContractEvent.SendOutcomeHeader.self, of: try Self.record(whole))?.errorCode == 131047)
        let fraction = #"{"request_id":"r1","request_position":1,"phone_number_id":"106","error_code":1.5}"#
        #expect(ContractEvent.header(ContractEvent.SendOutcomeHeader.self, of: try Self.record(fraction)) == nil)
    }
}
