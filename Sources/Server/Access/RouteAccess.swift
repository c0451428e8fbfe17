public import Access

/// Who may call a route, for ``AccessControlMiddleware``.
public enum RouteAccess: Sendable, Hashable {
    /// Anyone: health, the OpenAPI document, the published checkpoint, signing in.
    case open
    /// Meta's webhook: authenticated by its own signature.
    case webhook
    /// The Graph proxy: authenticated by an integration token.
    case integration
    /// Staff: the action is decided by ``AccessPolicy`` for the caller's roles.
    case staff(StaffAction)
}

/// The access of every operation of the service, keyed by its `operationId` in `openapi.yaml`:
/// the one table the access control reads. A `/v1` operation missing here is refused to everyone
/// (and `AccessMatrixTests` fails), so a new operation cannot be open by accident.
public enum AccessRoutes {
    public static let table: [String: RouteAccess] = [
        "healthz": .open,  // GET /healthz
        "readyz": .open,  // GET /readyz
        "openapi": .open,  // GET /openapi.json
        "whatsappWebhookHandshake": .webhook,  // GET /webhooks/whatsapp
        "whatsappWebhookDelivery": .webhook,  // POST /webhooks/whatsapp
        "graphSendMessage": .integration,  // POST /graph/{version}/{id}/messages
        "graphUploadMedia": .integration,  // POST /graph/{version}/{id}/media
        "graphMediaMetadata": .integration,  // GET /graph/{version}/{id}
        "getCheckpoint": .open,  // GET /v1/ledgers/{ledger}/checkpoint
        "getInclusionProof": .staff(.ledgerRead),  // GET /v1/ledgers/{ledger}/proofs/inclusion
        "getConsistencyProof": .staff(.ledgerRead),  // GET /v1/ledgers/{ledger}/proofs/consistency
        "getEntry": .staff(.ledgerRead),  // GET /v1/ledgers/{ledger}/entries/{position}
        "listConversations": .staff(.conversationsList),  // GET /v1/conversations
        "getConversation": .staff(.conversationRead),  // GET /v1/conversations/{id}
        "listMessages": .staff(.messagesRead),  // GET /v1/conversations/{id}/messages
        "sendMessage": .staff(.messageSend),  // POST /v1/conversations/{id}/messages
        "changeClassification": .staff(.classificationOverride),  // PUT /v1/conversations/{id}/messages/{position}/classification
        "getSend": .staff(.sendStatusRead),  // GET /v1/sends/{position}
        "uploadMedia": .staff(.mediaUpload),  // POST /v1/media
        "getMedia": .staff(.mediaDownload),  // GET /v1/media/{media_id}
        "getAutomationRules": .staff(.automationManage),  // GET /v1/automation-rules
        "setAutomationRules": .staff(.automationManage),  // PUT /v1/automation-rules
        "searchMessages": .staff(.contentSearch),  // GET /v1/search
        "listAccesses": .staff(.accessLogRead),  // GET /v1/access
        "signIn": .open,  // POST /v1/session
        "getSession": .staff(.sessionSelf),  // GET /v1/session
        "signOut": .staff(.sessionSelf),  // DELETE /v1/session
        "listUsers": .staff(.staffRead),  // GET /v1/staff/users
        "createUser": .staff(.staffManage),  // POST /v1/staff/users
        "grantRole": .staff(.staffManage),  // PUT /v1/staff/users/{name}/roles/{role}
        "revokeRole": .staff(.staffManage),  // DELETE /v1/staff/users/{name}/roles/{role}
        "joinTeam": .staff(.staffManage),  // PUT /v1/staff/users/{name}/teams/{team}
        "leaveTeam": .staff(.staffManage),  // DELETE /v1/staff/users/{name}/teams/{team}
        "setClearance": .staff(.staffManage),  // PUT /v1/staff/users/{name}/clearance
        "listTokens": .staff(.staffRead),  // GET /v1/staff/tokens
        "issueToken": .staff(.staffManage),  // POST /v1/staff/tokens
        "revokeToken": .staff(.staffManage),  // DELETE /v1/staff/tokens/{token_id}
        "getAnalytics": .staff(.analyticsRead),  // GET /v1/analytics
        "getMetrics": .staff(.metricsRead),  // GET /metrics
        "listInbox": .staff(.inboxRead),  // GET /v1/inbox
        "assignConversation": .staff(.conversationAssign),  // POST /v1/conversations/{id}/assignment
        "changeConversationState": .staff(.conversationStateChange),  // POST /v1/conversations/{id}/state
        "listNotes": .staff(.notesRead),  // GET /v1/conversations/{id}/notes
        "addNote": .staff(.noteAdd),  // POST /v1/conversations/{id}/notes
        "markConversationRead": .staff(.conversationMarkRead),  // POST /v1/conversations/{id}/read
        "getRoutingRules": .staff(.routingManage),  // GET /v1/routing/rules
        "setRoutingRules": .staff(.routingManage),  // PUT /v1/routing/rules
        "getRetentionCatalog": .staff(.retentionRead),  // GET /v1/retention/catalog
        "getRetentionStatus": .staff(.retentionRead),  // GET /v1/retention/status
        "listRetentionRecords": .staff(.retentionRead),  // GET /v1/retention/records
        "getRetentionRecord": .staff(.retentionRead),  // GET /v1/retention/record
        "fileRetentionRecord": .staff(.retentionManage),  // POST /v1/retention/records/filing
        "getFilingQueue": .staff(.retentionRead),  // GET /v1/retention/queue
        "listLegalHolds": .staff(.retentionRead),  // GET /v1/retention/holds
        "placeLegalHold": .staff(.legalHoldManage),  // POST /v1/retention/holds
        "getLegalHold": .staff(.retentionRead),  // GET /v1/retention/holds/{id}
        "releaseLegalHold": .staff(.legalHoldManage),  // POST /v1/retention/holds/{id}/release
        "listDispositionLists": .staff(.retentionRead),  // GET /v1/retention/disposition-lists
        "runDisposition": .staff(.retentionManage),  // POST /v1/retention/disposition-lists
        "getDispositionList": .staff(.retentionRead),  // GET /v1/retention/disposition-lists/{list}
        "reviewDispositionList": .staff(.retentionManage),  // POST /v1/retention/disposition-lists/{list}/review
        "approveDispositionList": .staff(.retentionManage),  // POST /v1/retention/disposition-lists/{list}/approvals
        "destroyDispositionList": .staff(.retentionManage),  // POST /v1/retention/disposition-lists/{list}/destruction
        "listDestructions": .staff(.retentionRead),  // GET /v1/retention/destructions
        "getDestructionCertificate": .staff(.retentionRead),  // GET /v1/retention/destructions/{list}/certificate
        "getRetentionAudit": .staff(.retentionRead),  // GET /v1/audit/retention
        "listRecordsRequests": .staff(.requestsRead),  // GET /v1/requests
        "openRecordsRequest": .staff(.requestsManage),  // POST /v1/requests
        "getRecordsRequest": .staff(.requestsRead),  // GET /v1/requests/{id}
        "acknowledgeRecordsRequest": .staff(.requestsManage),  // POST /v1/requests/{id}/acknowledgement
        "reviseRecordsRequestEstimate": .staff(.requestsManage),  // POST /v1/requests/{id}/estimate
        "requestRecordsRequestClarification": .staff(.requestsManage),  // POST /v1/requests/{id}/clarification
        "answerRecordsRequestClarification": .staff(.requestsManage),  // POST /v1/requests/{id}/answer
        "changeRecordsRequestStatus": .staff(.requestsManage),  // POST /v1/requests/{id}/status
        "closeRecordsRequest": .staff(.requestsManage),  // POST /v1/requests/{id}/closure
        "withdrawRecordsRequest": .staff(.requestsManage),  // POST /v1/requests/{id}/withdrawal
        "appealRecordsRequest": .staff(.requestsManage),  // POST /v1/requests/{id}/appeal
        "reviewRecordsRequestAppeal": .staff(.requestsManage),  // POST /v1/requests/{id}/review
        "assessRecordsRequestFee": .staff(.requestsManage),  // POST /v1/requests/{id}/fee
        "recordRecordsRequestPayment": .staff(.requestsManage),  // POST /v1/requests/{id}/payment
        "listRecordsRequestSearches": .staff(.requestsRead),  // GET /v1/requests/{id}/searches
        "runRecordsRequestSearch": .staff(.requestsManage),  // POST /v1/requests/{id}/searches
        "getRequestLog": .staff(.requestsRead),  // GET /v1/request-log
        "listExemptions": .staff(.requestsRead),  // GET /v1/exemptions
        "suggestRecordsRequestRedactions": .staff(.requestsManage),  // GET /v1/requests/{id}/suggestions (recorded as access.viewed)
        "listRecordsRequestRedactions": .staff(.requestsRead),  // GET /v1/requests/{id}/redactions
        "applyRecordsRequestRedaction": .staff(.requestsManage),  // POST /v1/requests/{id}/redactions
        "reviewRecordsRequestRedaction": .staff(.requestsManage),  // POST /v1/requests/{id}/redactions/{number}/review
        "withdrawRecordsRequestRedaction": .staff(.requestsManage),  // POST /v1/requests/{id}/redactions/{number}/withdrawal
        "listRecordsRequestInstallments": .staff(.requestsRead),  // GET /v1/requests/{id}/installments
        "produceRecordsRequestInstallment": .staff(.requestsManage),  // POST /v1/requests/{id}/installments
        "downloadRecordsRequestInstallment": .staff(.requestsManage),  // GET /v1/requests/{id}/installments/{number}/bundle (recorded as access.viewed)
    ]

    /// The access of the operation `operationID`; nil when the table does not name it.
    public static func access(operationID: String) -> RouteAccess? {
        table[operationID]
    }
}
