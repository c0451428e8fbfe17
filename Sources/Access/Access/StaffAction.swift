/// Everything a staff member can ask the service to do, one case per kind of route
/// (docs/access.md). Each `/v1` route names exactly one action in the server's route table;
/// ``AccessPolicy`` decides which roles may perform it.
public enum StaffAction: String, CaseIterable, Sendable, Hashable, Codable {
    // Conversations and message content
    /// List conversations (metadata: number, citizen, times, counts) within the caller's scope.
    case conversationsList = "conversations.list"
    /// One conversation's metadata.
    case conversationRead = "conversation.read"
    /// A conversation's timeline with message content (audited, masked above the caller's clearance).
    case messagesRead = "messages.read"
    /// Download an archived media file (audited).
    case mediaDownload = "media.download"
    /// Search message content (audited).
    case contentSearch = "content.search"
    /// Send a message to a citizen (through the send API, as the signed-in user).
    case messageSend = "message.send"
    /// Upload a media file to Meta for sending.
    case mediaUpload = "media.upload"
    /// The status of a send request.
    case sendStatusRead = "send.status.read"

    // Team inbox
    /// The team inbox: conversations with team, assignee, state, unread count, 24-hour window.
    case inboxRead = "inbox.read"
    /// Assign, unassign or transfer a conversation.
    case conversationAssign = "conversation.assign"
    /// Close, set pending or reopen a conversation.
    case conversationStateChange = "conversation.state"
    /// Mark a conversation read for oneself.
    case conversationMarkRead = "conversation.mark_read"
    /// Add an internal note (a record, never sent to the citizen).
    case noteAdd = "note.add"
    /// Read internal notes (audited).
    case notesRead = "notes.read"
    /// Read and change the routing rules.
    case routingManage = "routing.manage"
    /// Read and change the automation rules.
    case automationManage = "automation.manage"

    // Classification
    /// Raise or lower a message's data category, with a reason.
    case classificationOverride = "classification.override"

    // Audit and ledger
    /// List staff accesses by record or by user.
    case accessLogRead = "access_log.read"
    /// Ledger metadata: entry headers, inclusion and consistency proofs.
    case ledgerRead = "ledger.read"

    // Analytics
    /// Per-team volumes, response times and backlog (JSON).
    case analyticsRead = "analytics.read"
    /// Prometheus metrics at `/metrics`.
    case metricsRead = "metrics.read"

    // Retention (docs/records-officer.md)
    /// The catalog in force, the status report, records, the filing queue, legal holds,
    /// disposition lists, the destruction log, certificates and the retention audit.
    case retentionRead = "retention.read"
    /// File records by hand, run disposition, review and approve lists, destroy approved lists.
    case retentionManage = "retention.manage"
    /// Place and release legal holds (a request officer: `public_records_request` holds only).
    case legalHoldManage = "legal_hold.manage"

    // Public-records requests (docs/public-records.md)
    /// List and show requests (their requester and text included) and the request log.
    case requestsRead = "requests.read"
    /// Open requests and record every step of their lifecycle: acknowledgements, estimates,
    /// clarifications, statuses, closures, appeals, fees and payments.
    case requestsManage = "requests.manage"

    // Staff
    /// List users, their roles, teams and tokens (never a secret).
    case staffRead = "staff.read"
    /// Create users, grant and revoke roles, issue and revoke tokens, grant content clearance.
    case staffManage = "staff.manage"
    /// One's own session: who am I, sign out.
    case sessionSelf = "session.self"

    /// Whether the action shows message content (or notes): such accesses are recorded as
    /// `access.viewed`, and the caller's clearance masks what is above it.
    public var showsContent: Bool {
        switch self {
        case .messagesRead, .mediaDownload, .contentSearch, .notesRead: true
        default: false
        }
    }
}
