/// The type string of every event the code appends, each written once, here. The domain modules'
/// constants (`StaffEvents.userCreated`, `InboxEventType.routed`, …) refer to these, and
/// ``EventCatalog/all`` describes each one (docs/events.md is generated from it).
public enum EventType {
    /// WhatsApp ingest, the media fetcher and the webhook relay (docs/whatsapp-ingest.md).
    public enum WhatsApp {
        /// A citizen's message arrived in a webhook delivery.
        public static let messageReceived = "whatsapp.message.received"
        /// A message status (sent, delivered, read, failed, …) arrived in a webhook delivery.
        public static let statusUpdated = "whatsapp.status.updated"
        /// A value-level error of a business number arrived in a webhook delivery.
        public static let errorReceived = "whatsapp.error.received"
        /// A change of another field than `messages` arrived in a webhook delivery.
        public static let notificationReceived = "whatsapp.notification.received"
        /// An authentic delivery that is not JSON or not of the expected shape.
        public static let webhookUnparsed = "whatsapp.webhook.unparsed"
        /// A delivery whose signature did not check.
        public static let webhookRejected = "whatsapp.webhook.rejected"
        /// A message's media bytes are archived.
        public static let mediaStored = "whatsapp.media.stored"
        /// One attempt at fetching a media failed; another is scheduled.
        public static let mediaFetchFailed = "whatsapp.media.fetch_failed"
        /// A media can never be archived.
        public static let mediaUnavailable = "whatsapp.media.unavailable"
        /// A delivery is queued for one webhook relay.
        public static let webhookRelayQueued = "whatsapp.webhook.relay_queued"
        /// One webhook relay attempt's outcome.
        public static let webhookRelayed = "whatsapp.webhook.relayed"
    }

    /// Outbound messages (docs/whatsapp-ingest.md, "Outbound messages").
    public enum Outbound {
        /// The exact Graph request body of a send, recorded before it goes to Meta.
        public static let sendRequested = "message.send.requested"
        /// Meta accepted a send.
        public static let sendAccepted = "message.send.accepted"
        /// A send failed for good.
        public static let sendFailed = "message.send.failed"
        /// One attempt at a send failed; it will be tried again.
        public static let sendAttemptFailed = "message.send.attempt_failed"

        /// Every outbound type.
        public static let all: Set<String> = [sendRequested, sendAccepted, sendFailed, sendAttemptFailed]
    }

    /// The recording proxy's media requests (docs/whatsapp-ingest.md, "The recording proxy's media requests").
    public enum ProxyMedia {
        /// An integration's media upload, recorded before it is forwarded.
        public static let uploadRequested = "media.upload.requested"
        /// Meta accepted an upload.
        public static let uploadAccepted = "media.upload.accepted"
        /// Meta refused an upload, or did not answer.
        public static let uploadFailed = "media.upload.failed"
        /// An integration asked for a media's URL.
        public static let metadataRequested = "media.metadata.requested"
        /// Meta answered a media lookup.
        public static let metadataAnswered = "media.metadata.answered"
        /// No answer came from Meta to a media lookup.
        public static let metadataFailed = "media.metadata.failed"
    }

    /// Webhook relay configuration (docs/whatsapp-ingest.md, "Webhook relay").
    public enum Relay {
        /// A relay was added or replaced.
        public static let configured = "relay.configured"
        /// A relay was removed.
        public static let removed = "relay.removed"
    }

    /// Staff administration and sign-in (docs/access.md, "Accounts and credentials").
    public enum Staff {
        /// A staff user was created.
        public static let userCreated = "staff.user.created"
        /// A role was granted to a user.
        public static let roleGranted = "staff.role.granted"
        /// A role was revoked from a user.
        public static let roleRevoked = "staff.role.revoked"
        /// A user joined a team.
        public static let teamJoined = "staff.team.joined"
        /// A user left a team.
        public static let teamLeft = "staff.team.left"
        /// A user's password was set.
        public static let passwordSet = "staff.password.set"
        /// A user enrolled TOTP.
        public static let totpEnrolled = "staff.totp.enrolled"
        /// A user's content clearance was set.
        public static let clearanceGranted = "staff.clearance.granted"
        /// An API token was issued to a user.
        public static let tokenIssued = "staff.token.issued"
        /// An API token was revoked.
        public static let tokenRevoked = "staff.token.revoked"
        /// A user signed in.
        public static let loginSucceeded = "staff.login.succeeded"
        /// A sign-in was refused.
        public static let loginFailed = "staff.login.failed"
        /// A user signed out.
        public static let sessionEnded = "staff.session.ended"
    }

    /// Staff access to content (docs/access.md, "Read audit").
    public enum Access {
        /// A staff member was shown content.
        public static let viewed = "access.viewed"
        /// A content route was refused to a staff member.
        public static let denied = "access.denied"
        /// Records were exported to a requester (an installment of a public-records request).
        public static let exported = "access.exported"
    }

    /// Integrations of the recording proxy (docs/operations.md, "Pointing an existing integration at Recordkeeper").
    public enum Integration {
        /// An integration was added and its token shown once.
        public static let added = "integration.added"
        /// An integration's token was revoked.
        public static let revoked = "integration.revoked"
    }

    /// Classification decisions (docs/classification.md).
    public enum Classification {
        /// A message's sensitive-data category was decided.
        public static let classified = "record.classified"
    }

    /// The team inbox (docs/api.md, "Team inbox").
    public enum Inbox {
        /// A conversation was routed to a team.
        public static let routed = "conversation.routed"
        /// A conversation was assigned or unassigned.
        public static let assigned = "conversation.assigned"
        /// A conversation was set pending.
        public static let pending = "conversation.pending"
        /// A conversation was closed.
        public static let closed = "conversation.closed"
        /// A conversation was reopened.
        public static let reopened = "conversation.reopened"
        /// A note was added to a conversation.
        public static let noteAdded = "note.added"
        /// A user read a conversation up to a position.
        public static let readMarked = "conversation.read_marked"
        /// The routing rules were set.
        public static let routingRulesSet = "routing.rules.set"
    }

    /// Automation (docs/operations.md, "Automation").
    public enum Automation {
        /// The automation rule set was set.
        public static let rulesSet = "automation.rules.set"
    }

    /// Retention schedules (docs/records-officer.md).
    public enum Retention {
        /// A version of the retention schedule catalog was loaded.
        public static let catalogLoaded = "retention.catalog.loaded"
        /// The filing rules were set.
        public static let filingRulesSet = "retention.filing_rules.set"
        /// A record was filed into a series (by a rule, by default, or by hand with a reason).
        public static let recordScheduled = "record.scheduled"
        /// A legal hold was placed.
        public static let holdPlaced = "retention.hold.placed"
        /// A legal hold was released.
        public static let holdReleased = "retention.hold.released"
        /// An eligibility run listed a series' records that met their retention.
        public static let dispositionListed = "retention.disposition.listed"
        /// A records officer excluded or deferred records of a disposition list.
        public static let dispositionReviewed = "retention.disposition.reviewed"
        /// A records officer approved a disposition list (one of two when the series needs two).
        public static let dispositionApproved = "retention.disposition.approved"
        /// Records of an archival series were transferred to the archives.
        public static let recordsTransferred = "records.transferred"
        /// An authorised destruction was not carried out (a hold placed after its authorisation).
        public static let destructionHalted = "retention.destruction.halted"
    }

    /// Lawful destruction (docs/ledger-format.md, "Lawful destruction").
    public enum Destruction {
        /// Authorises destroying data keys (lawful destruction).
        public static let recordDestroyed = "record.destroyed"
    }

    /// Public-records requests (docs/public-records.md, "Events").
    public enum Requests {
        /// A public-records request was received (numbered `PRR-<year>-<n>`, due date computed).
        public static let received = "request.received"
        /// The request was acknowledged with an estimate of when records will be provided.
        public static let acknowledged = "request.acknowledged"
        /// The estimate was revised, with a reason.
        public static let estimateRevised = "request.estimate_revised"
        /// The requester was asked to clarify the request.
        public static let clarificationRequested = "request.clarification_requested"
        /// The requester answered a clarification.
        public static let clarificationAnswered = "request.clarification_answered"
        /// The request's status changed (in progress, installment produced, waiting for requester).
        public static let statusChanged = "request.status_changed"
        /// The request was closed, withdrawn or abandoned, with a reason.
        public static let closed = "request.closed"
        /// The requester asked for a review (appeal) of the agency's response.
        public static let appealed = "request.appealed"
        /// The review of an appeal was decided.
        public static let appealDecided = "request.appeal_decided"
        /// A fee (and a deposit asked for) was assessed.
        public static let feeAssessed = "request.fee_assessed"
        /// The requester paid (part of) a deposit or fee.
        public static let depositPaid = "request.deposit_paid"
        /// A search was run for the request: its result set committed to by count and SHA-256.
        public static let searchRun = "request.search.run"
    }

    /// Redactions of a public-records request's responsive records (docs/public-records.md, "Redaction").
    public enum Redactions {
        /// A span of a message, a whole message or a media file was redacted under an exemption.
        public static let applied = "redaction.applied"
        /// A redaction was withdrawn before release, with a reason.
        public static let withdrawn = "redaction.withdrawn"
        /// A request officer reviewed a redaction: approved, or returned with a reason.
        public static let reviewed = "redaction.reviewed"
    }

    /// Export bundles of public-records requests (docs/public-records.md, "Installments").
    public enum Exports {
        /// An installment of a request was produced as an export bundle.
        public static let produced = "export.produced"
    }
}
