import Access
import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Logging
import Prometheus

/// `GET /v1/analytics`: the answer (docs/api.md, "Analytics").
struct AnalyticsResponse: ResponseEncodable {
    var timezone: String
    var days: [AnalyticsDay]
}

extension Router where Context == RecordkeeperRequestContext {
    /// Per-team analytics (`GET /v1/analytics`, action `analytics.read`) and the Prometheus
    /// metrics (`GET /metrics`, action `metrics.read`) of the service's ledger.
    func addAnalyticsRoutes(
        store: LedgerStore, settings: ConversationSettings, analytics: AnalyticsSettings, metrics: ServiceMetrics, logger: Logger
    ) {
        let queries = AnalyticsQueries(store: store, logger: logger)
        let ledger = settings.ledger
        get("v1/analytics") { request, context -> AnalyticsResponse in
            let parameters = request.uri.queryParameters
            guard let from = parameters["from"].map(String.init), let to = parameters["to"].map(String.init) else {
                throw ProblemDetails(
                    status: .badRequest, code: "missing_parameter", title: "Missing parameter",
                    detail: "`from` and `to` are required: the first and last day, YYYY-MM-DD (e.g. ?from=2026-03-01&to=2026-03-31)",
                    extensions: ["field": parameters["from"] == nil ? "from" : "to"])
            }
            let team = parameters["team"].map(String.init)
            let report: AnalyticsReport
            do {
                report = try await queries.report(ledger: ledger, from: from, to: to, team: team, calendar: analytics.calendar)
            } catch let error as AnalyticsRequestError {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: error.description,
                    extensions: ["field": error.field])
            }
            // A caller limited to some teams sees only those teams' rows.
            let scope = try context.scope()
            return AnalyticsResponse(timezone: report.timezone, days: report.days.filter { scope.includes(team: $0.team) })
        }
        let scrape = MetricsScrape(
            store: store, ledger: ledger, settings: analytics, projections: RecordkeeperServer.projections, logger: logger)
        get("metrics") { _, _ -> Response in
            let text = metrics.registry.emitToString() + (await scrape.text())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

extension AnalyticsRequestError {
    /// The query parameter at fault.
    var field: String {
        switch self {
        case .badDate(let parameter, _): parameter
        case .reversed, .tooLong: "to"
        case .badTeam: "team"
        }
    }
}
