import RecordkeeperCore
import Retention
import Testing

/// Comparing a catalog with the one in force (``CatalogChange``) and its canonical JSON: no
/// database, the rules `recordkeeper retention load` applies.
@Suite("Catalog change and canonical JSON")
struct CatalogChangeTests {
    static func series(
        _ dan: String, revision: Int = 0, retention: RetentionPeriod = .period(years: 2, months: 0, days: 0), confirmed: Bool = true
    )
        -> RetentionSeries
    {
        RetentionSeries(
            dan: dan, revision: revision, title: "Title \(dan)", description: "About \(dan).", retention: retention, trigger: .event("x.y"),
            finalAction: .destroy, designation: Designation(archival: .nonArchival, essential: false, office: .opr), confirmed: confirmed)
    }

    static func catalog(_ version: String, _ series: [RetentionSeries]) -> RetentionCatalog {
        RetentionCatalog(name: "test", version: version, defaultSeries: series[0].citation, series: series)
    }

    @Test("the canonical JSON reads back the same catalog, and the digest ignores the order of the series")
    func canonicalJSON() throws {
        let catalog = Self.catalog("1", [Self.series("B-1", revision: 2), Self.series("A-1", retention: .untilNoLongerNeeded, confirmed: false)])
        let back = try RetentionCatalog(json: try JSONValue.parse(try catalog.canonicalJSON()))
        #expect(Set(back.series) == Set(catalog.series) && back.name == "test" && back.defaultSeries == "B-1 Rev. 2")
        var reordered = catalog
        reordered.series.reverse()
        #expect(try reordered.digest() == catalog.digest())
        var changed = catalog
        changed.series[0].retention = .period(years: 3, months: 0, days: 0)
        #expect(try changed.digest() != catalog.digest())
    }

    @Test("a first catalog adds every series; a new revision supersedes; an unconfirmed series is amended when confirmed")
    func allowedChanges() throws {
        let first = try CatalogChange(from: nil, to: Self.catalog("1", [Self.series("A-1"), Self.series("B-1", revision: 2)]))
        #expect(first.added == ["A-1", "B-1 Rev. 2"] && first.superseded.isEmpty)
        let next = try CatalogChange(
            from: Self.catalog(
                "1", [Self.series("A-1", retention: .untilNoLongerNeeded, confirmed: false), Self.series("B-1", revision: 2), Self.series("D-1")]),
            to: Self.catalog("2", [Self.series("A-1"), Self.series("B-1", revision: 3), Self.series("C-1"), Self.series("D-1")]))
        #expect(next.added == ["B-1 Rev. 3", "C-1"])
        #expect(next.superseded == [CatalogChange.Supersession(series: "B-1 Rev. 2", by: "B-1 Rev. 3")])
        #expect(next.amended == ["A-1"] && next.unchanged == ["D-1"])
    }

    @Test("a changed, dropped or older series, and a reused version, are refused together, each named")
    func refusals() throws {
        let current = Self.catalog("1", [Self.series("A-1"), Self.series("B-1", revision: 2), Self.series("C-1")])
        let new = Self.catalog("1", [Self.series("A-1", retention: .period(years: 3, months: 0, days: 0)), Self.series("B-1", revision: 1)])
        let error = #expect(throws: RetentionCatalogLoadError.self) { try CatalogChange(from: current, to: new) }
        let conflicts = error?.conflicts ?? []
        #expect(conflicts.contains(.versionReused(name: "test", version: "1")))
        #expect(conflicts.contains(.seriesChanged("A-1", fields: ["retention"])))
        #expect(conflicts.contains(.olderRevision("B-1 Rev. 1", inForce: "B-1 Rev. 2")))
        #expect(conflicts.contains(.seriesDropped("B-1 Rev. 2")) && conflicts.contains(.seriesDropped("C-1")))
        #expect(conflicts.count == 5, "\(conflicts)")
        #expect(error?.description.contains("give it a new revision") == true)
    }
}
