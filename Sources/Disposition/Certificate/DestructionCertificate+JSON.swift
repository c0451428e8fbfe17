import Foundation
import Retention

extension DestructionCertificate {
    /// The certificate as a JSON object (for `JSONSerialization`): the list-level fields in words
    /// under `fields`, and the same facts as data (dates ISO 8601 UTC, positions as numbers).
    public var jsonObject: [String: Any] {
        let null = NSNull()
        return [
            "ledger": ledger, "list": list ?? null,
            "series": [
                "citation": series.citation, "dan": series.dan, "revision": series.revision, "title": series.title,
                "description": series.description, "retention": series.retention, "retention_iso8601": series.retentionISO,
                "trigger": series.trigger,
            ] as [String: Any],
            "schedule": schedule.map { ["name": $0.name, "version": $0.version, "position": $0.position] as [String: Any] } ?? null,
            "volume": [
                "records": volume.records, "messages": volume.messages, "entries": volume.entries, "payloads": volume.payloads,
                "data_keys": volume.dataKeys,
            ] as [String: Any],
            "dates_covered": datesCovered.map { ["from": Self.timestamp($0.from), "to": Self.timestamp($0.to)] } ?? null,
            "retention_met": retentionMet.map(Self.timestamp) ?? null, "retention_met_basis": retentionMetBasis,
            "destruction_method": method, "method": "crypto-shred", "holds_certification": holdsCertification,
            "inventoried_by": inventoried.map(Self.json) ?? null, "approved_by": approvals.map(Self.json), "destroyed_by": destroyed.map(Self.json),
            "complete": complete, "pending_data_keys": pendingKeys,
            "records": records.map { record -> [String: Any] in
                [
                    "record_id": record.id, "period": record.period, "kind": record.kind, "messages": record.messages, "entries": record.entries,
                    "first_at": Self.timestamp(record.firstAt), "last_at": Self.timestamp(record.lastAt), "destroyed_by_position": record.destroyedBy,
                ]
            },
            "ledger_positions": citations.map { ["position": $0.position, "event_type": $0.eventType, "what": $0.what] as [String: Any] },
            "checkpoint": checkpoint.map {
                ["id": $0.id, "tree_size": $0.treeSize, "created_at": Self.timestamp($0.createdAt), "note": $0.note] as [String: Any]
            } ?? null,
            "checkpoint_statement": checkpointText,
            "fields": Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) }),
            "generated_at": Self.timestamp(generatedAt),
        ]
    }

    /// The certificate as JSON text: sorted keys, pretty-printed, ending with a newline.
    public func json() throws -> String {
        let data = try JSONSerialization.data(withJSONObject: jsonObject, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func json(_ party: Party) -> [String: Any] {
        ["actor": party.actor, "at": timestamp(party.at), "position": party.position]
    }
}
