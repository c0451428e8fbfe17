import Disposition
import Events
public import Exports
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// The events of a transfer package (docs/events.md, "Export installments"): `export.produced` on
/// `retention/disposition` and `access.exported` on the producing user's access stream. Their
/// retained headers hold the list, series, archives, hashes and counts, never content or a record
/// id (a record id holds the citizen's key): the officer's summary is in the (encrypted) payload.
public enum TransferPackageEvents {
    /// `export.produced` of the package of `list`.
    public static func produced(
        list: String, series: String, archives: String, file: String, records: Int, summary: ExportSummary, text: String, actor: String,
        occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        let header: [String: JSONValue] = [
            "v": .integer(1), "list": .string(list), "series": .string(series), "archives": .string(archives), "file": .string(file),
            "format": .string("tar.zst"), "manifest_sha256": .string(summary.manifestSHA256), "bundle_bytes": .integer(Int64(summary.bundleBytes)),
            "records": .integer(Int64(records)), "messages": .integer(Int64(summary.messages)), "media": .integer(Int64(summary.mediaIncluded)),
            "ledger": .string(summary.ledger), "checkpoint_size": .integer(Int64(summary.checkpointSize)),
        ]
        var payload = header
        payload["summary"] = .string(text)
        return NewEvent(
            stream: DispositionEvents.stream, eventType: EventType.Exports.produced, occurredAt: occurredAt, actor: actor,
            dedupeKey: "transfer-package:\(list):\(summary.manifestSHA256)", header: String(decoding: try JSONValue.object(header).encoded(), as: UTF8.self),
            payload: try JSONValue.object(payload).encoded())
    }

    /// `access.exported`: `actor` exported the `messages` messages of transfer list `list` for the archives.
    public static func exported(
        list: String, records: Int, messages: Int, manifestSHA256: String, actor: String, occurredAt: LedgerTimestamp
    ) throws
        -> NewEvent
    {
        let user = actor.split(separator: ":", maxSplits: 1).last.map(String.init) ?? actor
        let header: JSONValue = .object([
            "v": .integer(1), "user": .string(user), "action": .string("transfer_package"), "list": .string(list),
            "records": .integer(Int64(records)), "messages": .integer(Int64(messages)), "manifest_sha256": .string(manifestSHA256),
        ])
        return NewEvent(
            stream: "access/\(user)", eventType: EventType.Access.exported, occurredAt: occurredAt, actor: actor,
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try header.encoded())
    }
}
