import Access
import Foundation
import Inbox
import LedgerStore
import Logging
import Messaging
import OpenAPIRuntime
import Requests

/// The `/v1` operations of `openapi.yaml`: the generated ``APIProtocol`` (types and server
/// interface from swift-openapi-generator), implemented over the domain modules, one file per
/// area (`APIHandler+Records.swift`, `+Staff`, `+TeamWork`, `+Retention`, `+Requests`).
///
/// Handlers throw ``ProblemDetails`` for a refusal, or a domain error that
/// ``ProblemDetails/init(domainError:)`` maps; `Server`'s `OpenAPIErrorMiddleware` turns what
/// the generated code throws into the answer. The caller and what the access control granted
/// come from ``CurrentRequest``.
struct APIHandler: APIProtocol {
    let store: LedgerStore
    /// The ledger WhatsApp events, requests and retention go to (`RECORDKEEPER_LEDGER`).
    let serviceLedger: String
    let scope: ConversationScopeCheck
    let staff: StaffDirectory?
    /// Refuse browser sign-in to accounts without a TOTP second factor.
    let requireMFA: Bool
    /// How long a browser session lasts.
    let sessionLifetime: Duration
    /// The days of `/v1/analytics` are counted in this calendar's time zone.
    let analyticsCalendar: AnalyticsCalendar
    /// The API ids of conversations (``ConversationIDCodec`` under the store's master key),
    /// derived once rather than on every request.
    let ids: ConversationIDCodec
    /// Where installments' bundles are written and downloaded from, and as whom.
    let exports: ExportSettings
    let logger: Logger
}
