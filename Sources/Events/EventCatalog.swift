/// What one event type is: its type string, header version, stream, writer, meaning, retained
/// header and payload. One value per type in ``EventCatalog/all``; docs/events.md shows them.
public struct EventDefinition: Sendable, Hashable {
    /// The event type string (``EventType``).
    public var type: String
    /// The current `"v"` member of its retained header; nil when the header has none.
    public var version: Int?
    /// The stream it is appended to (a pattern: `<…>` is filled in).
    public var stream: String
    /// Who writes it: the module and part, and the actor it is recorded with.
    public var writer: String
    /// What it means, in one line.
    public var meaning: String
    /// The members of its retained header (which survive payload destruction), `"v"` aside;
    /// `name?` is present only sometimes.
    public var header: [String]
    /// What its payload holds (every payload is encrypted at rest and may be destroyed lawfully).
    public var payload: String

    /// - Parameters: the members of the same names.
    public init(
        _ type: String, version: Int? = 1, stream: String, writer: String, meaning: String, header: [String], payload: String
    ) {
        self.type = type
        self.version = version
        self.stream = stream
        self.writer = writer
        self.meaning = meaning
        self.header = header
        self.payload = payload
    }
}

/// The event types of one part of the product, with the document that defines them in full.
public struct EventFamily: Sendable, Hashable {
    /// The family's title in docs/events.md.
    public var title: String
    /// The document (under docs/) and section that define these events in full.
    public var reference: String
    /// The document's file name, without the section.
    public var document: Substring { reference.prefix { $0 != "#" } }
    /// Its event types.
    public var events: [EventDefinition]

    /// - Parameters: the members of the same names.
    public init(_ title: String, reference: String, events: [EventDefinition]) {
        self.title = title
        self.reference = reference
        self.events = events
    }
}

/// The one event catalog: every event type the code appends, by family. docs/events.md is
/// generated from it (``markdown()``), and a test fails when the two differ.
public enum EventCatalog {
    private typealias E = EventDefinition

    private static let conversationStream = "`wa/<phone_number_id>/<citizen key>`"
    private static let ingestActor = "Messaging, WhatsApp ingest (the webhook route); actor `whatsapp:<app>`"
    private static let fetcher = "Messaging, the media fetcher; actor `system:media-fetcher`"
    private static let sender = "Messaging: the dispatcher (requests via `api`, `automation`) or the recording proxy (`proxy`)"
    private static let outcomeHeader = [
        "request_id", "request_position", "kind", "direction", "phone_number_id", "citizen", "attempt",
    ]
    private static let staffWriter = "Access, the staff directory; actor `staff:<name>`, `bootstrap-admin` or `cli:<user>`"
    private static let inboxWriter = "Inbox; actor `staff:<name>`"
    private static let proxyCaller = "Messaging, the recording proxy; actor the caller (`integration:<name>`, …)"

    /// Every family, in the order of docs/events.md.
    public static let families: [EventFamily] = [
        EventFamily(
            "WhatsApp ingest", reference: "whatsapp-ingest.md#events",
            events: [
                E(
                    EventType.WhatsApp.messageReceived, stream: conversationStream, writer: ingestActor,
                    meaning: "a citizen's message arrived in an authentic webhook delivery",
                    header: ["direction", "message_id", "message_type", "phone_number_id", "citizen", "media_id?"],
                    payload: "JSON: the delivery envelope and the `messages[]` object, every field"),
                E(
                    EventType.WhatsApp.statusUpdated, stream: conversationStream, writer: ingestActor,
                    meaning: "a message status (sent, delivered, read, failed, …) arrived",
                    header: ["message_id", "status", "phone_number_id", "citizen", "send_ref?"],
                    payload: "JSON: the envelope and the `statuses[]` object"),
                E(
                    EventType.WhatsApp.errorReceived, stream: "`wa/<phone_number_id>`", writer: ingestActor,
                    meaning: "a value-level error of a business number arrived", header: ["code", "phone_number_id"],
                    payload: "JSON: the envelope and the `errors[]` object"),
                E(
                    EventType.WhatsApp.notificationReceived, stream: "`wa-account/<waba_id>`", writer: ingestActor,
                    meaning: "a change of another field than `messages` arrived (template status, account update, …)",
                    header: ["field", "waba_id"], payload: "JSON: the envelope and the whole change object"),
                E(
                    EventType.WhatsApp.webhookUnparsed, stream: "`wa-webhook/unparsed`", writer: ingestActor,
                    meaning: "an authentic delivery that is not JSON or not of the expected shape, flagged for review",
                    header: ["reason", "detail", "body_sha256", "body_size", "content_type", "app", "review"],
                    payload: "the exact body bytes"),
                E(
                    EventType.WhatsApp.webhookRejected, stream: "`wa-webhook/rejected`",
                    writer: "Messaging, WhatsApp ingest; actor `whatsapp:unauthenticated`",
                    meaning: "a delivery whose signature did not check",
                    header: ["reason", "body_sha256", "body_size", "remote_address", "suppressed_before?"],
                    payload: "JSON: the header's members and the request headers; never the body"),
            ]),
        EventFamily(
            "Media fetcher", reference: "whatsapp-ingest.md#whatsappmediastored",
            events: [
                E(
                    EventType.WhatsApp.mediaStored, stream: "the message's stream", writer: fetcher,
                    meaning: "a message's media bytes are archived", header: ["message_id", "media_id", "message_position", "size"],
                    payload: "binary: JSON metadata, a newline, then the bytes (zstd or as received)"),
                E(
                    EventType.WhatsApp.mediaFetchFailed, stream: "the message's stream", writer: fetcher,
                    meaning: "one attempt at fetching a media failed; another is scheduled",
                    header: ["message_id", "media_id", "attempt", "reason", "retry_at_us"],
                    payload: "JSON: `media_id`, `attempt`, the full `error`"),
                E(
                    EventType.WhatsApp.mediaUnavailable, stream: "the message's stream", writer: fetcher,
                    meaning: "a media can never be archived (expired, not found, too large, …)",
                    header: ["message_id", "media_id", "message_position", "reason"],
                    payload: "JSON: `media_id`, `attempts`, `reason`"),
            ]),
        EventFamily(
            "Webhook relay", reference: "whatsapp-ingest.md#webhook-relay",
            events: [
                E(
                    EventType.WhatsApp.webhookRelayQueued, stream: "`wa-relay/<relay name>`",
                    writer: "WebhookRelay, WhatsApp ingest (with the delivery's events); actor `whatsapp:<app>`",
                    meaning: "an authentic delivery is queued for one relay",
                    header: ["relay", "body_sha256", "body_size", "content_type", "phone_number_ids"],
                    payload: "the exact body bytes as received"),
                E(
                    EventType.WhatsApp.webhookRelayed, stream: "`wa-relay/<relay name>`",
                    writer: "WebhookRelay, the webhook relay service; actor `system:webhook-relay`",
                    meaning: "one relay attempt's outcome: `delivered`, `failed` (retried) or `gave_up`",
                    header: ["relay", "queued_position", "outcome", "http_status", "attempt", "retry_at_us", "detail"],
                    payload: "JSON: the header's members and `response_excerpt` (the first 1 KiB of the answer)"),
                E(
                    EventType.Relay.configured, stream: "`config/relays`",
                    writer: "WebhookRelay, `recordkeeper relays add`; actor `cli:<user>`", meaning: "a relay was added or replaced",
                    header: ["relay", "phone_number_ids", "url", "enabled", "replaced"],
                    payload: "JSON: the header with the full URL; never the secret"),
                E(
                    EventType.Relay.removed, stream: "`config/relays`",
                    writer: "WebhookRelay, `recordkeeper relays remove`; actor `cli:<user>`", meaning: "a relay was removed",
                    header: ["relay"], payload: "JSON: the header"),
            ]),
        EventFamily(
            "Outbound messages", reference: "whatsapp-ingest.md#outbound-messages",
            events: [
                E(
                    EventType.Outbound.sendRequested, stream: conversationStream,
                    writer:
                        "Messaging: the send API, an automation or the recording proxy; actor `staff:<name>`, `admin-token`, `automation:<rule>` or `integration:<name>`",
                    meaning: "a message send, recorded before it goes to Meta",
                    header: [
                        "request_id", "kind", "direction", "phone_number_id", "citizen", "via", "body_sha256", "body_size", "integration?",
                        "reply_to?", "target_message_id?", "idempotency_key?", "request_sha256?",
                    ],
                    payload: "the exact Graph request body sent to Meta"),
                E(
                    EventType.Outbound.sendAccepted, stream: conversationStream, writer: sender, meaning: "Meta accepted a send",
                    header: outcomeHeader + ["message_id", "message_status", "http_status?", "source", "status_position?"],
                    payload: "Meta's answer byte for byte, or `{\"v\":1,\"status_position\":…}` when a status webhook told"),
                E(
                    EventType.Outbound.sendFailed, stream: conversationStream, writer: sender, meaning: "a send failed for good",
                    header: outcomeHeader + ["http_status", "error_code", "fbtrace_id", "reason"],
                    payload: "Meta's error answer byte for byte, or `{\"v\":1,\"error\":…}` when none came"),
                E(
                    EventType.Outbound.sendAttemptFailed, stream: conversationStream, writer: sender,
                    meaning: "one attempt at a send failed; it will be tried again",
                    header: outcomeHeader + ["http_status", "error_code", "fbtrace_id", "reason", "retry_at_us"],
                    payload: "as `message.send.failed`"),
            ]),
        EventFamily(
            "Recording proxy media requests", reference: "whatsapp-ingest.md#the-recording-proxys-media-requests",
            events: [
                E(
                    EventType.ProxyMedia.uploadRequested, stream: "`wa-outbound-media/<phone_number_id>`", writer: proxyCaller,
                    meaning: "a media upload, recorded before it is forwarded to Meta",
                    header: ["request_id", "phone_number_id", "graph_version", "content_type", "body_size", "body_sha256", "via", "integration?"],
                    payload: "the exact multipart body"),
                E(
                    EventType.ProxyMedia.uploadAccepted, stream: "`wa-outbound-media/<phone_number_id>`", writer: proxyCaller,
                    meaning: "Meta accepted an upload",
                    header: ["request_id", "request_position", "phone_number_id", "http_status", "content_type", "media_id?", "via", "integration?"],
                    payload: "Meta's answer byte for byte (`{\"id\":…}`)"),
                E(
                    EventType.ProxyMedia.uploadFailed, stream: "`wa-outbound-media/<phone_number_id>`", writer: proxyCaller,
                    meaning: "Meta refused an upload, or did not answer",
                    header: [
                        "request_id", "request_position", "phone_number_id", "http_status", "content_type", "error_code?", "fbtrace_id?",
                        "reason?", "via", "integration?",
                    ],
                    payload: "Meta's answer byte for byte, or `{\"v\":1,\"error\":…}` when none came"),
                E(
                    EventType.ProxyMedia.metadataRequested, stream: "`wa-outbound-media/lookups`",
                    writer: "Messaging, the recording proxy; actor `integration:<name>`", meaning: "an integration asked for a media's URL",
                    header: ["request_id", "via", "integration", "media_id"], payload: "JSON: `method`, `path`"),
                E(
                    EventType.ProxyMedia.metadataAnswered, stream: "`wa-outbound-media/lookups`",
                    writer: "Messaging, the recording proxy; actor `integration:<name>`", meaning: "Meta answered a media lookup",
                    header: [
                        "request_id", "request_position", "media_id", "http_status", "content_type", "error_code?", "fbtrace_id?", "via",
                        "integration",
                    ],
                    payload: "Meta's answer byte for byte (the short-lived download URL)"),
                E(
                    EventType.ProxyMedia.metadataFailed, stream: "`wa-outbound-media/lookups`",
                    writer: "Messaging, the recording proxy; actor `integration:<name>`", meaning: "no answer came from Meta to a media lookup",
                    header: ["request_id", "request_position", "media_id", "http_status", "content_type", "reason", "via", "integration"],
                    payload: "JSON: `error`"),
            ]),
        EventFamily(
            "Staff", reference: "access.md#accounts-and-credentials",
            events: [
                E(
                    EventType.Staff.userCreated, stream: "`staff/<user>`", writer: staffWriter, meaning: "a staff user was created",
                    header: ["user", "roles", "teams", "password_set", "totp"], payload: "JSON: the header"),
                E(
                    EventType.Staff.roleGranted, stream: "`staff/<user>`", writer: staffWriter, meaning: "a role was granted to a user",
                    header: ["user", "role"], payload: "JSON: the header"),
                E(
                    EventType.Staff.roleRevoked, stream: "`staff/<user>`", writer: staffWriter, meaning: "a role was revoked from a user",
                    header: ["user", "role"], payload: "JSON: the header"),
                E(
                    EventType.Staff.teamJoined, stream: "`staff/<user>`", writer: staffWriter, meaning: "a user joined a team",
                    header: ["user", "team"], payload: "JSON: the header"),
                E(
                    EventType.Staff.teamLeft, stream: "`staff/<user>`", writer: staffWriter, meaning: "a user left a team",
                    header: ["user", "team"], payload: "JSON: the header"),
                E(
                    EventType.Staff.passwordSet, stream: "`staff/<user>`", writer: staffWriter,
                    meaning: "a user's password was set (never the password)", header: ["user"], payload: "JSON: the header"),
                E(
                    EventType.Staff.totpEnrolled, stream: "`staff/<user>`", writer: staffWriter,
                    meaning: "a user enrolled TOTP (never the secret)", header: ["user"], payload: "JSON: the header"),
                E(
                    EventType.Staff.clearanceGranted, stream: "`staff/<user>`", writer: staffWriter,
                    meaning: "a user's content clearance was set, with the reason", header: ["user", "clearance", "reason"],
                    payload: "JSON: the header"),
                E(
                    EventType.Staff.tokenIssued, stream: "`staff/<user>`", writer: staffWriter,
                    meaning: "an API token was issued (never the token)", header: ["user", "token_id", "scopes", "expires_at_us"],
                    payload: "JSON: the header"),
                E(
                    EventType.Staff.tokenRevoked, stream: "`staff/<user>`", writer: staffWriter, meaning: "an API token was revoked",
                    header: ["user", "token_id"], payload: "JSON: the header"),
                E(
                    EventType.Staff.loginSucceeded, stream: "`staff/<user>`", writer: "Access, staff sign-in; actor `staff:<name>`",
                    meaning: "a user signed in", header: ["user", "session", "second_factor"], payload: "JSON: the header"),
                E(
                    EventType.Staff.loginFailed, stream: "`staff/<user>` (`staff/-invalid-name-` for an invalid name)",
                    writer: "Access, staff sign-in; actor `anonymous`", meaning: "a sign-in was refused, with the reason",
                    header: ["user", "reason", "suppressed_before?"], payload: "JSON: the header"),
                E(
                    EventType.Staff.sessionEnded, stream: "`staff/<user>`", writer: "Access, staff sign-in; actor `staff:<name>`",
                    meaning: "a user signed out", header: ["user", "session"], payload: "JSON: the header"),
            ]),
        EventFamily(
            "Access log", reference: "access.md#read-audit",
            events: [
                E(
                    EventType.Access.viewed, stream: "`access/<user>`", writer: "Access, the access auditor (HTTP routes); actor the user",
                    meaning: "a staff member was shown content, notes, search results or a download",
                    header: ["user", "action", "route", "records", "credential", "masked?", "reason?", "break_glass?"],
                    payload: "JSON: the header and the `query?`"),
                E(
                    EventType.Access.denied, stream: "`access/<user>`", writer: "Access, the access auditor (HTTP routes); actor the user",
                    meaning: "a content route was refused to an authenticated staff member",
                    header: ["user", "action", "route", "records", "credential", "masked?", "reason?", "break_glass?"],
                    payload: "JSON: the header and the `query?`"),
            ]),
        EventFamily(
            "Integrations", reference: "operations.md#pointing-an-existing-integration-at-recordkeeper-the-recording-proxy",
            events: [
                E(
                    EventType.Integration.added, stream: "`config/integrations`",
                    writer: "Access, the integration registry; actor the operator",
                    meaning: "an integration was added and its token shown once", header: ["name", "token_id"],
                    payload: "JSON: the header and `created_at_us`"),
                E(
                    EventType.Integration.revoked, stream: "`config/integrations`",
                    writer: "Access, the integration registry; actor the operator",
                    meaning: "an integration's token no longer opens the proxy", header: ["name", "token_id"],
                    payload: "JSON: the header, `created_at_us` and `revoked_at_us`"),
            ]),
        EventFamily(
            "Classification", reference: "classification.md#recordclassified",
            events: [
                E(
                    EventType.Classification.classified, stream: "the classified message's stream",
                    writer: "Classification, the classifier worker (`system:classifier`), or a staff override (`staff:<name>`)",
                    meaning: "a message's sensitive-data category was decided",
                    header: [
                        "target_position", "category", "reasons", "detector_version", "source", "previous_category?", "reason?",
                    ],
                    payload: "JSON: the header")
            ]),
        EventFamily(
            "Team inbox", reference: "api.md#team-inbox-inbox",
            events: [
                E(
                    EventType.Inbox.routed, stream: "`inbox/<conversation id>`",
                    writer: "Inbox, the router (`system:router`) or staff (`staff:<name>`)",
                    meaning: "a conversation was routed (or transferred) to a team; it is open",
                    header: ["conversation", "team", "rule", "previous_team?"], payload: "JSON: the header"),
                E(
                    EventType.Inbox.assigned, stream: "`inbox/<conversation id>`", writer: inboxWriter,
                    meaning: "a conversation was assigned, or unassigned", header: ["conversation", "team", "assignee"],
                    payload: "JSON: the header"),
                E(
                    EventType.Inbox.pending, stream: "`inbox/<conversation id>`", writer: inboxWriter,
                    meaning: "a conversation was set pending", header: ["conversation"], payload: "JSON: the header"),
                E(
                    EventType.Inbox.closed, stream: "`inbox/<conversation id>`", writer: inboxWriter, meaning: "a conversation was closed",
                    header: ["conversation"], payload: "JSON: the header"),
                E(
                    EventType.Inbox.reopened, stream: "`inbox/<conversation id>`",
                    writer: "Inbox, the router (`system:router`, the citizen wrote again) or staff (`staff:<name>`)",
                    meaning: "a conversation was reopened", header: ["conversation", "automatic", "message_position?"],
                    payload: "JSON: the header"),
                E(
                    EventType.Inbox.noteAdded, stream: "`inbox/<conversation id>`", writer: inboxWriter,
                    meaning: "a note was added to a conversation", header: ["conversation", "note_id"],
                    payload: "JSON: the header and the note's `text`"),
                E(
                    EventType.Inbox.readMarked, stream: "`inbox/<conversation id>`", writer: inboxWriter,
                    meaning: "a user read a conversation up to a ledger position", header: ["conversation", "user", "position"],
                    payload: "JSON: the header"),
                E(
                    EventType.Inbox.routingRulesSet, stream: "`routing/rules`", writer: inboxWriter, meaning: "the routing rules were set",
                    header: ["rules", "default_team", "timezone"], payload: "JSON: the whole rule set"),
            ]),
        EventFamily(
            "Automation", reference: "operations.md#automation",
            events: [
                E(
                    EventType.Automation.rulesSet, stream: "`config/automation`", writer: "Inbox, the automation API; actor the caller",
                    meaning: "the automation rule set was set", header: ["rules", "enabled"],
                    payload: "JSON: the whole rule set (rules, business hours, reply texts)")
            ]),
        EventFamily(
            "Retention schedules", reference: "records-officer.md#loading-a-catalog",
            events: [
                E(
                    EventType.Retention.catalogLoaded, stream: "`config/retention`",
                    writer: "Retention, `recordkeeper retention load`; actor `cli:<user>`",
                    meaning: "a version of the retention schedule catalog was loaded (series added, or superseded by a new revision)",
                    header: ["name", "version", "digest", "series", "supersedes"],
                    payload: "JSON: the whole catalog (every series with its retention, trigger, final action, designation)")
            ]),
        EventFamily(
            "Disposition", reference: "records-officer.md#disposition",
            events: [
                E(
                    EventType.Retention.dispositionListed, stream: "`retention/disposition`",
                    writer: "Retention, `recordkeeper retention disposition run`; actor `cli:<user>`",
                    meaning: "an eligibility run listed one series' records that met their retention, for destruction or for transfer",
                    header: ["list", "series", "action", "records", "digest"],
                    payload: "JSON: the header, `record_ids` (sorted; the digest is their SHA-256 joined by newlines) and `review`"),
                E(
                    EventType.Retention.dispositionReviewed, stream: "`retention/disposition`",
                    writer: "Retention, `recordkeeper retention disposition review`; actor `cli:<user>`",
                    meaning: "a records officer excluded, deferred or confirmed records of a disposition list",
                    header: ["list", "decision", "records"], payload: "JSON: the header, `record_ids`, `reason`, `until` (deferrals)"),
                E(
                    EventType.Retention.dispositionApproved, stream: "`retention/disposition`",
                    writer: "Retention, `recordkeeper retention disposition approve`; actor `cli:<user>` (a records officer)",
                    meaning: "a records officer approved a disposition list (approval n of the m its series needs)",
                    header: ["list", "approval", "required"], payload: "JSON: the header"),
                E(
                    EventType.Retention.recordsTransferred, stream: "`retention/disposition`",
                    writer: "Retention, `recordkeeper retention disposition transfer`; actor `cli:<user>`",
                    meaning:
                        "the records of an approved transfer list were transferred to the archives; `package_manifest_sha256` names the transfer package handed over (`recordkeeper retention disposition package`), when one was produced",
                    header: ["list", "records", "data_key_ids", "archives", "package_manifest_sha256?"],
                    payload: "JSON: the header, `record_ids`, `reference`"),
            ]),
        EventFamily(
            "Retention filing", reference: "records-officer.md#filing-records-into-series",
            events: [
                E(
                    EventType.Retention.filingRulesSet, stream: "`config/retention-filing`",
                    writer: "Retention, `recordkeeper retention rules load`; actor `cli:<user>`",
                    meaning: "the filing rules were set (every rule's series checked against the catalog in force)",
                    header: ["rules", "digest"], payload: "JSON: the whole rule set (transitory phrases, rules in order with their conditions)"),
                E(
                    EventType.Retention.recordScheduled, stream: "`retention/filing`",
                    writer: "Retention: the filer (`system:filer`; `rule`, `default`), `retention file` (`cli:<user>`; `manual`)",
                    meaning: "a record (a month of one conversation stream) was filed into a series", header: ["record", "series", "source", "rule"],
                    payload: "JSON: the header, with the reason of a filing by hand or the `message_position` that decided it"),
            ]),
        EventFamily(
            "Legal holds", reference: "records-officer.md#legal-holds",
            events: [
                E(
                    EventType.Retention.holdPlaced, stream: "`retention/holds`",
                    writer: "Retention, `recordkeeper retention holds place`; actor `cli:<user>`",
                    meaning: "a legal hold was placed: destruction of every record in its scope stops until it is released",
                    header: ["hold", "type", "role", "scope"],
                    payload:
                        "JSON: the header with `matter`, `custodian`, `reason` and the `scope` values (conversations, citizen keys, business numbers, teams, from, to)"
                ),
                E(
                    EventType.Retention.holdReleased, stream: "`retention/holds`",
                    writer: "Retention, `recordkeeper retention holds release`; actor `cli:<user>`",
                    meaning: "a legal hold was released by the role that placed it or a records officer", header: ["hold", "role"],
                    payload: "JSON: the header with the `reason`"),
            ]),
        EventFamily(
            "Lawful destruction", reference: "ledger-format.md#9-lawful-destruction",
            events: [
                E(
                    EventType.Destruction.recordDestroyed, stream: "`retention/destruction`",
                    writer: "Retention, `recordkeeper retention destroy` (the destruction run); actor `cli:<user>`",
                    meaning: "authorises destroying the data keys it names (one per record of an approved disposition list); the database door checks it",
                    header: ["data_key_ids", "records", "list", "series", "dan", "revision", "approvals", "method"],
                    payload: "JSON: the record ids, the approvers, the list and series"),
                E(
                    EventType.Retention.destructionHalted, stream: "`retention/destruction`",
                    writer: "Retention, `recordkeeper retention destroy` finishing an interrupted run; actor `cli:<user>`",
                    meaning: "records a `record.destroyed` named were kept: a legal hold placed before the run was finished covers them",
                    header: ["authorisation", "data_key_ids", "holds"], payload: "JSON: the header"),
            ]),
        EventFamily(
            "Public-records requests", reference: "public-records.md#events",
            events: [
                E(
                    EventType.Requests.received, stream: requestStream, writer: requestWriter("open"),
                    meaning: "a public-records request was received: numbered `PRR-<year>-<n>` per ledger, its 5-business-day due date computed",
                    header: ["request", "status", "channel", "received_at", "due_date", "time_zone"],
                    payload:
                        "JSON: the header with `requester` (`name`, `contact`; only when given), the request `text` verbatim and the due date's `explanation` (each day from receipt to due, counted or skipped and why)"
                ),
                E(
                    EventType.Requests.acknowledged, stream: requestStream, writer: requestWriter("acknowledge"),
                    meaning: "the request was acknowledged with a reasonable estimate of when records will be provided",
                    header: ["request", "status", "estimate_date"], payload: "JSON: the header with the estimate's `reason`"),
                E(
                    EventType.Requests.estimateRevised, stream: requestStream, writer: requestWriter("estimate"),
                    meaning: "the estimate was revised", header: ["request", "status", "estimate_date", "previous_estimate_date"],
                    payload: "JSON: the header with the `reason` (required)"),
                E(
                    EventType.Requests.clarificationRequested, stream: requestStream, writer: requestWriter("clarify"),
                    meaning: "the requester was asked to clarify; the request waits for them (closable as abandoned after `respond_by`)",
                    header: ["request", "status", "respond_by"], payload: "JSON: the header with the `question`"),
                E(
                    EventType.Requests.clarificationAnswered, stream: requestStream, writer: requestWriter("answer"),
                    meaning: "the requester answered the clarification; work resumes", header: ["request", "status"],
                    payload: "JSON: the header with the `answer`"),
                E(
                    EventType.Requests.statusChanged, stream: requestStream, writer: requestWriter("status"),
                    meaning: "the status changed (in progress, installment produced, waiting for requester) by an allowed transition",
                    header: ["request", "from", "status"], payload: "JSON: the header with a `note` (for an installment: what was provided)"),
                E(
                    EventType.Requests.closed, stream: requestStream, writer: requestWriter("close` or `withdraw"),
                    meaning: "the request was closed, withdrawn or abandoned, with a reason", header: ["request", "status", "reason"],
                    payload: "JSON: the header with a `note`, the records `produced` and the records `withheld` and why"),
                E(
                    EventType.Requests.appealed, stream: requestStream, writer: requestWriter("appeal"),
                    meaning: "the requester asked for a review of the agency's response", header: ["request", "status"],
                    payload: "JSON: the header with the `grounds`"),
                E(
                    EventType.Requests.appealDecided, stream: requestStream, writer: requestWriter("review"),
                    meaning: "the review was decided (affirmed, reversed, partially reversed); a reversal reopens a closed request",
                    header: ["request", "status", "outcome"], payload: "JSON: the header with the `explanation`"),
                E(
                    EventType.Requests.feeAssessed, stream: requestStream, writer: requestWriter("fee --assess"),
                    meaning: "a fee was assessed, with the deposit asked for (amounts in cents)",
                    header: ["request", "status", "amount_cents", "deposit_cents"], payload: "JSON: the header with the `basis`"),
                E(
                    EventType.Requests.depositPaid, stream: requestStream, writer: requestWriter("fee --paid"),
                    meaning: "the requester paid (part of) the deposit or fee (amounts in cents)", header: ["request", "status", "amount_cents", "paid_cents"],
                    payload: "JSON: the header with a `note`"),
                E(
                    EventType.Requests.searchRun, stream: requestStream, writer: requestWriter("search"),
                    meaning:
                        "a search was run for the request: its result set committed to by count and `result_sha256` (SHA-256 over the sorted positions, one `\"<position>\\n\"` line each); `filters` names the filters used, never their values; `holds` the public-records-request holds it placed",
                    header: ["request", "status", "search", "result_count", "result_sha256", "filters", "through", "holds"],
                    payload:
                        "JSON: the header with the filter `values` (citizen keys, business numbers, teams, agents, dates, words) and the `results` (each conversation id with its selected positions)"
                ),
            ]),
        EventFamily(
            "Export installments", reference: "public-records.md#installments",
            events: [
                E(
                    EventType.Exports.produced, stream: "\(requestStream), or `retention/disposition` for a transfer package",
                    writer:
                        "Requests, `recordkeeper export`; Transfers, `recordkeeper retention disposition package`; actor `cli:<user>` or `staff:<name>`",
                    meaning:
                        "an installment of the request was produced as an export bundle (docs/export-format.md), and the request's status becomes installment produced; or the transfer package of transfer list `list` (series, archives, records) was produced for the archives",
                    header: [
                        "request?", "status?", "installment?", "list?", "series?", "archives?", "file", "format", "manifest_sha256", "bundle_bytes",
                        "records?", "messages", "media?", "released?", "redacted?", "withheld?", "media_withheld?", "ledger", "checkpoint_size",
                    ],
                    payload: "JSON: the header with the officer's `summary` (the cover letter's or transmittal letter's text)"),
                E(
                    EventType.Access.exported, stream: "`access/<user>`",
                    writer: "Requests, `recordkeeper export`; Transfers, `recordkeeper retention disposition package`; actor the user",
                    meaning:
                        "a staff member exported records to a requester (an installment of a public-records request; `action` export) or for the archives (a transfer package; `action` transfer_package)",
                    header: ["user", "action", "request?", "installment?", "list?", "records", "messages?", "manifest_sha256"], payload: "JSON: the header"),
            ]),
        EventFamily(
            "Redactions", reference: "public-records.md#redaction",
            events: [
                E(
                    EventType.Redactions.applied, stream: requestStream, writer: requestWriter("redact"),
                    meaning:
                        "a span of a message (offsets in Unicode scalars), a whole message or a media file of the request's results was redacted under an exemption; it waits for review. The record itself is not altered",
                    header: [
                        "request", "status", "redaction", "message_position", "kind", "exemption", "citation", "span_start?", "span_length?", "media_id?",
                    ],
                    payload: "JSON: the header with the officer's record-specific `explanation` (RCW 42.56.210(3))"),
                E(
                    EventType.Redactions.withdrawn, stream: requestStream, writer: requestWriter("withdraw-redaction"),
                    meaning: "a redaction was withdrawn before release", header: ["request", "status", "redaction"],
                    payload: "JSON: the header with the `reason`"),
                E(
                    EventType.Redactions.reviewed, stream: requestStream, writer: requestWriter("review-redaction"),
                    meaning: "a request officer reviewed a redaction: `approved` (an installment may release the message with it) or `returned`",
                    header: ["request", "status", "redaction", "outcome"], payload: "JSON: the header with the `reason` of a return"),
            ]),
    ]

    private static let requestStream = "`requests/<request id>`"
    private static func requestWriter(_ command: String) -> String {
        "Requests, `recordkeeper requests \(command)`; actor `cli:<user>` or `staff:<name>`"
    }

    /// Every event type the code appends, in the order of docs/events.md.
    public static let all: [EventDefinition] = families.flatMap(\.events)

    /// The definition of `type`, or nil when it is not in the catalog.
    public static func definition(of type: String) -> EventDefinition? {
        all.first { $0.type == type }
    }

    /// The text of docs/events.md.
    public static func markdown() -> String {
        var lines = [
            "# Events",
            "",
            "<!-- Generated from Sources/Events/EventCatalog.swift: do not edit by hand. Regenerate with",
            "     RECORDKEEPER_WRITE_EVENTS_DOC=1 swift test --filter EventsTests -->",
            "",
            "Every event type the code appends to the ledger, from the one catalog in the `Events` module",
            "(`EventCatalog.all`, strings in `EventType`). The domain modules name their types through it, so",
            "each type string is written once. Each family links to the document that defines its events in",
            "full (dedupe keys, every header member's meaning, payload shapes).",
            "",
            "- **v**: the `\"v\"` member of the retained header (— when the header has none).",
            "- **retained header**: the header's members besides `\"v\"` (`name?`: only sometimes). The",
            "  header is kept for ever, in clear: it survives payload destruction and never holds content.",
            "- **payload**: what the payload holds. Every payload is encrypted at rest under its stream's",
            "  data key and may be destroyed lawfully (docs/ledger-format.md).",
            "",
            "\(all.count) event types in \(families.count) families.",
        ]
        for family in families {
            lines += [
                "", "## \(family.title)", "", "Defined in full in [\(family.document)](\(family.reference)).", "",
                "| type | v | stream | written by | meaning | retained header | payload |",
                "| --- | --- | --- | --- | --- | --- | --- |",
            ]
            for event in family.events {
                let header = event.header.isEmpty ? "—" : event.header.map { "`\($0)`" }.joined(separator: ", ")
                let cells = [
                    "`\(event.type)`", event.version.map(String.init) ?? "—", event.stream, event.writer, event.meaning, header, event.payload,
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
