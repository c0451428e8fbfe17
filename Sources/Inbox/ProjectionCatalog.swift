import Access
import Classification
public import LedgerStore
import Messaging

/// Every projection of the record, in the order the workers keep them up to date: what
/// readiness, analytics lag and `recordkeeper projections` report.
public enum ProjectionCatalog {
    public static var all: [any Projection] {
        [
            ConversationsProjection(), MediaProjection(), OutboxProjection(), RelayQueueProjection(), ClassificationProjection(),
            AutomationRulesProjection(), AccessLogProjection(), AnalyticsProjection(), InboxProjection(),
        ]
    }
}
