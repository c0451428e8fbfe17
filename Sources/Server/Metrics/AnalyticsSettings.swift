public import Inbox
import RecordkeeperCore

/// Analytics and `/metrics` settings.
public struct AnalyticsSettings: Sendable {
    /// The days of `/v1/analytics` and the "today" of `/metrics` are counted in this time zone
    /// (`RECORDKEEPER_ANALYTICS_TIMEZONE`, an IANA name; default UTC).
    public var calendar: AnalyticsCalendar
    /// How long `/metrics` reuses the figures it read from the database (ledger sizes, lags,
    /// outbox, today's analytics), so frequent scrapes cost one computation per interval.
    public var metricsCacheTTL: Duration

    public init(calendar: AnalyticsCalendar = .utc, metricsCacheTTL: Duration = .seconds(15)) {
        self.calendar = calendar
        self.metricsCacheTTL = metricsCacheTTL
    }

    /// Reads `RECORDKEEPER_ANALYTICS_TIMEZONE`.
    /// - Throws: ``SettingsError`` for a name that is not an IANA time zone.
    public static func fromEnvironment(_ environment: [String: String]) throws -> AnalyticsSettings {
        guard let name = environment["RECORDKEEPER_ANALYTICS_TIMEZONE"], !name.isEmpty else { return AnalyticsSettings() }
        guard let calendar = AnalyticsCalendar(timeZone: name) else {
            throw SettingsError("RECORDKEEPER_ANALYTICS_TIMEZONE=\(name.prefix(60)) is not an IANA time zone name (e.g. UTC, America/Los_Angeles)")
        }
        return AnalyticsSettings(calendar: calendar)
    }
}
