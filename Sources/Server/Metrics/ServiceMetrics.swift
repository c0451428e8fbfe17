import Foundation
import Hummingbird
import Inbox
import LedgerStore
import Logging
public import Prometheus

/// The Prometheus metrics of one application (docs/operations.md, "Metrics"). Each application
/// owns its registry (no global `MetricsSystem`), so several applications can run in one process.
public final class ServiceMetrics: Sendable {
    /// The registry of what the process counts as it goes (HTTP requests).
    public let registry = PrometheusCollectorRegistry()

    /// The request-duration histogram buckets.
    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init() {}

    /// Counts one answered request and its duration, by method, route template and status.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.descriptor("http_requests", unit: "total", help: "HTTP requests answered, by method, route template and status"),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.descriptor("http_request_duration", unit: "seconds", help: "Time to answer an HTTP request, by method and route template"),
            labels: [("method", method), ("route", route)], buckets: Self.durationBuckets
        ).record(duration)
    }

    static func descriptor(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "recordkeeper", metricName: name, unitName: unit, helpText: help)
    }
}

/// Counts every request in ``ServiceMetrics`` by its route template (`context.endpointPath`;
/// `unmatched` for a path no route serves), including those refused by the access control.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = RecordkeeperRequestContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.recordRequest(method: method, route: route, status: response.status.code, duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordRequest(method: method, route: route, status: status, duration: ContinuousClock.now - started)
            throw error
        }
    }
}

/// The figures `/metrics` reads from the database at scrape time — ledger sizes, projection
/// lags, pending sends and today's analytics per team — kept for a short time.
actor MetricsScrape {
    let store: LedgerStore
    let ledger: String
    let settings: AnalyticsSettings
    let projections: [any Projection]
    let logger: Logger
    private var cached: (at: ContinuousClock.Instant, text: String)?

    init(store: LedgerStore, ledger: String, settings: AnalyticsSettings, projections: [any Projection], logger: Logger) {
        self.store = store
        self.ledger = ledger
        self.settings = settings
        self.projections = projections
        self.logger = logger
    }

    /// The scrape-time metrics in the Prometheus text format.
    func text(now: Date = Date()) async -> String {
        if let cached, ContinuousClock.now - cached.at < settings.metricsCacheTTL { return cached.text }
        let text = await collect(now: now)
        cached = (ContinuousClock.now, text)
        return text
    }

    private func collect(now: Date) async -> String {
        // A fresh registry each time: a team or ledger that is gone leaves no stale series.
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, unit: String = "", _ help: String, _ labels: [(String, String)], _ value: Double) {
            registry.makeGauge(descriptor: ServiceMetrics.descriptor(name, unit: unit, help: help), labels: labels).set(value)
        }
        var success = 1.0
        do {
            let figures = try await ServiceFigures.collect(store: store, projections: projections, logger: logger)
            for (name, entries) in figures.ledgerEntries {
                gauge("ledger_entries", "Entries in the ledger (its head position)", [("ledger", name)], Double(entries))
            }
            for status in figures.projections {
                gauge(
                    "projection_lag", unit: "entries", "Ledger entries a projection has not applied yet",
                    [("projection", status.projection), ("ledger", status.ledger)], Double(status.behind))
            }
            for (name, pending) in figures.outboxPending {
                gauge("outbox_pending", unit: "sends", "Send requests not yet accepted or failed", [("ledger", name)], Double(pending))
            }
            let today = settings.calendar.date(of: now)
            let report = try await AnalyticsQueries(store: store, logger: logger).report(
                ledger: ledger, from: today, to: today, calendar: settings.calendar, now: now)
            for day in report.days {
                let team = [("team", day.team)]
                gauge("analytics_inbound_messages_today", "Messages from citizens today, by team", team, Double(day.inbound))
                gauge("analytics_outbound_messages_today", "Messages to citizens today, by team", team, Double(day.outbound))
                gauge("analytics_first_responses_today", "First responses to today's inbound messages, by team", team, Double(day.firstResponse.count))
                if let p50 = day.firstResponse.p50Seconds {
                    gauge("analytics_first_response_p50", unit: "seconds", "Median first-response time of today's inbound messages", team, p50)
                }
                if let p90 = day.firstResponse.p90Seconds {
                    gauge("analytics_first_response_p90", unit: "seconds", "90th percentile first-response time of today's inbound messages", team, p90)
                }
                gauge("analytics_backlog_open", unit: "conversations", "Conversations open or pending now, by team", team, Double(day.backlog.open))
                if let age = day.backlog.oldestAgeSeconds {
                    gauge("analytics_backlog_oldest_age", unit: "seconds", "Age of the oldest inbound message waiting for a first response", team, age)
                }
            }
        } catch {
            logger.error("metrics: figures could not be read", metadata: ["error": "\(describeError(error))"])
            success = 0
        }
        gauge("metrics_collection_success", "1 when the scrape-time figures were read from the database, else 0", [], success)
        return registry.emitToString()
    }
}
