public import Foundation
public import Retention

/// The JSON objects of the records officer's answers: what `recordkeeper retention … --json` prints
/// and the `/v1/retention` routes' answers: one shape for both.
public enum RetentionJSON {
    public static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// One record's trigger date, eligible date and state (`retention status --json`).
    public static func eligibility(_ record: RecordEligibility) -> [String: Any] {
        var object: [String: Any] = ["record": record.record.description, "state": record.state.rawValue, "eligible": record.isEligible]
        if let series = record.series { object["series"] = series }
        if let trigger = record.triggerDate { object["trigger_date"] = iso(trigger) }
        if let eligible = record.eligibleDate { object["eligible_date"] = iso(eligible) }
        if let reason = record.ineligibility {
            object["reason"] = reason.code
            object["reason_text"] = reason.description
        }
        if let list = record.list { object["list"] = list }
        if let decision = record.listDecision { object["list_decision"] = decision }
        if !record.holds.isEmpty { object["holds"] = record.holds }
        return object
    }

    /// A status report line (`retention status --by … --json`).
    public static func statusLine(_ line: RetentionStatusLine) -> [String: Any] {
        [
            "key": line.key, "records": line.records, "eligible_now": line.eligibleNow, "within_30_days": line.within30Days,
            "within_90_days": line.within90Days, "destroyed": line.destroyed, "transferred": line.transferred, "blocked": line.blocked,
            "held": line.held,
        ]
    }

    /// A record's extent and filing (`retention queue --json`, `retention record --json`).
    public static func summary(_ summary: RetentionRecordSummary, history: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "record": summary.record.description, "stream": summary.record.stream, "period": summary.record.period, "kind": summary.kind,
            "entries": summary.entries, "messages": summary.messages, "first_at": iso(summary.firstAt), "last_at": iso(summary.lastAt),
            "destroyed": summary.destroyed,
        ]
        if let phoneNumberID = summary.phoneNumberID { object["phone_number_id"] = phoneNumberID }
        if let communicationAt = summary.communicationAt { object["communication_at"] = iso(communicationAt) }
        if let series = summary.series { object["series"] = series }
        if let source = summary.source { object["source"] = source.rawValue }
        if let rule = summary.rule { object["rule"] = rule }
        if history {
            object["history"] = summary.history.map { filing -> [String: Any] in
                var item: [String: Any] = [
                    "position": filing.position, "series": filing.series, "source": filing.source.rawValue, "actor": filing.actor,
                    "filed_at": iso(filing.filedAt), "applied": filing.applied,
                ]
                if let rule = filing.rule { item["rule"] = rule }
                return item
            }
        }
        return object
    }

    /// A legal hold (`retention holds … --json`, without `ok`).
    public static func hold(_ hold: LegalHold) -> [String: Any] {
        var scope: [String: Any] = [:]
        if !hold.scope.conversations.isEmpty { scope["conversations"] = hold.scope.conversations }
        if !hold.scope.citizens.isEmpty { scope["citizens"] = hold.scope.citizens }
        if !hold.scope.businessNumbers.isEmpty { scope["business_numbers"] = hold.scope.businessNumbers }
        if !hold.scope.teams.isEmpty { scope["teams"] = hold.scope.teams }
        if let from = hold.scope.from { scope["from"] = iso(from) }
        if let to = hold.scope.to { scope["to"] = iso(to) }
        var object: [String: Any] = [
            "hold": hold.id, "type": hold.type.rawValue, "matter": hold.matter, "custodian": hold.custodian, "reason": hold.reason,
            "role": hold.role, "placed_by": hold.actor, "placed_at": iso(hold.placedAt), "position": hold.position, "active": hold.isActive,
            "scope": scope, "released": NSNull(),
        ]
        if let release = hold.release {
            object["released"] =
                [
                    "position": release.position, "by": release.actor, "role": release.role, "reason": release.reason, "at": iso(release.releasedAt),
                ] as [String: Any]
        }
        return object
    }

    /// A disposition list (`retention disposition … --json`), with its records when `items`.
    public static func list(_ list: DispositionList, items: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "list": list.list, "series": list.series, "action": list.action.rawValue, "review": list.review, "status": list.status,
            "listed_position": list.listedPosition, "listed_by": list.listedBy, "listed_at": iso(list.listedAt), "digest": list.digest,
            "approvals": list.approvals.map { ["position": $0.position, "actor": $0.actor, "at": iso($0.at)] as [String: Any] },
            "required": list.required, "approved": list.approved, "records": list.items.count, "authorised": list.authorised.count,
            "remaining": list.remaining.count, "undecided": list.undecided.count,
        ]
        if let position = list.transferredPosition { object["transferred_position"] = position }
        if let archives = list.archives { object["archives"] = archives }
        if items {
            object["items"] = list.items.map { item -> [String: Any] in
                var entry: [String: Any] = [
                    "record": item.record.description, "state": item.state.rawValue, "destroyed": item.destroyed, "transferred": item.transferred,
                ]
                if let reason = item.reason { entry["reason"] = reason }
                if let until = item.until { entry["until"] = iso(until) }
                if let by = item.reviewedBy { entry["reviewed_by"] = by }
                return entry
            }
        }
        return object
    }

    /// What a destruction did (`retention destroy --json`).
    public static func outcome(_ outcome: DestructionOutcome) -> [String: Any] {
        [
            "list": outcome.list as Any? ?? NSNull(), "destroyed": outcome.destroyed.map(\.description).sorted(), "records_destroyed": outcome.recordsDestroyed,
            "authorities": outcome.authorities, "payloads_removed": outcome.payloadsRemoved, "keys_destroyed": outcome.keysDestroyed,
            "held": outcome.held.keys.map(\.description).sorted().map { record in
                ["record": record, "holds": outcome.held.first { $0.key.description == record }?.value ?? []] as [String: Any]
            },
            "refiled": outcome.refiled.map(\.description).sorted(), "resumed": outcome.resumed,
        ]
    }

    /// The destruction log (`retention log --format json`).
    public static func log(_ entries: [DestructionLogEntry], ledger: String) -> [String: Any] {
        let stamp = DestructionCertificate.timestamp
        let rows: [[String: Any]] = entries.map {
            [
                "list": $0.list as Any? ?? NSNull(), "series": $0.series, "records": $0.records, "first_at": stamp($0.firstAt),
                "last_at": stamp($0.lastAt), "positions": $0.positions,
            ]
        }
        return ["ledger": ledger, "destructions": rows]
    }

    /// The retention audit (`audit retention --json`).
    public static func audit(_ report: RetentionAuditReport) -> [String: Any] {
        [
            "ok": report.ok, "ledger": report.ledger,
            "destructions": report.destructions.map { d in
                [
                    "authorised_by": d.authority.position, "at": iso(d.authority.occurredAt), "by": d.authority.actor,
                    "series": d.authority.citation, "list": d.authority.list as Any? ?? NSNull(), "approvals": d.authority.approvals,
                    "approvers": d.approvers, "records_destroyed": d.recordsDestroyed, "records_pending": d.recordsPending,
                ] as [String: Any]
            },
            "violations": report.violations.map { ["code": $0.code, "position": $0.position as Any? ?? NSNull(), "message": $0.message] },
            "warnings": report.warnings,
        ]
    }
}
