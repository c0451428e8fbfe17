import API
import Access
import Foundation
import HTTPTypes
public import Hummingbird
import Ledger
public import LedgerStore
public import Logging
import Messaging
import NIOCore
public import WebhookRelay
import WhatsApp

extension Router {
    /// Meta's webhook endpoint (docs/whatsapp-ingest.md):
    /// `GET /webhooks/whatsapp` answers the subscription handshake;
    /// `POST /webhooks/whatsapp` authenticates a delivery over its exact bytes, records its events
    /// in one commit and answers 200 only after that commit (401 unauthenticated, 413 too large,
    /// 503 when the commit cannot be made: Meta retries). With `relays`, a delivery for a
    /// relayed business number also queues it for the relay, in the same commit.
    public func addWhatsAppWebhookRoutes(settings: WhatsAppWebhookSettings, store: LedgerStore, logger: Logger, relays: WebhookRelayDirectory? = nil) {
        let endpoint = WhatsAppWebhookEndpoint(settings: settings, store: store, logger: logger, relays: relays)
        get("webhooks/whatsapp") { request, _ -> Response in
            endpoint.handshake(request.uri.queryParameters)
        }
        post("webhooks/whatsapp") { request, context -> Response in
            try await endpoint.deliver(request, remoteAddress: (context as? any RemoteAddressRequestContext)?.remoteAddress)
        }
    }
}

/// The webhook endpoint's logic, apart from routing.
struct WhatsAppWebhookEndpoint: Sendable {
    let settings: WhatsAppWebhookSettings
    let store: LedgerStore
    let logger: Logger
    let verifier: WebhookSignatureVerifier
    let ingest: WhatsAppIngest
    let relays: WebhookRelayDirectory?

    init(settings: WhatsAppWebhookSettings, store: LedgerStore, logger: Logger, relays: WebhookRelayDirectory? = nil) {
        self.relays = relays
        self.settings = settings
        self.store = store
        self.logger = logger
        self.verifier = WebhookSignatureVerifier(secrets: settings.secrets)
        self.ingest = WhatsAppIngest(ledger: settings.ledger)
    }

    static let signatureHeader = HTTPField.Name("X-Hub-Signature-256")!

    func handshake(_ query: Parameters) -> Response {
        guard let token = settings.verifyToken else {
            logger.warning("webhook handshake refused: WHATSAPP_VERIFY_TOKEN is not configured")
            return Self.plain(.forbidden, "forbidden")
        }
        let outcome = WebhookHandshake(verifyToken: token).answer(
            mode: query.get("hub.mode"), verifyToken: query.get("hub.verify_token"), challenge: query.get("hub.challenge")
        )
        switch outcome {
        case .accept(let challenge):
            logger.notice("webhook handshake accepted")
            return Self.plain(.ok, challenge)
        case .reject(let reason):
            logger.warning("webhook handshake refused", metadata: ["reason": "\(reason)"])
            return Self.plain(.forbidden, "forbidden")
        }
    }

    func deliver(_ request: Request, remoteAddress: SocketAddress?) async throws -> Response {
        let receivedAt = LedgerTimestamp.now()
        let body: [UInt8]
        do {
            body = Array(try await request.body.collect(upTo: settings.maxBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails(
                status: .contentTooLarge, code: "body_too_large", title: "Delivery too large",
                detail: "a webhook delivery may be at most \(settings.maxBodyBytes) bytes")
        }
        let app: String
        do {
            app = try verifier.verify(signatureHeader: request.headers[Self.signatureHeader], body: body)
        } catch {
            await recordRejection(error, body: body, request: request, remoteAddress: remoteAddress, receivedAt: receivedAt)
            throw ProblemDetails(status: .unauthorized, code: "invalid_signature", title: "Not authenticated", detail: error.description)
        }
        let events =
            try events(of: body, app: app, contentType: request.headers[.contentType], receivedAt: receivedAt)
            + (try await relays?.queuedEvents(body: body, app: app, contentType: request.headers[.contentType], receivedAt: receivedAt) ?? [])
        let receipts: [AppendReceipt]
        do {
            // A delivery larger than one append may hold is recorded in consecutive appends: every
            // event has a dedupe key, so Meta's retry after a partial commit records only the rest.
            receipts = try await withDeadline(settings.commitTimeout) { [store, ledger = settings.ledger] in
                var receipts: [AppendReceipt] = []
                for start in stride(from: 0, to: events.count, by: store.limits.maxSubmissionEvents) {
                    let part = events[start..<min(start + store.limits.maxSubmissionEvents, events.count)]
                    receipts += try await store.append(Array(part), to: ledger)
                }
                return receipts
            }
        } catch {
            logger.error("webhook delivery not recorded: answering 503", metadata: ["error": "\(describeError(error))"])
            throw ProblemDetails(
                status: .serviceUnavailable, code: "not_recorded", title: "Not recorded",
                detail: "the delivery could not be committed to the ledger; retry later", retryAfterSeconds: 30)
        }
        let recorded = receipts.filter { !$0.alreadyRecorded }.count
        logger.info("webhook delivery recorded", metadata: ["app": "\(app)", "events": "\(events.count)", "new": "\(recorded)"])
        let answer = #"{"status":"recorded","events":\#(events.count),"new":\#(recorded)}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
    }

    /// A delivery's events: its items, or the whole body unparsed when it is not a delivery.
    func events(of body: [UInt8], app: String, contentType: String?, receivedAt: LedgerTimestamp) throws -> [NewEvent] {
        do {
            let delivery = try WebhookDelivery.parse(body)
            return try ingest.events(for: delivery, body: body, app: app, contentType: contentType, receivedAt: receivedAt)
        } catch let error as WebhookParseError {
            logger.warning("authentic webhook delivery not parseable: archived raw for review", metadata: ["reason": "\(error)"])
            return [
                try ingest.unparsedEvent(
                    body: body, reason: error.reason, detail: error.description, app: app, contentType: contentType, receivedAt: receivedAt)
            ]
        } catch let error as IngestError {
            logger.warning("authentic webhook item without a citizen: archived raw for review", metadata: ["reason": "\(error)"])
            return [
                try ingest.unparsedEvent(
                    body: body, reason: "unexpected_shape", detail: error.description, app: app, contentType: contentType, receivedAt: receivedAt)
            ]
        }
    }

    /// Appends a `whatsapp.webhook.rejected` event; a failure to record it is logged, and the
    /// delivery is answered 401 all the same.
    func recordRejection(
        _ rejection: WebhookSignatureVerifier.Rejection, body: [UInt8], request: Request, remoteAddress: SocketAddress?, receivedAt: LedgerTimestamp
    ) async {
        var headers: [String: String] = [:]
        for name in ["content-type", "user-agent", "x-hub-signature-256", "x-forwarded-for"] {
            if let field = HTTPField.Name(name), let value = request.headers[field] { headers[name] = value }
        }
        let address = remoteAddress?.ipAddress
        // Unauthenticated callers must not grow the ledger at will: past the budget, a rejection
        // is only counted, and the next one recorded says how many were not.
        let decision = settings.rejectionBudget.admit(source: address ?? "-")
        logger.warning(
            "webhook delivery rejected",
            metadata: ["reason": "\(rejection.rawValue)", "remote_address": "\(address ?? "-")", "recorded": "\(decision.record)"])
        guard decision.record else { return }
        do {
            let event = try ingest.rejectedEvent(
                reason: rejection.rawValue, body: body, remoteAddress: address, headers: headers, receivedAt: receivedAt,
                suppressedBefore: decision.suppressedBefore)
            _ = try await withDeadline(settings.commitTimeout) { [store, ledger = settings.ledger] in
                try await store.append(event, to: ledger)
            }
        } catch {
            logger.error("could not record a rejected webhook delivery", metadata: ["error": "\(describeError(error))"])
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
