public import Foundation
public import Retention

extension DestructionCertificate {
    /// One list-level field of the certificate: its column name (CSV, JSON), its label on the
    /// printed page, and its value in words.
    public struct Field: Sendable, Hashable {
        public var key: String
        public var label: String
        public var value: String
    }

    /// The list-level fields, in the order of the State Archives destruction log; the CSV repeats
    /// them on every record's row and the HTML page prints them as its first table.
    public var fields: [Field] {
        [
            Field(key: "agency_ledger", label: "Agency (ledger)", value: ledger),
            Field(key: "disposition_list", label: "Disposition list", value: list ?? "none (a destruction authority without a list)"),
            Field(key: "series_title", label: "Records series title", value: series.title.isEmpty ? "(not in any loaded catalog)" : series.title),
            Field(key: "dan", label: "Disposition Authority Number (DAN)", value: series.citation),
            Field(key: "schedule", label: "Retention schedule", value: schedule.map { "\($0.name) version \($0.version)" } ?? "no catalog loaded"),
            Field(key: "minimum_retention", label: "Minimum retention", value: "\(series.retention) (\(series.retentionISO)) after \(series.trigger)"),
            Field(key: "description", label: "Series description", value: series.description),
            Field(key: "volume", label: "Volume", value: volumeText),
            Field(key: "dates_covered", label: "Dates covered", value: datesCovered.map { "\(Self.day($0.from)) to \(Self.day($0.to))" } ?? "none"),
            Field(key: "retention_met", label: "Date retention was met", value: retentionMet.map { "\(Self.day($0)) (\(retentionMetBasis))" } ?? "unknown"),
            Field(key: "destruction_method", label: "Destruction method", value: method),
            Field(key: "holds_certification", label: "Not subject to litigation, public records request or audit", value: holdsCertification),
            Field(key: "inventoried_by", label: "Inventoried by", value: inventoried.map(Self.party) ?? "not recorded (no disposition list)"),
            Field(
                key: "approved_by", label: "Approved by", value: approvals.isEmpty ? "no approval recorded" : approvals.map(Self.party).joined(separator: "; ")),
            Field(key: "destroyed_by", label: "Destroyed by", value: destroyed.isEmpty ? "not destroyed" : destroyed.map(Self.party).joined(separator: "; ")),
            Field(key: "status", label: "Status", value: statusText),
            Field(key: "ledger_positions", label: "Ledger entries cited", value: citations.map { "\($0.position) (\($0.eventType))" }.joined(separator: ", ")),
            Field(key: "checkpoint", label: "Signed checkpoint", value: checkpointText),
        ]
    }

    /// `2 records, 14 messages (30 ledger entries); 30 payloads and 2 data keys destroyed`.
    public var volumeText: String {
        "\(Self.count(volume.records, "record")), \(Self.count(Int(volume.messages), "message")) (\(Self.count(Int(volume.entries), "ledger entry", plural: "ledger entries"))); \(Self.count(Int(volume.payloads), "payload")) and \(Self.count(volume.dataKeys, "data key")) destroyed"
    }

    /// Whether the destruction is complete, in words.
    public var statusText: String {
        complete
            ? "complete"
            : "NOT COMPLETE: \(Self.count(pendingKeys, "data key")) named by the authority \(pendingKeys == 1 ? "is" : "are") not destroyed yet; run `recordkeeper retention destroy` again to finish it"
    }

    /// The checkpoint citation in words, or what to do when none covers the cited entries yet.
    public var checkpointText: String {
        guard let checkpoint else {
            return
                "No signed checkpoint covers these entries yet (the last cited position is \(lastCitedPosition)). Run `recordkeeper checkpoint --ledger \(ledger)` and print this certificate again."
        }
        return
            "checkpoint \(checkpoint.id) of tree size \(checkpoint.treeSize), signed \(Self.timestamp(checkpoint.createdAt)), covers every cited position (up to \(lastCitedPosition))"
    }

    // MARK: Words

    /// `2026-03-01T12:00:00Z`.
    public static func timestamp(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .gmt)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted)
        return date.formatted(style)
    }

    /// `2026-03-01` (UTC).
    public static func day(_ date: Date) -> String { String(timestamp(date).prefix(10)) }

    /// `cli:ana on 2026-03-01T12:00:00Z (position 12)`.
    static func party(_ party: Party) -> String { "\(party.actor) on \(timestamp(party.at)) (position \(party.position))" }

    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }

    /// `2 years`, `1 year 6 months`, `30 days`, `until no longer needed`.
    public static func words(_ retention: RetentionPeriod) -> String {
        switch retention {
        case .untilNoLongerNeeded:
            return "until no longer needed"
        case .period(let years, let months, let days):
            let parts = [(years, "year"), (months, "month"), (days, "day")].filter { $0.0 > 0 }.map { count($0.0, $0.1) }
            return parts.joined(separator: " ")
        }
    }

    /// What starts the retention, in words.
    public static func words(_ trigger: RetentionTrigger) -> String {
        switch trigger {
        case .communication: "the communication (received or provided, whichever is later)"
        case .conversationClosed: "the conversation was closed"
        case .requestClosed: "the public records request was closed"
        case .event(let type): "the event \(type)"
        }
    }
}
