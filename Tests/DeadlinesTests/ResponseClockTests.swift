import Deadlines
import Foundation
import Testing

/// The RCW 42.56.520 clock as a public-records officer checks it against a wall calendar:
/// Washington's holidays, the day of receipt not counted, weekends and holidays skipped, in the
/// agency's time zone.
@Suite("Response clock")
struct ResponseClockTests {
    static let clock = ResponseClock.washington

    static func time(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "bad test time \(text)")
    }

    static func due(_ text: String, clock: ResponseClock = clock) throws -> String {
        clock.dueDate(receivedAt: try time(text)).description
    }

    @Test("a request received on Friday 2026-11-20 is due Tuesday 2026-12-01: Thanksgiving and the day after are skipped")
    func fridayBeforeThanksgiving() throws {
        let explanation = Self.clock.explain(receivedAt: try Self.time("2026-11-20T18:00:00Z"))
        #expect(explanation.receiptDay.description == "2026-11-20")
        #expect(explanation.dueDate.description == "2026-12-01")
        #expect(explanation.dueDate.weekday == .tuesday)
        let notes = explanation.steps.map { "\($0.day) \($0.note)" }
        #expect(
            notes == [
                "2026-11-20 day of receipt, not counted",
                "2026-11-21 skipped, weekend (Saturday)",
                "2026-11-22 skipped, weekend (Sunday)",
                "2026-11-23 business day 1",
                "2026-11-24 business day 2",
                "2026-11-25 business day 3",
                "2026-11-26 skipped, holiday: Thanksgiving Day",
                "2026-11-27 skipped, holiday: Native American Heritage Day",
                "2026-11-28 skipped, weekend (Saturday)",
                "2026-11-29 skipped, weekend (Sunday)",
                "2026-11-30 business day 4",
                "2026-12-01 business day 5",
            ])
        let text = explanation.lines.joined(separator: "\n")
        #expect(text.contains("Received 2026-11-20T18:00:00Z, which is Friday 2026-11-20 in America/Los_Angeles."))
        #expect(text.contains("Due: Tuesday 2026-12-01"))
    }

    @Test("a request received on a holiday: that day is the day of receipt and is not counted either")
    func receiptOnHoliday() throws {
        #expect(try Self.due("2026-11-26T17:00:00Z") == "2026-12-04")
        // Received on a Sunday: counting starts on Monday.
        #expect(try Self.due("2026-11-22T17:00:00Z") == "2026-12-01")
    }

    @Test("a holiday on a Saturday is kept the Friday before, on a Sunday the Monday after")
    func observance() throws {
        // Independence Day 2026 is a Saturday: Friday 2026-07-03 is the holiday.
        let july = try #require(CivilDay("2026-07-03"))
        #expect(Self.clock.calendar.holiday(on: july)?.label == "Independence Day (Saturday 2026-07-04, observed Friday)")
        #expect(try Self.due("2026-07-02T16:00:00Z") == "2026-07-10")
        // Christmas 2022 was a Sunday: Monday 2022-12-26 is the holiday.
        #expect(Self.clock.calendar.holiday(on: try #require(CivilDay("2022-12-26")))?.name == "Christmas Day")
        #expect(Self.clock.calendar.holiday(on: try #require(CivilDay("2022-12-25"))) == nil)
    }

    @Test("year boundaries: New Year's Day 2028 (a Saturday) is kept on Friday 2027-12-31; Christmas to New Year's 2026")
    func yearBoundaries() throws {
        let holidays2027 = Self.clock.calendar.holidays(in: 2027).map { "\($0.day) \($0.name)" }
        #expect(holidays2027.contains("2027-12-31 New Year's Day"))
        #expect(holidays2027.contains("2027-12-24 Christmas Day"))
        #expect(!Self.clock.calendar.holidays(in: 2028).contains { $0.name == "New Year's Day" }, "2028's New Year's Day is kept in 2027")
        #expect(try Self.due("2027-12-30T17:00:00Z") == "2028-01-07")
        #expect(try Self.due("2026-12-24T17:00:00Z") == "2027-01-04")
    }

    @Test("Washington's 2026 holidays are the eleven of RCW 1.16.050 on the days the state keeps them")
    func washington2026() {
        let days = ResponseClock.washington.calendar.holidays(in: 2026).map { "\($0.day) \($0.name)" }
        #expect(
            days == [
                "2026-01-01 New Year's Day", "2026-01-19 Martin Luther King Jr. Day", "2026-02-16 Presidents' Day",
                "2026-05-25 Memorial Day", "2026-06-19 Juneteenth", "2026-07-03 Independence Day", "2026-09-07 Labor Day",
                "2026-11-11 Veterans Day", "2026-11-26 Thanksgiving Day", "2026-11-27 Native American Heritage Day",
                "2026-12-25 Christmas Day",
            ])
        // Juneteenth is a state legal holiday from 2022 on.
        #expect(!ResponseClock.washington.calendar.holidays(in: 2021).contains { $0.name == "Juneteenth" })
    }

    @Test("the receipt day is the agency's: 23:30 on Monday in Seattle is Tuesday in UTC")
    func timeZone() throws {
        #expect(try Self.due("2026-11-24T07:30:00Z") == "2026-12-02")
        let utc = ResponseClock(calendar: .washington, timeZone: try #require(TimeZone(identifier: "UTC")))
        #expect(try Self.due("2026-11-24T07:30:00Z", clock: utc) == "2026-12-03")
    }

    @Test("a due date is late only after the end of that day in the agency's time zone")
    func lateness() throws {
        let due = try #require(CivilDay("2026-12-01"))
        #expect(!Self.clock.isPast(due, now: try Self.time("2026-12-02T07:59:00Z")), "23:59 PST on the due date")
        #expect(Self.clock.isPast(due, now: try Self.time("2026-12-02T08:00:00Z")), "midnight PST after it")
    }

    @Test("the explanation's JSON reads back to the same explanation")
    func explanationJSON() throws {
        let explanation = Self.clock.explain(receivedAt: try Self.time("2026-11-20T18:00:00Z"))
        #expect(DueDateExplanation(json: explanation.json) == explanation)
    }

    @Test("the shipped file deploy/holidays/washington.json is the built-in Washington calendar")
    func shippedFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/holidays/washington.json")
        let loaded = try HolidayCalendar.load(contentsOf: url)
        #expect(loaded == HolidayCalendar.washington)
    }

    @Test("another calendar from a file: its own holidays, closures and no weekend observance")
    func otherCalendar() throws {
        let json = """
            {"name": "Test County", "holidays": [{"name": "Founders Day", "date": "11-21"}],
             "closures": [{"date": "2026-11-23", "name": "Snow closure"}]}
            """
        let calendar = try HolidayCalendar.parse(Data(json.utf8))
        // Founders Day 2026 is a Saturday and is not moved: it costs no business day.
        let clock = ResponseClock(calendar: calendar, timeZone: try #require(TimeZone(identifier: "America/Los_Angeles")))
        let explanation = clock.explain(receivedAt: try Self.time("2026-11-20T18:00:00Z"))
        #expect(explanation.steps.map(\.note).contains("skipped, holiday: Snow closure"))
        #expect(explanation.dueDate.description == "2026-11-30")
    }

    @Test("a calendar file that cannot be used names the entry and what to write")
    func badCalendars() throws {
        #expect(throws: HolidayCalendarError.unknownHoliday("Thanksgiving Day", entry: "holidays[0]")) {
            try HolidayCalendar.parse(Data(#"{"name": "x", "holidays": [{"name": "Day after", "after": "Thanksgiving Day"}]}"#.utf8))
        }
        #expect(throws: HolidayCalendarError.invalid(member: "nth", entry: "holidays[0]", value: "6", expected: "1 to 5 or \"last\"")) {
            try HolidayCalendar.parse(Data(#"{"name": "x", "holidays": [{"name": "M", "month": 5, "weekday": "monday", "nth": 6}]}"#.utf8))
        }
        #expect(throws: HolidayCalendarError.self) {
            try HolidayCalendar.parse(Data(#"{"name": "x", "holidays": [{"name": "Bad", "date": "02-30"}]}"#.utf8))
        }
        let error = HolidayCalendarError.invalid(member: "date", entry: "holidays[0]", value: "02-30", expected: "a month and day MM-DD such as 07-04")
        #expect(error.description == "holidays[0]: \"date\" is 02-30, expected a month and day MM-DD such as 07-04")
    }
}
