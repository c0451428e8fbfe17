import Events
import Foundation
import Ledger
public import LedgerStore
public import Logging
import RecordkeeperCore
public import WhatsApp

/// The recording proxy's rule: record the request, forward it to Meta, record Meta's answer,
/// hand the answer back unchanged (docs/api.md, "Recording proxy").
///
/// Nothing is forwarded that was not recorded first: if the request event cannot be committed
/// (within ``commitTimeout``), the proxy fails with ``GraphProxyFailure/cannotRecord(_:)`` and
/// Meta never sees the request. Meta's answer, whatever its status, is recorded with its exact
/// bytes; if that record fails, the answer is still handed back (the message was sent: hiding
/// the answer would make the integration send it again), and the failure is logged.
public struct GraphProxy: Sendable {
    public let store: LedgerStore
    /// The ledger everything goes to (`RECORDKEEPER_LEDGER`).
    public let ledger: String
    /// The agency's Graph client (its own token, `WHATSAPP_GRAPH_URL`); nil when not configured.
    let graph: GraphMessagesClient?
    /// The Graph API version of `WHATSAPP_GRAPH_URL` (for requests that do not name one); nil when
    /// no Graph API is configured.
    public var configuredVersion: String? { graph?.configuration.version }
    /// How long a commit may take before the request is refused (503).
    public var commitTimeout: Duration
    let logger: Logger

    public init(store: LedgerStore, ledger: String, graph: GraphMessagesClient?, commitTimeout: Duration = .seconds(10), logger: Logger) {
        self.store = store
        self.ledger = ledger
        self.graph = graph
        self.commitTimeout = commitTimeout
        self.logger = logger
    }

    /// `POST /{version}/{phone-number-id}/messages`: a message, a reaction, a mark-as-read …,
    /// classified by its body. Recorded as `message.send.requested` (via `proxy`) and
    /// `message.send.accepted` / `message.send.failed`.
    public func sendMessage(
        version: String, phoneNumberID: String, contentType: String?, body: [UInt8], integration: String
    ) async throws(GraphProxyFailure) -> ProxiedAnswer {
        guard graph != nil else { throw .notConfigured }
        try Self.checkPath(version: version, id: phoneNumberID)
        var message: OutboundMessage
        do {
            message = try OutboundMessage(body: body)
        } catch {
            throw .invalidRequest("\(error)")
        }
        var stream = WhatsAppStreams.conversation(phoneNumberID: phoneNumberID, citizen: message.citizen)
        if stream == nil, let target = message.targetMessageID {
            // A mark-as-read names no recipient: it belongs to the conversation of the message it marks.
            if let found = try await conversationOf(messageID: target) {
                stream = found.0
                message.citizen = found.1
            }
        }
        let requestID = UUID().uuidString.lowercased()
        let actor = ProxyMediaEvents.actor(integration)
        let requested: NewEvent
        do {
            requested = try OutboundEvents.requested(
                requestID: requestID, body: body, message: message, phoneNumberID: phoneNumberID,
                stream: stream ?? WhatsAppStreams.number(phoneNumberID), via: .proxy, actor: actor, integration: integration)
        } catch {
            throw .invalidRequest("\(error)")
        }
        let streamName = requested.stream
        let recipient = message
        let request = GraphRequest(method: "POST", path: "\(version)/\(phoneNumberID)/messages", contentType: contentType ?? "application/json", body: body)
        return try await exchange(request, requested: requested) { response, error, position in
            let reference = SendRequestReference(
                requestID: requestID, position: position, stream: streamName, phoneNumberID: phoneNumberID, kind: recipient.kind,
                citizen: recipient.citizen)
            if let response, (200..<300).contains(response.status) {
                let answer = GraphSendAnswer(response)
                var messageID: String?
                var messageStatus: String?
                if case let .accepted(id, status, _) = answer {
                    messageID = id
                    messageStatus = status
                }
                return try OutboundEvents.accepted(reference, response: response, messageID: messageID, messageStatus: messageStatus, attempt: 1, actor: actor)
            }
            return try OutboundEvents.failed(reference, response: response, error: error, attempt: 1, retryAt: nil, actor: actor)
        }
    }

    /// `POST /{version}/{phone-number-id}/media`: a multipart upload, forwarded byte for byte with
    /// its `Content-Type`. Recorded as `media.upload.requested` and `media.upload.accepted` /
    /// `media.upload.failed`.
    public func uploadMedia(
        version: String, phoneNumberID: String, contentType: String?, body: [UInt8], integration: String
    ) async throws(GraphProxyFailure) -> ProxiedAnswer {
        try await uploadMedia(version: version, phoneNumberID: phoneNumberID, contentType: contentType, body: body, caller: .integration(integration))
    }

    /// An upload on behalf of any caller (the recording proxy's integrations, the send API's
    /// `POST /v1/media`), recorded and forwarded the same way.
    public func uploadMedia(
        version: String, phoneNumberID: String, contentType: String?, body: [UInt8], caller: OutboundCaller
    ) async throws(GraphProxyFailure) -> ProxiedAnswer {
        guard graph != nil else { throw .notConfigured }
        try Self.checkPath(version: version, id: phoneNumberID)
        let requestID = UUID().uuidString.lowercased()
        let requested: NewEvent
        do {
            requested = try ProxyMediaEvents.uploadRequested(
                requestID: requestID, phoneNumberID: phoneNumberID, version: version, contentType: contentType, body: body, caller: caller)
        } catch {
            throw .invalidRequest("\(error)")
        }
        let request = GraphRequest(method: "POST", path: "\(version)/\(phoneNumberID)/media", contentType: contentType, body: body)
        return try await exchange(request, requested: requested) { response, error, position in
            try ProxyMediaEvents.uploadOutcome(
                requestID: requestID, requestPosition: position, phoneNumberID: phoneNumberID, caller: caller, response: response, error: error)
        }
    }

    /// `GET /{version}/{media-id}[?phone_number_id=…]`: a media's download URL. Recorded as
    /// `media.metadata.requested` and `media.metadata.answered` / `media.metadata.failed`.
    public func mediaMetadata(version: String, mediaID: String, query: String?, integration: String) async throws(GraphProxyFailure) -> ProxiedAnswer {
        guard graph != nil else { throw .notConfigured }
        try Self.checkPath(version: version, id: mediaID)
        if let query, !Self.isSafeQuery(query) { throw .invalidRequest("the query may hold only letters, digits and _ . , = & % -") }
        let path = "\(version)/\(mediaID)" + (query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        let requestID = UUID().uuidString.lowercased()
        let requested: NewEvent
        do {
            requested = try ProxyMediaEvents.metadataRequested(requestID: requestID, mediaID: mediaID, path: path, integration: integration)
        } catch {
            throw .invalidRequest("\(error)")
        }
        return try await exchange(GraphRequest(method: "GET", path: path), requested: requested) { response, error, position in
            try ProxyMediaEvents.metadataOutcome(
                requestID: requestID, requestPosition: position, mediaID: mediaID, integration: integration, response: response, error: error)
        }
    }

    // MARK: The one exchange

    /// Records `requested`, forwards `request`, records the outcome built by `outcome`.
    ///
    /// The forward and the outcome record run in a task of their own: a client that hangs up
    /// while Meta answers does not cancel them, so what Meta was sent is always followed by
    /// what it answered.
    func exchange(
        _ request: GraphRequest, requested: NewEvent,
        outcome: @escaping @Sendable (GraphResponse?, GraphError?, Int64) throws -> NewEvent
    ) async throws(GraphProxyFailure) -> ProxiedAnswer {
        guard let graph else { throw .notConfigured }
        let position: Int64
        do {
            position = try await withDeadline(commitTimeout) { [store, ledger] in try await store.append(requested, to: ledger).position }
        } catch {
            logger.error("proxy request not recorded, not forwarded", metadata: ["event_type": "\(requested.eventType)", "error": "\(describeError(error))"])
            throw .cannotRecord("\(error)")
        }
        let (store, ledger, timeout, logger) = (store, ledger, commitTimeout, logger)
        let result = await Task {
            let response: GraphResponse?
            let failure: GraphError?
            do {
                response = try await graph.exchange(request)
                failure = nil
            } catch let error as GraphError {
                response = nil
                failure = error
            } catch {
                response = nil
                failure = GraphError(kind: .transport, operation: "\(request.method) /\(request.path)", detail: "\(error)")
            }
            var outcomePosition: Int64?
            do {
                let event = try outcome(response, failure, position)
                outcomePosition = try await withDeadline(timeout) { try await store.append(event, to: ledger).position }
            } catch {
                logger.error(
                    "Meta's answer to a proxied request could not be recorded",
                    metadata: ["request_position": "\(position)", "error": "\(describeError(error))"])
            }
            return (response, failure, outcomePosition)
        }.value
        if let response = result.0 {
            return ProxiedAnswer(response: response, requestPosition: position, outcomePosition: result.2)
        }
        throw .noAnswer(result.1 ?? GraphError(kind: .transport, operation: request.path), requestPosition: position)
    }

    /// The stream and citizen of the received message `messageID` (its `wa:msg:` entry), if recorded.
    func conversationOf(messageID: String) async throws(GraphProxyFailure) -> (String, CitizenIdentity)? {
        do {
            return try await withDeadline(commitTimeout) { [store, ledger] () -> (String, CitizenIdentity)? in
                _ = try await store.ledger(named: ledger)
                guard let record = try await store.record(ledger: ledger, dedupeKey: "wa:msg:\(messageID)") else { return nil }
                let citizen = (try? JSONValue.parse(Array(record.entry.fields.header.utf8)))?["citizen"]
                return (record.entry.fields.stream, CitizenIdentity(userID: citizen?.text("user_id"), waID: citizen?.text("wa_id")))
            }
        } catch {
            throw .cannotRecord("\(error)")
        }
    }

    /// A version like `v23.0` and a Graph id (letters, digits, `_ . -`).
    static func checkPath(version: String, id: String) throws(GraphProxyFailure) {
        let isVersion =
            version.count >= 2 && version.count <= 16 && version.first == "v"
            && version.dropFirst().allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard isVersion else { throw .invalidRequest("\(version.debugDescription.prefix(40)) is not a Graph API version such as v23.0") }
        guard GraphMediaClient.isValidMediaID(id), id != ".", id != ".." else {
            throw .invalidRequest("\(id.debugDescription.prefix(80)) is not a Graph object id")
        }
    }

    static let safeQueryScalars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,=&%-".unicodeScalars)

    static func isSafeQuery(_ query: String) -> Bool {
        query.utf8.count <= 1024 && query.unicodeScalars.allSatisfy(safeQueryScalars.contains)
    }
}

/// Meta's answer to a proxied request, and where the ledger holds the exchange.
public struct ProxiedAnswer: Sendable {
    /// Meta's answer, exactly as it came: status, content type, body.
    public var response: GraphResponse
    /// The position of the request event.
    public var requestPosition: Int64
    /// The position of the outcome event; nil if it could not be recorded (logged).
    public var outcomePosition: Int64?
}

/// Why the proxy did not hand back an answer from Meta.
public enum GraphProxyFailure: Error, Sendable, CustomStringConvertible {
    /// No `WHATSAPP_ACCESS_TOKEN`: the proxy has no token to forward with.
    case notConfigured
    /// The request is not one the proxy forwards (bad version, id, body); nothing recorded or sent.
    case invalidRequest(String)
    /// The request could not be recorded, so it was not forwarded.
    case cannotRecord(String)
    /// The request was recorded and forwarded, but no answer came (timeout, connection); the
    /// failure is recorded. Meta may or may not have acted on it.
    case noAnswer(GraphError, requestPosition: Int64)

    public var description: String {
        switch self {
        case .notConfigured:
            "the recording proxy has no Graph API access token: set WHATSAPP_ACCESS_TOKEN (and WHATSAPP_GRAPH_URL) and restart the service"
        case .invalidRequest(let why): why
        case .cannotRecord(let why): "the request could not be recorded (\(why))"
        case let .noAnswer(error, position): "no answer from Meta (\(error)); recorded at position \(position)"
        }
    }
}
