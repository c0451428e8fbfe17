import Access
import Foundation
import Hummingbird
import LedgerStore
import Logging
import Messaging
import OpenAPIHummingbird
import OpenAPIRuntime

/// The `/v1` operations of `openapi.yaml`: the generated ``APIProtocol`` (types and server
/// interface from swift-openapi-generator), implemented over the domain modules, one file per
/// area (`APIHandler+Records.swift`, `+Staff`, `+TeamWork`).
///
/// Handlers throw ``ProblemDetails`` for a refusal, or a domain error that
/// ``ProblemDetails/init(domainError:)`` maps; ``OpenAPIErrorMiddleware`` turns what the
/// generated code throws into the answer. The caller and what the access control granted come
/// from ``CurrentRequest``.
struct APIHandler: APIProtocol {
    let store: LedgerStore
    let conversations: ConversationSettings
    let scope: ConversationScopeCheck
    let staff: StaffDirectory?
    let staffSettings: StaffSettings
    let analytics: AnalyticsSettings
    let metrics: ServiceMetrics
    /// The API ids of conversations (``ConversationIDCodec`` under the store's master key),
    /// derived once rather than on every request.
    let ids: ConversationIDCodec
    let logger: Logger

    /// Registers every operation on `router`, behind ``ResponseHeadersMiddleware``,
    /// ``SessionRequestMiddleware`` and ``RequestBodyMiddleware``.
    func register(on router: Router<RecordkeeperRequestContext>) throws {
        try registerHandlers(
            on: router,
            configuration: Configuration(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [ResponseHeadersMiddleware(), SessionRequestMiddleware(staffConfigured: staff != nil), RequestBodyMiddleware()])
    }
}
