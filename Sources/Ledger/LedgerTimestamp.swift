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
        // Floor division without overflow (Int64.min has no positive counterpart).
        var (days, rest) = microseconds.quotientAndRemainder(dividingBy: 86_400_000_000)
        if rest < 0 {
            days -= 1
            rest += 86_400_000_000
        }
        let (year, month, _) = Self.civil(days: days)
        let yearText = String(year)
        let paddedYear = year >= 0 && yearText.count < 4 ? String(repeating: "0", count: 4 - yearText.count) + yearText : yearText
        return paddedYear + (month < 10 ? "-0" : "-") + String(month)
    }

    /// (year, month, day) of a day count since 1970-01-01 in the proleptic Gregorian calendar.
    private static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The text form of docs/ledger-format.md section 4: `YYYY-MM-DDTHH:MM:SS.ffffffZ`, in UTC,
    /// the proleptic Gregorian calendar (no Julian dates before 1582), always six fractional
    /// digits, seconds and fraction floored (−1 µs is `1969-12-31T23:59:59.999999Z`). A year
    /// before 0000 is written `-YYYY`, one after 9999 `+YYYYY`: RFC 3339 has no form for them.
    /// Pinned by the `timestamps` vectors of docs/test-vectors.json. The text is never hashed.
    public var description: String {
        // Floor division without overflow (Int64.min has no positive counterpart).
        var (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000
        }
        var (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        let (year, month, day) = Self.civil(days: days)
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count < width ? String(repeating: "0", count: width - text.count) + text : text
        }
        let yearText = year < 0 ? "-" + padded(-year, 4) : year > 9999 ? "+" + String(year) : padded(year, 4)
        return yearText + "-" + padded(month, 2) + "-" + padded(day, 2)
            + "T" + padded(secondOfDay / 3600, 2) + ":" + padded(secondOfDay / 60 % 60, 2) + ":" + padded(secondOfDay % 60, 2)
            + "." + padded(fraction, 6) + "Z"
    }

    public static func < (lhs: LedgerTimestamp, rhs: LedgerTimestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }
}
