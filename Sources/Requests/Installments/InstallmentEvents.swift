import Events
public import Exports
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// The events of an installment (docs/events.md, "Export installments"): `export.produced` on the
/// request's stream (its status becomes installment produced) and `access.exported` on the
/// exporting user's access stream. Their retained headers hold the request, numbers, hashes and
/// counts, never content: the officer's summary is in the (encrypted) payload.
public enum InstallmentEvents {
    /// `export.produced` of installment `number` of request `id`.
    public static func produced(
        id: String, number: Int, file: String, summary: ExportSummary, text: String, actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        try RequestEvents.event(
            EventType.Exports.produced, id: id,
            header: [
                "status": .string(RequestStatus.installmentProduced.rawValue), "installment": .integer(Int64(number)), "file": .string(file),
                "format": .string("tar.zst"), "manifest_sha256": .string(summary.manifestSHA256), "bundle_bytes": .integer(Int64(summary.bundleBytes)),
                "messages": .integer(Int64(summary.messages)), "released": .integer(Int64(summary.released)),
                "redacted": .integer(Int64(summary.redacted)), "withheld": .integer(Int64(summary.withheld)),
                "media_withheld": .integer(Int64(summary.mediaWithheld)), "ledger": .string(summary.ledger),
                "checkpoint_size": .integer(Int64(summary.checkpointSize)),
            ], payload: ["summary": .string(text)], actor: actor, occurredAt: occurredAt, dedupeKey: "export:\(id):\(number)")
    }

    /// `access.exported`: `actor` exported `records` messages of request `id` to its requester.
    public static func exported(
        id: String, number: Int, records: Int, manifestSHA256: String, actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        let user = actor.split(separator: ":", maxSplits: 1).last.map(String.init) ?? actor
        let header: JSONValue = .object([
            "v": .integer(1), "user": .string(user), "action": .string("export"), "request": .string(id),
            "installment": .integer(Int64(number)), "records": .integer(Int64(records)), "manifest_sha256": .string(manifestSHA256),
        ])
        return NewEvent(
            stream: "access/\(user)", eventType: EventType.Access.exported, occurredAt: occurredAt, actor: actor,
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try header.encoded())
    }
}
