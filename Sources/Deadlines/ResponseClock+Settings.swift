import Foundation

extension ResponseClock {
    /// The agency's clock from the environment (docs/operations.md, "Configuration"):
    /// `RECORDKEEPER_TIME_ZONE` (an IANA name, default America/Los_Angeles) and
    /// `RECORDKEEPER_HOLIDAYS_FILE` (a holiday calendar file, default Washington's built in).
    /// - Throws: ``HolidayCalendarError`` for an unknown time zone or a calendar file that cannot be used.
    public static func fromEnvironment(_ env: [String: String]) throws(HolidayCalendarError) -> ResponseClock {
        let zoneName = env["RECORDKEEPER_TIME_ZONE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultTimeZone
        guard let zone = TimeZone(identifier: zoneName) else { throw .unknownTimeZone(zoneName) }
        var calendar = HolidayCalendar.washington
        if let path = env["RECORDKEEPER_HOLIDAYS_FILE"], !path.isEmpty {
            calendar = try HolidayCalendar.load(contentsOf: URL(fileURLWithPath: path))
        }
        return ResponseClock(calendar: calendar, timeZone: zone)
    }
}
