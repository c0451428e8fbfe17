import Access
public import Checkpoints
import Classification
import Disposition
import Foundation
import Inbox
public import LedgerStore
public import Logging
import Messaging
import Requests
import Retention
public import ServiceLifecycle
import WebhookRelay
public import WhatsApp

/// The background workers: the projection runner and everything it wakes (media fetcher,
/// dispatcher, webhook relay, classifier, automation, search indexer, inbox router), and
/// checkpoints. `recordkeeper serve` runs them beside HTTP, `recordkeeper work` alone; several
/// processes may run them on one ledger at once (each worker claims its work in PostgreSQL).
public enum WorkerSet {
    /// The projections the workers keep up to date, in order: what readiness, `/metrics` and
    /// `recordkeeper projections` report.
    public static var projections: [any Projection] {
        [
            ConversationsProjection(), MediaProjection(), OutboxProjection(), RelayQueueProjection(), ClassificationProjection(),
            AutomationRulesProjection(), AccessLogProjection(), AnalyticsProjection(), InboxProjection(), RetentionCatalogProjection(),
            RetentionRecordsProjection(), FilingRulesProjection(), LegalHoldsProjection(), DispositionListsProjection(), RequestsProjection(),
            RequestSearchesProjection(),
        ]
    }

    /// The worker services for `settings`. `relay` holds the process's relay parts: its service
    /// runs here; its directory is the caller's to run (the webhook route may share it).
    public static func services(settings: Settings, store: LedgerStore, relay: WebhookRelayParts, logger: Logger) -> [any Service] {
        var services: [any Service] = []
        var wakers: [String: @Sendable () -> Void] = [:]
        if let graph = settings.graph {
            let archiver = MediaArchiver(client: GraphMediaClient(configuration: graph, logger: logger), logger: logger)
            let fetcher = MediaFetchService(
                ledger: settings.ledger, source: PendingMediaQueue(store: store), archiver: archiver, store: store, logger: logger)
            let dispatcher = SendDispatcher(
                ledger: settings.ledger, store: store, client: GraphMessagesClient(configuration: graph, logger: logger),
                policy: settings.sending.policy, claimHold: settings.sending.claimHold, logger: logger)
            wakers[MediaProjection().name] = { fetcher.wake() }
            wakers[OutboxProjection().name] = { dispatcher.wake() }
            services += [fetcher, dispatcher] as [any Service]
        }
        if let service = relay.service {
            wakers[RelayQueueProjection().name] = { service.wake() }
            services.append(service)
        }
        if settings.runClassifier {
            let classifier = ClassifierService(ledger: settings.ledger, store: store, logger: logger)
            wakers[ClassificationProjection().name] = { classifier.wake() }
            services.append(classifier)
        }
        let automation = AutomationService(ledger: settings.ledger, store: store, logger: logger)
        services.append(automation)
        var wakeAutomation: @Sendable () -> Void = { automation.wake() }
        if let indexer = try? SearchIndexer(ledger: settings.ledger, store: store, logger: logger) {
            services.append(indexer)
            wakeAutomation = {
                automation.wake()
                indexer.wake()
            }
        } else {
            logger.notice("content search is off: it needs the master key (RECORDKEEPER_MASTER_KEY)")
        }
        wakers[ConversationsProjection().name] = wakeAutomation
        if settings.runRouter {
            let router = InboxRouter(ledger: settings.ledger, store: store, logger: logger)
            for name in [ConversationsProjection().name, InboxProjection().name] {
                let previous = wakers[name]
                wakers[name] = {
                    previous?()
                    router.wake()
                }
            }
            services.append(router)
        }
        // The filer files records as the records projection extends them.
        let filer = RetentionFiler(ledger: settings.ledger, store: store, logger: logger)
        let wakeBeforeFiler = wakers[RetentionRecordsProjection().name]
        wakers[RetentionRecordsProjection().name] = {
            wakeBeforeFiler?()
            filer.wake()
        }
        services.append(filer)
        // The holds of closed public-records requests are released once their grace period ends.
        do {
            let grace = try RequestHoldGrace.fromEnvironment(ProcessInfo.processInfo.environment)
            services.append(RequestHoldReleaser(ledger: settings.ledger, store: store, grace: grace, logger: logger))
        } catch {
            logger.error("the holds of closed requests are not released: \(error)")
        }
        let wakeByProjection = wakers
        let runner = projectionRunner(ledger: settings.ledger, store: store, logger: logger) { projection, _ in
            wakeByProjection[projection]?()
        }
        // The runner starts first: the workers read its projections.
        services.insert(runner, at: 0)
        if let checkpoints = settings.checkpoints {
            services.append(CheckpointService(store: store, settings: checkpoints, logger: logger))
        }
        return services
    }
}

extension WorkerSet {
    /// The workers' projection runner for `ledger`, as ``services(settings:store:relay:logger:)``
    /// runs it; `onApplied` is called after each batch that applied entries (projection, ledger).
    ///
    /// It projects only `ledger`, the one this process's workers work on: another ledger's
    /// backlog is its own processes' work (docs/operations.md, "Projections"). The queues that
    /// workers wait on (outbox, media, relay queue) each run in a lane of their own, so a new
    /// send or media message is projected at once however long another projection's replay is.
    /// The conversations projection, which every message touches and whose batches wake the
    /// inbox router, search indexer and automation, has a lane of its own too: its transactions
    /// overlap the other projections' instead of taking turns with them.
    public static func projectionRunner(
        ledger: String, store: LedgerStore, logger: Logger, onApplied: @escaping @Sendable (_ projection: String, _ ledger: String) -> Void
    ) -> ProjectionRunner {
        ProjectionRunner(
            store: store, projections: projections, ledgers: [ledger],
            lanes: [[OutboxProjection().name], [MediaProjection().name], [RelayQueueProjection().name], [ConversationsProjection().name]],
            logger: logger, onApplied: onApplied)
    }
}

extension WorkerSet {
    /// What the background workers of one process need to know (read from the environment by the
    /// executable: docs/operations.md, "Processes").
    public struct Settings: Sendable {
        /// The ledger the workers work on.
        public var ledger: String
        /// Meta's Graph API (media downloads, sending); nil: media wait as pending and sends wait.
        public var graph: GraphAPIConfiguration?
        /// The dispatcher's claim hold and retry policy.
        public var sending: SendDispatcherSettings
        /// The webhook relay.
        public var relay: WebhookRelaySettings
        /// Checkpoints; nil: this process makes none.
        public var checkpoints: CheckpointSettings?
        /// Whether the classifier runs (`RECORDKEEPER_CLASSIFIER=off` stops it).
        public var runClassifier: Bool
        /// Whether the inbox router runs (`RECORDKEEPER_ROUTER=off` stops it).
        public var runRouter: Bool

        public init(
            ledger: String = "main", graph: GraphAPIConfiguration? = nil, sending: SendDispatcherSettings = SendDispatcherSettings(),
            relay: WebhookRelaySettings = WebhookRelaySettings(), checkpoints: CheckpointSettings? = nil, runClassifier: Bool = true,
            runRouter: Bool = true
        ) {
            self.ledger = ledger
            self.graph = graph
            self.sending = sending
            self.relay = relay
            self.checkpoints = checkpoints
            self.runClassifier = runClassifier
            self.runRouter = runRouter
        }
    }
}
