import Access
import Classification
import Deadlines
import Disposition
import HTTPTypes
import Inbox
import LedgerStore
import Messaging
import Requests
import Retention

/// The one mapping of domain errors to RFC 9457 problem details: what a handler lets through
/// is answered here (by `Server`'s `OpenAPIErrorMiddleware` and hand-written routes).
extension ProblemDetails {
    /// The problem details of a domain error; nil for an error that is not about the request
    /// (answered 500 and logged).
    public init?(domainError error: any Error) {
        switch error {
        case let error as StaffError: self.init(error)
        case let error as SignInRefusal: self.init(error)
        case let busy as PasswordChecksBusy:
            self.init(
                status: .tooManyRequests, code: "sign_in_busy", title: "Too many sign-ins", detail: busy.description, retryAfterSeconds: busy.retryAfterSeconds)
        case let error as SendRequestError: self.init(error)
        case let error as ContentSearchError: self.init(error)
        case let error as InboxCommandError: self.init(error)
        case let error as RoutingRulesError: self.init(error)
        case let error as AutomationRuleError:
            self.init(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid automation rules", detail: error.reason,
                extensions: ["field": error.field])
        case let error as AnalyticsRequestError:
            self.init(status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: error.description, extensions: ["field": error.field])
        case let error as ClassificationOverrideError: self.init(error)
        case let error as RetentionFilingError: self.init(error)
        case let error as LegalHoldError: self.init(error)
        case let error as DispositionError: self.init(error)
        case let error as DestructionCertificateError: self.init(error)
        case let error as RecordsRequestError: self.init(error)
        case let error as RedactionError: self.init(error)
        case let error as InstallmentError: self.init(error)
        case let error as ExportSettingsError:
            self.init(status: .serviceUnavailable, code: "exports_unavailable", title: "Exports unavailable", detail: error.description)
        case let error as InstallmentBundleError:
            self.init(status: .gone, code: "bundle_missing", title: "Bundle missing", detail: error.description)
        case let error as ExemptionListError: self.init(error)
        case let error as HolidayCalendarError:
            self.init(status: .serviceUnavailable, code: "clock_misconfigured", title: "Clock settings unusable", detail: error.description)
        case let error as ConversationQueryError:
            self.init(status: .badRequest, code: "invalid_cursor", title: "Invalid cursor", detail: error.description)
        case let error as LedgerStoreError:
            switch error {
            case .ledgerNotFound:
                self.init(status: .notFound, code: "no_ledger", title: "No such ledger", detail: error.description)
            case .treeSizeBeyondHead, .positionOutOfRange, .invalidArgument:
                self.init(status: .unprocessableContent, code: "out_of_range", title: "Out of range", detail: error.description)
            default:
                return nil
            }
        default:
            return nil
        }
    }

    // MARK: Requests (docs/api.md, "Requests"): every refusal writes nothing.

    /// A refused request action: 403 a role that may not, 404 no such request (or a path that
    /// names none), 409 a step the request's state does not allow, 422 bad input, 503 busy.
    init(_ error: RecordsRequestError) {
        let detail = error.description
        switch error {
        case .notAllowed: self.init(status: .forbidden, code: "role_not_allowed", title: "Not for your role", detail: detail)
        case .missing(let field):
            self.init(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: detail, extensions: ["field": field])
        case .unknownRequest: self.init(status: .notFound, code: "unknown_request", title: "No such request", detail: detail)
        case .malformedID: self.init(status: .notFound, code: "invalid_request_id", title: "Not a request id", detail: detail)
        case .receivedInFuture: self.init(status: .unprocessableContent, code: "received_in_future", title: "Received in the future", detail: detail)
        case .notAllowedInStatus: self.init(status: .conflict, code: "status_conflict", title: "Not in this status", detail: detail)
        case .transitionRefused: self.init(status: .conflict, code: "transition_refused", title: "Transition refused", detail: detail)
        case .estimateInPast: self.init(status: .unprocessableContent, code: "estimate_in_past", title: "Estimate in the past", detail: detail)
        case .estimateUnchanged: self.init(status: .conflict, code: "estimate_unchanged", title: "Estimate unchanged", detail: detail)
        case .alreadyAcknowledged: self.init(status: .conflict, code: "already_acknowledged", title: "Already acknowledged", detail: detail)
        case .noEstimate: self.init(status: .conflict, code: "no_estimate", title: "No estimate", detail: detail)
        case .abandonedTooSoon: self.init(status: .conflict, code: "abandoned_too_soon", title: "Too soon to abandon", detail: detail)
        case .invalidAmount: self.init(status: .unprocessableContent, code: "invalid_amount", title: "Invalid amount", detail: detail)
        case .appealState(_, true): self.init(status: .conflict, code: "appeal_pending", title: "Appeal pending", detail: detail)
        case .appealState(_, false): self.init(status: .conflict, code: "no_appeal", title: "No appeal pending", detail: detail)
        case .numberingContention:
            self.init(status: .conflict, code: "numbering_contention", title: "Numbered concurrently", detail: detail)
        case .busy: self.init(status: .serviceUnavailable, code: "requests_busy", title: "Requests busy", detail: detail)
        }
    }

    // MARK: Retention (docs/api.md, "Retention"): every refusal writes nothing.

    /// A refused filing by hand: 404 no such record, 409 no catalog or a destroyed record, 422
    /// a bad record id, series or reason.
    init(_ error: RetentionFilingError) {
        switch error {
        case .notARecord: self.init(status: .unprocessableContent, code: "invalid_record", title: "Not a record", detail: error.description)
        case .unknownRecord: self.init(status: .notFound, code: "unknown_record", title: "No such record", detail: error.description)
        case .noCatalog: self.init(status: .conflict, code: "no_catalog", title: "No catalog", detail: error.description)
        case .unknownSeries: self.init(status: .unprocessableContent, code: "unknown_series", title: "Unknown series", detail: error.description)
        case .supersededSeries:
            self.init(status: .unprocessableContent, code: "superseded_series", title: "Superseded series", detail: error.description)
        case .emptyReason: self.init(status: .unprocessableContent, code: "missing_reason", title: "No reason", detail: error.description)
        case .destroyed: self.init(status: .conflict, code: "record_destroyed", title: "Record destroyed", detail: error.description)
        }
    }

    /// A refused legal hold: 404 no such hold, 403 a release by another role, 409 released or
    /// placed concurrently, 422 a bad request, 503 the holds projection behind.
    init(_ error: LegalHoldError) {
        switch error {
        case .emptyScope: self.init(status: .unprocessableContent, code: "empty_scope", title: "Empty scope", detail: error.description)
        case .missing(let field):
            self.init(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description, extensions: ["field": field])
        case .invalidCitizen: self.init(status: .unprocessableContent, code: "invalid_citizen", title: "Not a citizen", detail: error.description)
        case .emptyDateRange:
            self.init(status: .unprocessableContent, code: "empty_date_range", title: "Empty date range", detail: error.description)
        case .invalidRole: self.init(status: .unprocessableContent, code: "invalid_role", title: "Not a role", detail: error.description)
        case .unknownHold: self.init(status: .notFound, code: "unknown_hold", title: "No such hold", detail: error.description)
        case .alreadyReleased: self.init(status: .conflict, code: "already_released", title: "Already released", detail: error.description)
        case .releaseNotAllowed:
            self.init(status: .forbidden, code: "release_not_allowed", title: "Placed by another role", detail: error.description)
        case .concurrentPlacement:
            self.init(status: .conflict, code: "concurrent_placement", title: "Placed concurrently", detail: error.description)
        case .holdsNotProjected:
            self.init(status: .serviceUnavailable, code: "holds_not_projected", title: "Holds not current", detail: error.description)
        }
    }

    /// A refused disposition step: 404 no such list, 403 a role that may not, 409 a list not in
    /// the state the step needs, 422 a bad record, reason, date or series.
    init(_ error: DispositionError) {
        let (status, code, title): (HTTPResponse.Status, String, String) =
            switch error {
            case .unknownList: (.notFound, "unknown_list", "No such list")
            case .roleNotAllowed: (.forbidden, "role_not_allowed", "Not a records officer")
            case .notApproved: (.conflict, "not_approved", "Not approved")
            case .transferList: (.conflict, "transfer_list", "A transfer list")
            case .notTransferList: (.conflict, "not_transfer_list", "Not a transfer list")
            case .alreadyDestroyed: (.conflict, "already_destroyed", "Already destroyed")
            case .alreadyTransferred: (.conflict, "already_transferred", "Already transferred")
            case .nothingLeft: (.conflict, "nothing_left", "Nothing left")
            case .undecided: (.conflict, "undecided", "Records undecided")
            case .sameApprover: (.conflict, "same_approver", "Same approver")
            case .alreadyApproved: (.conflict, "already_approved", "Already approved")
            case .confirmNotNeeded: (.conflict, "confirm_not_needed", "No confirmation needed")
            case .notOnList: (.unprocessableContent, "not_on_list", "Not on the list")
            case .invalidRecord: (.unprocessableContent, "invalid_record", "Not a record")
            case .missingReason: (.unprocessableContent, "missing_reason", "No reason")
            case .deferralNotLater: (.unprocessableContent, "deferral_not_later", "Deferral not later")
            case .unknownSeries: (.unprocessableContent, "unknown_series", "Unknown series")
            case .missingTransferDetail: (.unprocessableContent, "invalid_field", "Invalid field")
            }
        self.init(status: status, code: code, title: title, detail: error.description)
    }

    /// A certificate that cannot be made: 404 no such list or authority, 409 a transfer list or
    /// a list not destroyed yet.
    init(_ error: DestructionCertificateError) {
        switch error {
        case .unknownList: self.init(status: .notFound, code: "unknown_list", title: "No such list", detail: error.description)
        case .notAnAuthority: self.init(status: .notFound, code: "not_an_authority", title: "No such authority", detail: error.description)
        case .transferList: self.init(status: .conflict, code: "transfer_list", title: "A transfer list", detail: error.description)
        case .notDestroyed: self.init(status: .conflict, code: "not_destroyed", title: "Not destroyed", detail: error.description)
        }
    }

    /// A refused routing rule set: 400 not JSON, 422 a bad field (named in `field`).
    init(_ error: RoutingRulesError) {
        switch error {
        case .notJSON: self.init(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: error.description)
        case .invalid(let field, _):
            self.init(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid routing rules", detail: error.description, extensions: ["field": field])
        }
    }

    /// An ``InboxCommandError``: 400 not JSON, 422 a bad field (named in `field`), 403 a change
    /// the caller's roles do not allow.
    init(_ error: InboxCommandError) {
        switch error {
        case .notJSON:
            self.init(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: error.description)
        case .invalid(let field, _):
            self.init(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description, extensions: ["field": field])
        case .notAllowed:
            self.init(status: .forbidden, code: "assignment_not_allowed", title: "Not allowed", detail: error.description)
        }
    }

    /// A refused classification change: 404 no such message, 422 no reason (`field`: `reason`).
    init(_ error: ClassificationOverrideError) {
        switch error {
        case .noMessage: self.init(status: .notFound, code: "no_message", title: "No such message", detail: error.description)
        case .missingReason:
            self.init(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description, extensions: ["field": "reason"])
        }
    }

    /// The problem details of a refused staff change.
    init(_ error: StaffError) {
        switch error {
        case .noSuchUser, .noSuchToken:
            self.init(status: .notFound, code: "not_found", title: "Not found", detail: error.description)
        case .alreadyExists:
            self.init(status: .conflict, code: "already_exists", title: "Already exists", detail: error.description)
        case .notRecorded:
            self.init(status: .serviceUnavailable, code: "not_recorded", title: "Not recorded", detail: error.description)
        case .masterKeyRequired:
            self.init(status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: error.description)
        case .ownAccount:
            self.init(status: .forbidden, code: "self_change_forbidden", title: "Own account", detail: error.description)
        case .invalidName, .invalidTeam, .weakPassword, .noRoles, .invalidClearance, .invalidExpiry, .scopeNotHeld:
            self.init(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: error.description)
        }
    }

    /// The problem details of a refused sign-in.
    init(_ refusal: SignInRefusal) {
        switch refusal {
        case .invalidCredentials:
            self.init(status: .unauthorized, code: "invalid_credentials", title: "Sign-in refused", detail: refusal.description)
        case .totpRequired:
            self.init(status: .unauthorized, code: "totp_required", title: "Second factor required", detail: refusal.description)
        case .invalidTOTP:
            self.init(status: .unauthorized, code: "invalid_totp", title: "Second factor refused", detail: refusal.description)
        case .mfaNotEnrolled:
            self.init(status: .forbidden, code: "mfa_not_enrolled", title: "Second factor not enrolled", detail: refusal.description)
        case .lockedOut(let seconds):
            self.init(status: .tooManyRequests, code: "locked_out", title: "Too many attempts", detail: refusal.description, retryAfterSeconds: seconds)
        }
    }

    /// The problem details of a refused send request.
    init(_ error: SendRequestError) {
        switch error {
        case let .invalid(field, _):
            self.init(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid send request", detail: error.description, extensions: ["field": field])
        case .windowClosed(let closedAt):
            var extensions: [String: String] = [:]
            if let closedAt { extensions["window_closed_at"] = RFC3339.format(closedAt) }
            self.init(
                status: .unprocessableContent, code: "window_closed", title: "Customer-service window closed", detail: error.description,
                extensions: extensions)
        case .notJSON:
            self.init(status: .badRequest, code: "invalid_json", title: "Not JSON", detail: error.description)
        case .noConversation:
            self = .noConversation
        case .idempotencyKeyReused:
            self.init(status: .unprocessableContent, code: "idempotency_key_reused", title: "Idempotency-Key reused", detail: error.description)
        }
    }

    init(_ error: ContentSearchError) {
        switch error {
        case .noTerms, .queryTooLong:
            self.init(status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: error.description, extensions: ["field": "q"])
        case .invalidCursor:
            self.init(status: .badRequest, code: "invalid_cursor", title: "Invalid cursor", detail: error.description)
        case .unavailable:
            self.init(status: .serviceUnavailable, code: "search_unavailable", title: "Search unavailable", detail: error.description)
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
