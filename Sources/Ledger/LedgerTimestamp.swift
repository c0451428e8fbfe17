public import Foundation

/// A point in time as whole microseconds since 1970-01-01T00:00:00Z (UTC), the precision
/// PostgreSQL keeps and the unit the entry encoding hashes.
public struct LedgerTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the Unix epoch; negative before 1970.
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// Truncates `date` to whole microseconds.
    public init(_ date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded(.down)
        self.microseconds = Int64(micros)
    }

    /// The current time, truncated to whole microseconds.
    public static func now() -> LedgerTimestamp { LedgerTimestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    /// The UTC calendar month, `YYYY-MM`: the period a payload data key covers.
    public var monthPeriod: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        return String(format: "%04d-%02d", year, month)
    }

    /// RFC 3339 with microseconds, in UTC.
    public var description: String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let base = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
        return base.replacingOccurrences(of: "Z", with: String(format: ".%06dZ", fraction))
    }

    public static func < (lhs: LedgerTimestamp, rhs: LedgerTimestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }
}
