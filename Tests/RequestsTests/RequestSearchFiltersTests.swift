import Foundation
import Requests
import Testing

/// Reading request-search parameters and the result hash, without a database.
@Suite("Request search filters and hash")
struct RequestSearchFiltersTests {
    static func parse(_ pairs: [(String, String)]) -> Result<RequestSearchFilters, RequestSearchError> {
        Result { () throws(RequestSearchError) -> RequestSearchFilters in
            try RequestSearchFilters.parse(pairs.map { (name: $0.0, value: $0.1) })
        }
    }

    @Test("every filter is read, normalised and named in a fixed order; values stay out of the names")
    func parsesEveryFilter() throws {
        let filters = try Self.parse([
            ("words", "Elm  Street"), ("citizen", "+1 (650) 555-1234"), ("citizen", "US.13491208655302741918"), ("business-number", "106540352242922"),
            ("team", "permits"), ("agent", "staff:alice"), ("from", "2025-11-01"), ("to", "2025-11-30T12:00:00Z"), ("direction", "inbound"),
            ("type", "image"), ("category", "3"), ("category", "3"),
        ]).get()
        #expect(filters.citizens == ["p:16505551234", "u:US.13491208655302741918"])
        #expect(filters.agents == ["alice"])
        #expect(filters.values["category"] == ["3"], "a value given twice is kept once")
        #expect(filters.words == ["elm", "street"])
        #expect(filters.names == ["citizen", "business_number", "team", "agent", "from", "to", "direction", "type", "category", "words"])
        #expect(!filters.names.joined().contains("1650"))
        #expect(filters.values["from"] == ["2025-11-01"] && filters.values["to"] == ["2025-11-30T12:00:00Z"])
    }

    @Test("unknown, malformed, repeated and empty parameters are refused, naming the parameter")
    func refusals() {
        #expect(Self.parse([("custodian", "x")]) == .failure(.unknownParameter("custodian")))
        #expect(Self.parse([("from", "2025-11-01"), ("from", "2025-11-02")]) == .failure(.repeated("from")))
        #expect(Self.parse([]) == .failure(.noFilter))
        for (name, value) in [
            ("citizen", "Sheena!"), ("business_number", "12a"), ("category", "0"), ("category", "four"), ("from", "2025-02-30"),
            ("to", "yesterday"), ("direction", "both"), ("type", "Image"), ("words", "a ! b"), ("team", "  "), ("agent", "al ice"),
        ] {
            guard case .failure(.malformed(let parameter, _, _)) = Self.parse([(name, value)]) else {
                Issue.record("\(name)=\(value) was not refused as malformed")
                continue
            }
            #expect(parameter == name.replacingOccurrences(of: "-", with: "_"))
        }
        #expect(Self.parse([("from", "2025-11-05"), ("to", "2025-11-04")]) == .failure(.emptyDateRange(from: "2025-11-05", to: "2025-11-04")))
        #expect(RequestSearchError.unknownParameter("custodian").description.hasPrefix("custodian is not a search filter: give citizen, business_number"))
    }

    @Test("a date range of days covers whole days in the agency's time zone; instants are included exactly")
    func interval() throws {
        let seattle = try #require(TimeZone(identifier: "America/Los_Angeles"))
        let days = try Self.parse([("from", "2025-11-03"), ("to", "2025-11-04")]).get().interval(in: seattle)
        #expect(days.from == 1_762_156_800_000_000, "2025-11-03T08:00:00Z")
        #expect(days.to == 1_762_329_600_000_000, "2025-11-05T08:00:00Z, exclusive")
        let instants = try Self.parse([("from", "2025-11-03T08:00:00Z"), ("to", "2025-11-03T09:00:00Z")]).get().interval(in: seattle)
        #expect(instants.from == 1_762_156_800_000_000)
        #expect(instants.to == 1_762_160_400_000_001, "the end instant included")
    }

    @Test("the result hash is SHA-256 over the sorted positions, one decimal line each")
    func digest() {
        // printf '12\n40\n41\n' | sha256sum
        #expect(RequestSearchDigest.sha256([41, 12, 40]) == "6700fe09c27429dededf6ae8d2bc39da598726acc0876e9328d4e27f7c1cf2c1")
        #expect(RequestSearchDigest.sha256([41, 12, 40]) == RequestSearchDigest.sha256([12, 40, 41]))
        #expect(RequestSearchDigest.sha256([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
