/// How one holiday's date is found each year (a rule of a ``HolidayCalendar``).
public enum HolidayDate: Sendable, Hashable {
    /// The same date every year (`January 1`); moved to a weekday by the calendar's
    /// ``HolidayObservance`` when it falls on a weekend.
    case fixed(month: Int, day: Int)
    /// The `n`th given weekday of a month (`3rd Monday of January`); `n == -1` is the last one.
    case nthWeekday(month: Int, weekday: Weekday, n: Int)
    /// A number of days after another holiday of the same calendar (the day after Thanksgiving).
    case after(holiday: String, days: Int)
}

/// One holiday of a calendar: its name, how its date is found, and the years it applies to.
public struct HolidayRule: Sendable, Hashable {
    /// The name shown when the clock skips the day (`Thanksgiving Day`).
    public var name: String
    public var date: HolidayDate
    /// The first year it is a holiday (nil: always); Juneteenth is a Washington legal holiday from 2022.
    public var fromYear: Int?

    public init(_ name: String, _ date: HolidayDate, fromYear: Int? = nil) {
        self.name = name
        self.date = date
        self.fromYear = fromYear
    }
}

/// Which weekday a fixed-date holiday is kept on when it falls on a weekend.
public struct HolidayObservance: Sendable, Hashable {
    /// How many days a holiday on a Saturday moves (RCW 1.16.050: -1, the Friday before; 0: not moved).
    public var saturday: Int
    /// How many days a holiday on a Sunday moves (RCW 1.16.050: +1, the Monday after; 0: not moved).
    public var sunday: Int

    public init(saturday: Int, sunday: Int) {
        self.saturday = saturday
        self.sunday = sunday
    }

    /// Saturday to the Friday before, Sunday to the Monday after (RCW 1.16.050, US federal practice).
    public static let fridayMonday = HolidayObservance(saturday: -1, sunday: 1)
    /// Holidays are kept on their date even on a weekend.
    public static let none = HolidayObservance(saturday: 0, sunday: 0)
}

/// A day the clock does not count: which holiday, and the date it was moved from, if any.
public struct Holiday: Sendable, Hashable {
    /// The day kept (observed).
    public var day: CivilDay
    public var name: String
    /// The holiday's own date when it is observed on another day (a Saturday's New Year's Day
    /// observed on the Friday before), else nil.
    public var movedFrom: CivilDay?

    public init(day: CivilDay, name: String, movedFrom: CivilDay? = nil) {
        self.day = day
        self.name = name
        self.movedFrom = movedFrom
    }

    /// `Christmas Day` or `New Year's Day (Saturday 2028-01-01, observed Friday)`.
    public var label: String {
        guard let movedFrom else { return name }
        return "\(name) (\(movedFrom.weekday.name) \(movedFrom), observed \(day.weekday.name))"
    }
}
