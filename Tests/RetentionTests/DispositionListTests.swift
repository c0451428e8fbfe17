import Foundation
import Ledger
import LedgerStore
import RecordkeeperCore
import Testing

@testable import Disposition
@testable import Retention

/// Disposition without a database: what a list authorises, where it stands, which series make
/// transfer lists, and the events' retained headers.
@Suite("Disposition lists (pure)")
struct DispositionListTests {
    static let a = RetentionRecordID(stream: "wa/1065/p:15550000001", period: "2025-11")
    static let b = RetentionRecordID(stream: "wa/1065/p:15550000002", period: "2025-11")
    static let c = RetentionRecordID(stream: "inbox/wa/1065/p:15550000002", period: "2025-12")

    static func list(review: Bool = false, required: Int = 1, approvals: Int = 0, items: [DispositionListItem]) -> DispositionList {
        DispositionList(
            list: "DL-20271111-00000000", series: "GS2010-001", action: .destroy, review: review, listedPosition: 10, listedBy: "cli:o",
            listedAt: Date(timeIntervalSince1970: 0), digest: String(repeating: "0", count: 64),
            approvals: (0..<approvals).map { DispositionApproval(position: Int64(20 + $0), actor: "cli:p\($0)", at: Date()) }, required: required,
            transferredPosition: nil, archives: nil, items: items)
    }

    @Test("excluded and deferred records are not authorised; destroyed ones are no longer remaining")
    func authorised() {
        let list = Self.list(
            approvals: 1,
            items: [
                DispositionListItem(record: Self.a, state: .excluded, reason: "keep"),
                DispositionListItem(record: Self.b, state: .deferred, until: Date()), DispositionListItem(record: Self.c, state: .listed, destroyed: true),
            ])
        #expect(list.authorised == [Self.c])
        #expect(list.remaining.isEmpty)
        #expect(list.status == "destroyed")
    }

    @Test("a review list authorises only confirmed records and counts the undecided")
    func review() {
        let list = Self.list(
            review: true, items: [DispositionListItem(record: Self.a, state: .confirmed), DispositionListItem(record: Self.b, state: .listed)])
        #expect(list.authorised == [Self.a])
        #expect(list.undecided == [Self.b])
        #expect(list.status == "awaiting approval (0 of 1)")
    }

    @Test("two-person approval: one approval of two is not approved")
    func twoPerson() {
        let items = [DispositionListItem(record: Self.a, state: .listed)]
        #expect(!Self.list(required: 2, approvals: 1, items: items).approved)
        #expect(Self.list(required: 2, approvals: 2, items: items).approved)
    }

    @Test("archival series and transfer series make transfer lists; non-archival destroy and review series make destruction lists")
    func action() {
        func series(_ archival: Designation.Archival, _ action: FinalAction) -> RetentionSeries {
            RetentionSeries(
                dan: "X", title: "X", description: "X", retention: .period(years: 2, months: 0, days: 0), trigger: .communication, finalAction: action,
                designation: Designation(archival: archival, essential: false, office: .opr))
        }
        #expect(DispositionLists.action(for: series(.appraisalRequired, .transfer)) == .transfer)
        #expect(
            DispositionLists.action(for: series(.permanent, .destroy)) == .transfer, "a permanent series is never destroyed, whatever its final action says")
        #expect(DispositionLists.action(for: series(.nonArchival, .transfer)) == .transfer)
        #expect(DispositionLists.action(for: series(.nonArchival, .destroy)) == .destroy)
        #expect(DispositionLists.action(for: series(.nonArchival, .review)) == .destroy)
    }

    @Test("the listed header: list, series, action, count and the digest of the sorted ids; the ids only in the payload")
    func listedEvent() throws {
        let event = try DispositionEvents.listed(
            list: "DL-1", series: "GS2010-001", action: .destroy, review: false, records: [Self.b, Self.a], actor: "cli:o", occurredAt: .now())
        let header = try JSONValue.parse(Array(event.header.utf8))
        #expect(
            header
                == .object([
                    "v": .integer(1), "list": .string("DL-1"), "series": .string("GS2010-001"), "action": .string("destroy"), "records": .integer(2),
                    "digest": .string(LedgerDigest.sha256(Array("\(Self.a)\n\(Self.b)".utf8)).hex),
                ]))
        #expect(event.stream == "retention/disposition")
        #expect(event.eventType == "retention.disposition.listed")
        let payload = try JSONValue.parse(event.payload)
        #expect(payload["record_ids"] == .array([.string(Self.a.description), .string(Self.b.description)]))
    }

    @Test("reviewed, approved and transferred headers carry no reason, reference or record id")
    func otherEvents() throws {
        let reviewed = try DispositionEvents.reviewed(
            list: "DL-1", decision: .defer, records: [Self.a], reason: "audit of 15550000001", until: Date(timeIntervalSince1970: 0), actor: "cli:o",
            occurredAt: .now())
        #expect(
            try JSONValue.parse(Array(reviewed.header.utf8))
                == .object([
                    "v": .integer(1), "list": .string("DL-1"), "decision": .string("defer"), "records": .integer(1),
                ]))
        #expect(try JSONValue.parse(reviewed.payload)["until"] == .string("1970-01-01T00:00:00Z"))
        let approved = try DispositionEvents.approved(list: "DL-1", approval: 1, required: 2, actor: "cli:o", occurredAt: .now())
        #expect(approved.header == #"{"approval":1,"list":"DL-1","required":2,"v":1}"#)
        #expect(approved.dedupeKey == "retention:disposition:approved:DL-1:cli:o")
        let transferred = try DispositionEvents.transferred(
            list: "DL-2", records: [Self.a], dataKeyIDs: [9, 4], archives: "Washington State Archives", reference: "WSA-1", actor: "cli:o",
            occurredAt: .now())
        #expect(transferred.header == #"{"archives":"Washington State Archives","data_key_ids":[4,9],"list":"DL-2","records":1,"v":1}"#)
        #expect(transferred.eventType == "records.transferred")
    }

    @Test("ineligibility codes read back; list ids name the day and the digest")
    func codes() {
        for reason in [
            Ineligibility.notFiled, .unknownSeries, .seriesNotConfirmed, .needsDecision, .awaitingTrigger, .retentionNotMet, .destroyed, .transferred,
        ] {
            #expect(Ineligibility(code: reason.code) == reason)
        }
        let id = DispositionLists.listID(records: [Self.a], now: Date(timeIntervalSince1970: 1_825_891_200))
        #expect(id == "DL-20271111-\(DispositionEvents.digest([Self.a]).prefix(8))")
    }
}
