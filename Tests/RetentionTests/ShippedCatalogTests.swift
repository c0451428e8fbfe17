import Foundation
import Retention
import Testing

@Suite("Schedule catalog: shipped files and round trip")
struct ShippedCatalogTests {
    /// config/retention/, from this file's place in the repository.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/retention")

    static func load(_ name: String) throws -> RetentionCatalog {
        let url = directory.appendingPathComponent(name)
        return try RetentionCatalog(yaml: String(contentsOf: url, encoding: .utf8), file: "config/retention/\(name)")
    }

    @Test("washington-core.yaml loads: the confirmed CORE series, and the unconfirmed ones marked")
    func washingtonCore() throws {
        let catalog = try Self.load("washington-core.yaml")
        #expect(catalog.name == "washington-core")
        #expect(catalog.defaultSeries == "GS2010-001")
        let byCitation = Dictionary(uniqueKeysWithValues: catalog.series.map { ($0.citation, $0) })
        #expect(Set(byCitation.keys) == ["GS50-01-12 Rev. 3", "GS2010-001", "GS2010-003 Rev. 2", "GS2010-014", "GS50-02-01"])
        #expect(catalog.series.filter { !$0.confirmed }.map(\.citation) == ["GS2010-014", "GS50-02-01"])

        let executive = try #require(byCitation["GS50-01-12 Rev. 3"])
        #expect(executive.retention == .period(years: 2, months: 0, days: 0))
        #expect(executive.trigger == .communication)
        #expect(executive.finalAction == .transfer)
        #expect(executive.designation == Designation(archival: .appraisalRequired, essential: false, office: .ofm))

        let nonExecutive = try #require(byCitation["GS2010-001"])
        #expect(nonExecutive.retention == .period(years: 2, months: 0, days: 0))
        #expect(nonExecutive.trigger == .communication)
        #expect(nonExecutive.finalAction == .destroy)
        #expect(nonExecutive.designation.archival == .nonArchival)

        let audit = try #require(byCitation["GS2010-003 Rev. 2"])
        #expect(audit.retention == .untilNoLongerNeeded)
        #expect(audit.finalAction == .destroy)

        // Placeholders of unconfirmed series never lead to destruction on their own.
        for series in catalog.series where !series.confirmed {
            #expect(series.finalAction == .review, "\(series.citation)")
        }
    }

    @Test("nara-examples.yaml loads: GRS 5.2 item 010 and GRS 4.2 item 001")
    func naraExamples() throws {
        let catalog = try Self.load("nara-examples.yaml")
        #expect(catalog.series.map(\.citation) == ["GRS5.2-010", "GRS4.2-001"])
        #expect(catalog.series[0].retention == .untilNoLongerNeeded)
        #expect(catalog.series[0].finalAction == .destroy)
        #expect(catalog.series[1].retention == .period(years: 3, months: 0, days: 0))
    }

    @Test("a catalog written out reads back the same, awkward text included")
    func roundTrip() throws {
        let catalog = RetentionCatalog(
            name: "round-trip", version: "1.0", defaultSeries: "GS50-01-12 Rev. 3",
            series: [
                RetentionSeries(
                    dan: "GS50-01-12", revision: 3, title: "Communications – Governing: \"Executive\"",
                    description: "true", retention: .period(years: 1, months: 6, days: 10), trigger: .communication, finalAction: .transfer,
                    designation: Designation(archival: .appraisalRequired, essential: true, office: .ofm), confirmed: false,
                    twoPersonApproval: true),
                RetentionSeries(
                    dan: "GRS5.2-010", title: "Transitory", description: "Line one.\nLine two: # not a comment", retention: .untilNoLongerNeeded,
                    trigger: .event("whatsapp.message.received"), finalAction: .review,
                    designation: Designation(archival: .permanent, essential: false, office: .opr)),
                RetentionSeries(
                    dan: "GS2010-014", title: "Requests", description: "Closed requests.", retention: .period(years: 0, months: 0, days: 30),
                    trigger: .requestClosed, finalAction: .destroy, designation: Designation(archival: .nonArchival, essential: false, office: .opr)),
                RetentionSeries(
                    dan: "GS2010-001", title: "Closed", description: "Closed conversations.", retention: .period(years: 2, months: 0, days: 0),
                    trigger: .conversationClosed, finalAction: .destroy,
                    designation: Designation(archival: .nonArchival, essential: false, office: .opr)),
            ])
        let text = try catalog.yaml()
        let readBack = try RetentionCatalog(yaml: text, file: "round-trip.yaml")
        #expect(readBack == catalog, "\(text)")
        #expect(text.contains("retention: P1Y6M10D"))
    }

    @Test("the shipped Washington file reads back the same after being written out")
    func shippedRoundTrip() throws {
        let catalog = try Self.load("washington-core.yaml")
        #expect(try RetentionCatalog(yaml: catalog.yaml(), file: "t") == catalog)
    }
}
