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
    ///
    /// Computed with integer arithmetic (proleptic Gregorian calendar, Howard Hinnant's
    /// days-to-civil algorithm): it runs for every appended event, and Foundation's `Calendar`
    /// costs more than the rest of preparing the event.
    public var monthPeriod: String {
        let microsPerDay: Int64 = 86_400_000_000
        let days = microseconds >= 0 ? microseconds / microsPerDay : (microseconds - (microsPerDay - 1)) / microsPerDay
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = String(year)
        let paddedYear = year >= 0 && yearText.count < 4 ? String(repeating: "0", count: 4 - yearText.count) + yearText : yearText
        return paddedYear + (month < 10 ? "-0" : "-") + String(month)
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
