import HTTPTypes
import Requests

// The answers to refused redactions and installments (docs/api.md, "Requests"): every refusal
// writes nothing. ``ProblemDetails/init(domainError:)`` dispatches to these.
extension ProblemDetails {
    /// A refused redaction action: 400 what the caller gave is wrong (an exemption not on the
    /// list, an explanation empty or boilerplate, a span outside the text, a position or media
    /// that is not one), 404 no such search or redaction, 409 what the request or redaction's
    /// state does not allow, 503 an explanation that can no longer be read.
    init(_ error: RedactionError) {
        let detail = error.description
        switch error {
        case .unknownExemption(let code, _):
            self.init(
                status: .badRequest, code: "unknown_exemption", title: "Unknown exemption", detail: detail,
                extensions: ["field": "exemption", "exemption": code])
        case .explanationMissing:
            self.init(status: .badRequest, code: "explanation_missing", title: "Explanation missing", detail: detail, extensions: ["field": "explanation"])
        case .explanationBoilerplate:
            self.init(
                status: .badRequest, code: "explanation_boilerplate", title: "Explanation only boilerplate", detail: detail,
                extensions: ["field": "explanation"])
        case .notAMessage: self.init(status: .badRequest, code: "not_a_message", title: "Not a message", detail: detail)
        case .notInResults: self.init(status: .badRequest, code: "not_in_results", title: "Not in the results", detail: detail)
        case .noSuchSearch: self.init(status: .notFound, code: "unknown_search", title: "No such search", detail: detail)
        case .textUnavailable: self.init(status: .badRequest, code: "text_unavailable", title: "Text unavailable", detail: detail)
        case .spanOutside: self.init(status: .badRequest, code: "span_outside_text", title: "Span outside the text", detail: detail)
        case .overlaps: self.init(status: .conflict, code: "redaction_overlaps", title: "Redactions overlap", detail: detail)
        case .noSuchMedia: self.init(status: .badRequest, code: "no_such_media", title: "No such media", detail: detail, extensions: ["field": "media_id"])
        case .requestClosed: self.init(status: .conflict, code: "request_closed", title: "Request closed", detail: detail)
        case .unknownRedaction: self.init(status: .notFound, code: "unknown_redaction", title: "No such redaction", detail: detail)
        case .wrongState: self.init(status: .conflict, code: "redaction_state", title: "Not in this state", detail: detail)
        case .reasonMissing: self.init(status: .badRequest, code: "reason_missing", title: "Reason missing", detail: detail, extensions: ["field": "reason"])
        case .explanationUnavailable:
            self.init(status: .serviceUnavailable, code: "explanation_unavailable", title: "Explanation unavailable", detail: detail)
        }
    }

    /// A refused installment: 400 nothing (or not messages) selected or content that cannot be
    /// released, 403 a role that may not, 404 no such request, 409 a final request, redactions
    /// not reviewed or another installment meanwhile, 503 no signing key or a bundle not written.
    init(_ error: InstallmentError) {
        let detail = error.description
        switch error {
        case .notAllowed: self.init(status: .forbidden, code: "role_not_allowed", title: "Not for your role", detail: detail)
        case .malformedID: self.init(status: .notFound, code: "invalid_request_id", title: "Not a request id", detail: detail)
        case .unknownRequest: self.init(status: .notFound, code: "unknown_request", title: "No such request", detail: detail)
        case .requestFinal: self.init(status: .conflict, code: "request_closed", title: "Request closed", detail: detail)
        case .noMessages: self.init(status: .badRequest, code: "no_messages", title: "No messages", detail: detail)
        case .notMessages: self.init(status: .badRequest, code: "not_messages", title: "Not messages", detail: detail)
        case .contentUnavailable: self.init(status: .badRequest, code: "content_unavailable", title: "Content unavailable", detail: detail)
        case .invalidRedaction, .decisionOutsideExport:
            self.init(status: .badRequest, code: "invalid_redaction", title: "Redaction does not fit", detail: detail)
        case .unreviewedRedactions: self.init(status: .conflict, code: "unreviewed_redactions", title: "Redactions not reviewed", detail: detail)
        case .unsupportedFormat: self.init(status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: detail)
        case .destinationExists, .concurrentInstallment:
            self.init(status: .conflict, code: "installment_conflict", title: "Installment conflict", detail: detail)
        case .noSigningKey, .export:
            self.init(status: .serviceUnavailable, code: "exports_unavailable", title: "Exports unavailable", detail: detail)
        }
    }

    /// An exemption list (RECORDKEEPER_EXEMPTIONS_FILE) that cannot be used: 503.
    init(_ error: ExemptionListError) {
        self.init(status: .serviceUnavailable, code: "exemptions_misconfigured", title: "Exemption list unusable", detail: error.description)
    }
}
