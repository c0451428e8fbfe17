import Deadlines
import Testing

@Suite("Civil days")
struct CivilDayTests {
    @Test("days since the epoch round-trip, and weekdays are right")
    func arithmetic() throws {
        let day = try #require(CivilDay("2026-11-20"))
        #expect(day.weekday == .friday)
        #expect(CivilDay(daysSinceEpoch: day.daysSinceEpoch) == day)
        #expect(CivilDay(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(try #require(CivilDay("2028-02-28")).adding(days: 1).description == "2028-02-29")
        #expect(try #require(CivilDay("2027-12-31")).adding(days: 1).description == "2028-01-01")
        #expect(CivilDay("2026-02-29") == nil)
        #expect(CivilDay("2026-1-01") == nil)
    }
}
