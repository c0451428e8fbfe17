import Access
import Disposition
import Foundation
import Hummingbird
import Retention
import WebFoundation

/// `GET /retention` and `GET /retention/catalog`: the records officer's overview (the status
/// report of `GET /v1/retention/status`, by series and by month) and the retention schedule in
/// force (`GET /v1/retention/catalog`), through the same domain reads.
extension WebApplication {
    func retentionOverview(_ page: PageRequest) async throws -> Response {
        let now = Date()
        try await DispositionLists(store: store, ledger: settings.ledger).catchUp()
        let status = RetentionStatus(store: store, ledger: settings.ledger)
        let bySeries = try await status.report(by: .series, now: now)
        let byMonth = try await status.report(by: .month, now: now)
        let context: [String: Any] = [
            "now": RecordsText.time(now), "noRecords": bySeries.isEmpty,
            "bySeries": [
                "tableID": "by-series", "caption": "Records by series", "keyTitle": "Series", "lines": bySeries.map(Self.statusLine),
            ] as [String: Any],
            "byMonth": [
                "tableID": "by-month", "caption": "Records by month", "keyTitle": "Month", "lines": byMonth.map(Self.statusLine),
            ] as [String: Any],
        ]
        return renderer.page("records-overview", title: "Retention", frame: page.frame, context: context)
    }

    func retentionCatalog(_ page: PageRequest) async throws -> Response {
        let catalogs = RetentionCatalogs(store: store, ledger: settings.ledger)
        try await catalogs.catchUp()
        var context: [String: Any] = [:]
        if let loaded = try await catalogs.current() {
            context["catalog"] = [
                "name": loaded.catalog.name, "version": loaded.catalog.version, "loadedBy": loaded.actor, "loadedAt": RecordsText.time(loaded.loadedAt),
                "position": loaded.position,
                "series": loaded.catalog.series.map { series -> [String: Any] in
                    [
                        "citation": series.citation, "title": series.title, "retention": RecordsText.period(series.retention),
                        "trigger": RecordsText.trigger(series.trigger), "action": RecordsText.finalAction(series.finalAction),
                        "designation": RecordsText.designation(series.designation),
                        "approval": series.twoPersonApproval ? "Two people" : "One person", "unconfirmed": !series.confirmed,
                        "isDefault": series.citation == loaded.catalog.defaultSeries || series.dan == loaded.catalog.defaultSeries,
                    ]
                },
            ]
        }
        return renderer.page("records-catalog", title: "Retention schedule", frame: page.frame, context: context)
    }

    static func statusLine(_ line: RetentionStatusLine) -> [String: Any] {
        [
            "key": line.key, "records": line.records, "eligibleNow": line.eligibleNow, "within30": line.within30Days, "within90": line.within90Days,
            "held": line.held, "destroyed": line.destroyed, "transferred": line.transferred, "blocked": line.blocked,
        ]
    }
}
