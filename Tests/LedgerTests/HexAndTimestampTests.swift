import Foundation
import Ledger
import Testing

@Suite("Hex and LedgerDigest")
struct HexTests {
    @Test("encodes lower case, decodes either case")
    func roundTrip() {
        #expect(Hex.encode([0x00, 0x0f, 0xf0, 0xff, 0xab]) == "000ff0ffab")
        #expect(Hex.decode("000FF0FFAB") == [0x00, 0x0f, 0xf0, 0xff, 0xab])
        #expect(Hex.decode("000ff0ffab") == [0x00, 0x0f, 0xf0, 0xff, 0xab])
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.decode("") == [])
        let all = (0...255).map { UInt8($0) }
        let text = Hex.encode(all)
        #expect(text.count == 512)
        #expect(text.hasPrefix("000102") && text.hasSuffix("fdfeff"))
        #expect(Hex.decode(text) == all)
    }

    @Test("rejects odd lengths and non-hex characters", arguments: ["0", "abc", "zz", "0g", "g0", " 0", "0x00", "ab cd", "é0", "+1"])
    func invalid(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test("LedgerDigest parses 64 hex digits only")
    func digest() throws {
        let abc = LedgerDigest.sha256(Array("abc".utf8))
        #expect(abc.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try LedgerDigest(hex: abc.hex.uppercased()) == abc)
        #expect(abc.description == abc.hex)
        #expect(abc.data.count == 32)
        #expect(LedgerDigest.genesis.hex == String(repeating: "0", count: 64))
        #expect(throws: LedgerFormatError.invalidDigestLength(31)) { try LedgerDigest(hex: String(repeating: "ab", count: 31)) }
        #expect(throws: LedgerFormatError.invalidDigestLength(33)) { try LedgerDigest(hex: String(repeating: "ab", count: 33)) }
        #expect(throws: LedgerFormatError.invalidHex) { try LedgerDigest(hex: String(repeating: "a", count: 63)) }
        #expect(throws: LedgerFormatError.invalidHex) { try LedgerDigest(hex: String(repeating: "x", count: 64)) }
        #expect(throws: LedgerFormatError.invalidDigestLength(0)) { try LedgerDigest(bytes: [UInt8]()) }
    }
}

@Suite("LedgerTimestamp")
struct LedgerTimestampTests {
    static let march2025: Int64 = 1_740_787_200_000_000  // 2025-03-01T00:00:00Z
    static let march2024: Int64 = 1_709_251_200_000_000  // 2024-03-01T00:00:00Z (after a leap day)
    static let january2025: Int64 = 1_735_689_600_000_000  // 2025-01-01T00:00:00Z
    static let july1969: Int64 = -15_897_600_000_000  // 1969-07-01T00:00:00Z
    static let year1900: Int64 = -2_208_988_800_000_000  // 1900-01-01T00:00:00Z

    static let periods: [(Int64, String)] = [
        (0, "1970-01"),
        (-1, "1969-12"),
        (march2025, "2025-03"),
        (march2025 - 1, "2025-02"),
        (march2024 - 1, "2024-02"),
        (march2024, "2024-03"),
        (january2025 - 1, "2024-12"),
        (january2025, "2025-01"),
        (july1969, "1969-07"),
        (july1969 - 1, "1969-06"),
        (year1900, "1900-01"),
        (year1900 - 1, "1899-12"),
        (-14_182_940_000_000 + 123_456, "1969-07"),  // 1969-07-20T20:17:40.123456Z
    ]

    static let descriptions: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00.000000Z"),
        (1, "1970-01-01T00:00:00.000001Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (-1_000_000, "1969-12-31T23:59:59.000000Z"),
        (-1_500_000, "1969-12-31T23:59:58.500000Z"),
        (1_741_944_413_589_793, "2025-03-14T09:26:53.589793Z"),
        (march2025 - 1, "2025-02-28T23:59:59.999999Z"),
        (-14_182_940_000_000 + 123_456, "1969-07-20T20:17:40.123456Z"),
    ]

    @Test("monthPeriod is the UTC calendar month, exact at month boundaries", arguments: periods)
    func monthPeriod(_ microseconds: Int64, _ period: String) {
        #expect(LedgerTimestamp(microseconds: microseconds).monthPeriod == period)
    }

    @Test("description is RFC 3339 in UTC with six fractional digits", arguments: descriptions)
    func description(_ microseconds: Int64, _ text: String) {
        #expect(LedgerTimestamp(microseconds: microseconds).description == text)
    }

    @Test("a Date is truncated to whole microseconds, towards the past")
    func fromDate() {
        #expect(LedgerTimestamp(Date(timeIntervalSince1970: 1.25)).microseconds == 1_250_000)
        #expect(LedgerTimestamp(Date(timeIntervalSince1970: -1.25)).microseconds == -1_250_000)
        #expect(LedgerTimestamp(Date(timeIntervalSince1970: 0.000_000_5)).microseconds == 0)
        #expect(LedgerTimestamp(Date(timeIntervalSince1970: -0.000_000_5)).microseconds == -1)
        #expect(LedgerTimestamp(microseconds: 1_741_944_413_000_000).date.timeIntervalSince1970 == 1_741_944_413)
    }

    @Test("timestamps order by microseconds")
    func ordering() {
        let a = LedgerTimestamp(microseconds: -1)
        let b = LedgerTimestamp(microseconds: 0)
        let c = LedgerTimestamp(microseconds: 1)
        #expect(a < b && b < c)
        #expect([c, a, b].sorted() == [a, b, c])
        let now = LedgerTimestamp.now()
        #expect(now.microseconds > 1_735_689_600_000_000)  // after 2025-01-01
    }
}

@Suite("Month period against Foundation's calendar")
struct MonthPeriodReferenceTests {
    @Test("the integer month computation agrees with Calendar for 20,000 instants from 1600 to 2400")
    func agreesWithCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        let low: Int64 = -11_676_096_000_000_000  // 1600-01-01
        let high: Int64 = 13_569_465_600_000_000  // 2400-01-01
        for _ in 0..<20_000 {
            let micros = Int64.random(in: low..<high, using: &generator)
            let timestamp = LedgerTimestamp(microseconds: micros)
            let parts = calendar.dateComponents([.year, .month], from: timestamp.date)
            let expected = String(format: "%04d-%02d", parts.year!, parts.month!)
            #expect(timestamp.monthPeriod == expected, "\(micros)")
            if timestamp.monthPeriod != expected { break }
        }
    }
}
