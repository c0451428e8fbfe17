import Foundation

/// RFC 3339 timestamps in UTC, with fractional seconds only when there are some.
///
/// The formatters are made once and shared: making one builds an ICU date pattern, which cost
/// about 16% of the CPU of `bench read` when each date of each answer made its own. A formatter
/// is not safe for concurrent use, so each is used under its lock (formatting takes microseconds).
enum RFC3339 {
    private static let whole = SharedISO8601Formatter([.withInternetDateTime])
    private static let fractional = SharedISO8601Formatter([.withInternetDateTime, .withFractionalSeconds])

    static func format(_ date: Date) -> String {
        let isWhole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        return (isWhole ? whole : fractional).use { $0.string(from: date) }
    }

    /// Parses `2026-11-25T17:02:11Z`, with or without fractional seconds, in any offset.
    static func parse(_ text: String) -> Date? {
        if let date = whole.use({ $0.date(from: text) }) { return date }
        return fractional.use { $0.date(from: text) }
    }
}

/// One `ISO8601DateFormatter`, made once with fixed options and used by one caller at a time.
private final class SharedISO8601Formatter: @unchecked Sendable {
    private let formatter = ISO8601DateFormatter()
    private let lock = NSLock()

    init(_ options: ISO8601DateFormatter.Options) {
        formatter.formatOptions = options
    }

    func use<T>(_ body: (ISO8601DateFormatter) -> T) -> T {
        lock.withLock { body(formatter) }
    }
}
