import Access
import Classification
import HTTPTypes
import Inbox
import LedgerStore
import Messaging

/// The one mapping of domain errors to RFC 9457 problem details: what a handler lets through
/// is answered here (``OpenAPIErrorMiddleware`` and the hand-written routes).
extension ProblemDetails {
    /// The problem details of a domain error; nil for an error that is not about the request
    /// (answered 500 and logged).
    init?(domainError error: any Error) {
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
