import Foundation
import Testing

@testable import API

/// ``RFC3339`` shares its formatters between requests: the text must be what a formatter made
/// for the call writes, also when many requests format at once.
@Suite("RFC 3339 times of the API")
struct RFC3339FormatTests {
    /// What a formatter made for one call writes (the implementation before issue 17).
    static func reference(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        formatter.formatOptions = whole ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static let dates: [Date] = [
        Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_761_955_300), Date(timeIntervalSince1970: 1_761_955_300.5),
        Date(timeIntervalSince1970: 1_761_955_300.123456), Date(timeIntervalSince1970: -86_400.25), Date(timeIntervalSince1970: 4_102_444_799.999),
    ]

    @Test("whole seconds without a fraction, others with one, as a formatter of their own writes them; parsed back")
    func sameAsReference() {
        for date in Self.dates {
            #expect(RFC3339.format(date) == Self.reference(date))
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_761_955_300)) == "2025-11-01T00:01:40Z")
        #expect(RFC3339.parse("2025-11-01T00:01:40Z") == Date(timeIntervalSince1970: 1_761_955_300))
        #expect(RFC3339.parse("2025-11-01T02:01:40.500+02:00") == Date(timeIntervalSince1970: 1_761_955_300.5))
        #expect(RFC3339.parse("yesterday") == nil)
    }

    @Test("formatting from many tasks at once gives each date its own text")
    func concurrent() async {
        let dates = (0..<2_000).map { Date(timeIntervalSince1970: 1_700_000_000 + Double($0) * 37.25) }
        let expected = dates.map(Self.reference)
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for (index, date) in dates.enumerated() { group.addTask { (index, RFC3339.format(date)) } }
            var texts = [String](repeating: "", count: dates.count)
            for await (index, text) in group { texts[index] = text }
            return texts
        }
        #expect(results == expected)
    }
}
