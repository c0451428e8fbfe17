import Foundation
import Retention

extension DestructionCertificate {
    /// The columns of each record's row, after the list-level ``fields``.
    public static let recordColumns = [
        "record_id", "period", "kind", "messages", "entries", "first_at", "last_at", "destroyed_by_position",
    ]

    /// The certificate as CSV (RFC 4180: CRLF line ends, every field that holds a comma, quote,
    /// CR or LF quoted, quotes doubled): a header row, then one row per destroyed record with the
    /// list-level fields repeated on each, so that every row stands on its own in a spreadsheet. A
    /// certificate with no record destroyed has one row with the record columns empty.
    public func csv() -> String {
        let listValues = fields.map(\.value)
        var rows = [fields.map(\.key) + Self.recordColumns]
        for record in records {
            rows.append(
                listValues + [
                    record.id, record.period, record.kind, String(record.messages), String(record.entries), Self.timestamp(record.firstAt),
                    Self.timestamp(record.lastAt), String(record.destroyedBy),
                ])
        }
        if records.isEmpty { rows.append(listValues + Self.recordColumns.map { _ in "" }) }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One RFC 4180 field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF.
    public static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
