public import Foundation

/// The response clock of RCW 42.56.520: a first response is due within five business days of
/// receipt, the day of receipt not counted, weekends and the calendar's holidays skipped, in the
/// agency's time zone (docs/public-records.md, "The clock"). Pure: the same receipt time,
/// calendar and time zone always give the same due date, which ``explain(receivedAt:)`` shows
/// step by step.
public struct ResponseClock: Sendable, Hashable {
    /// Business days allowed for the first response (RCW 42.56.520(1)).
    public static let responseBusinessDays = 5
    /// Calendar days a requester has to answer a clarification before the request may be closed
    /// as abandoned (RCW 42.56.520(3)(b)), and to claim an installment (RCW 42.56.120(4)).
    public static let requesterDays = 30
    /// The default agency time zone.
    public static let defaultTimeZone = "America/Los_Angeles"

    public var calendar: HolidayCalendar
    public var timeZone: TimeZone

    public init(calendar: HolidayCalendar = .washington, timeZone: TimeZone) {
        self.calendar = calendar
        self.timeZone = timeZone
    }

    /// Washington's holidays in America/Los_Angeles.
    public static var washington: ResponseClock {
        ResponseClock(calendar: .washington, timeZone: TimeZone(identifier: defaultTimeZone) ?? .current)
    }

    /// Why `day` is not a business day (`Saturday`, a holiday's label), or nil when it is one.
    public func closedReason(_ day: CivilDay) -> String? {
        if let holiday = calendar.holiday(on: day) { return "holiday: \(holiday.label)" }
        if day.isWeekend { return "weekend (\(day.weekday.name))" }
        return nil
    }

    /// The day a request received at `receivedAt` is due: the fifth business day after the day
    /// of receipt.
    public func dueDate(receivedAt: Date) -> CivilDay { explain(receivedAt: receivedAt).dueDate }

    /// The `count`th business day after `day` (the day itself not counted).
    public func businessDays(_ count: Int, after day: CivilDay) -> CivilDay {
        var current = day
        var counted = 0
        while counted < count {
            current = current.adding(days: 1)
            if closedReason(current) == nil { counted += 1 }
        }
        return current
    }

    /// The arithmetic of the due date with its inputs: the receipt time and the day it falls on
    /// in the agency's time zone, every day from receipt to the due date (counted, or skipped and
    /// why), and the due date.
    public func explain(receivedAt: Date) -> DueDateExplanation {
        let receipt = CivilDay(receivedAt, in: timeZone)
        var steps = [DueDateExplanation.Step(day: receipt, counted: nil, note: "day of receipt, not counted")]
        var current = receipt
        var counted = 0
        while counted < Self.responseBusinessDays {
            current = current.adding(days: 1)
            if let reason = closedReason(current) {
                steps.append(.init(day: current, counted: nil, note: "skipped, \(reason)"))
            } else {
                counted += 1
                steps.append(.init(day: current, counted: counted, note: "business day \(counted)"))
            }
        }
        return DueDateExplanation(
            receivedAt: receivedAt, timeZone: timeZone.identifier, calendar: calendar.name, receiptDay: receipt,
            businessDays: Self.responseBusinessDays, steps: steps, dueDate: current)
    }

    /// Whether a response due on `day` is late at `now`: `now` is after the end of that day in the
    /// agency's time zone.
    public func isPast(_ day: CivilDay, now: Date) -> Bool {
        now >= day.adding(days: 1).start(in: timeZone)
    }
}
