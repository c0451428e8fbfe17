import Foundation
import Hummingbird
import LedgerStore
import Logging
import Prometheus

extension Router where Context == RecordkeeperRequestContext {
    /// The Prometheus metrics (`GET /metrics`, action `metrics.read`): the HTTP series of
    /// `metrics` and the ledger, projection, outbox and analytics figures of the service's ledger.
    func addMetricsRoute(
        store: LedgerStore, settings: ConversationSettings, analytics: AnalyticsSettings, projections: [any Projection], metrics: ServiceMetrics, logger: Logger
    ) {
        let scrape = MetricsScrape(
            store: store, ledger: settings.ledger, settings: analytics, projections: projections, logger: logger)
        get("metrics") { _, _ -> Response in
            let text = metrics.registry.emitToString() + (await scrape.text())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
