import Foundation
import Hummingbird
import LoopbackHTTP
import NIOCore

/// A fake Meta Graph API (media, sends, uploads) on 127.0.0.1 (an ephemeral port), for tests of any target.
///
/// ```swift
/// try await TestGraphServer.with { graph in
///     let media = await graph.register(bytes: jpeg, behaviour: .ok)
///     // configure a GraphMediaClient with graph.baseURL and TestGraphServer.accessToken,
///     // hand it media.id, media.url and media.sha256Base64 as a webhook would
///     #expect(await graph.requestCounts(for: media.id).download == 1)
/// }
/// ```
///
/// It serves `GET /{version}/{media-id}` (metadata: `url`, `mime_type`, `sha256`, `file_size` as
/// a string, `id`, `messaging_product`) and `GET /download/{media-id}` (the bytes; the `url` it
/// hands out points there). Every request needs `Authorization: Bearer <token>`; otherwise it
/// answers 401 with Graph error 190. Unknown ids answer 404 with Graph error 100/33. Each media
/// behaves as registered (``FakeMediaBehaviour``).
///
/// It also serves `POST /{version}/{phone-number-id}/messages`, answering as scripted
/// (``script(_:_:)``, Meta's error objects from ``FakeSendAnswer/metaError(_:)``) and accepting
/// with a new wamid otherwise, and `POST /{version}/{phone-number-id}/media` (a new media id).
/// ``receivedRequests()`` keeps every body exactly as it arrived.
public struct TestGraphServer: Sendable {
    /// The Graph API version in ``baseURL``.
    public static let apiVersion = "v23.0"
    /// The token ``with(accessToken:_:)`` accepts unless told otherwise.
    public static let accessToken = "test-graph-access-token"

    /// The port on 127.0.0.1.
    public let port: Int
    /// The token the server accepts.
    public let acceptedToken: String
    let state: GraphServerState

    /// The versioned base URL, e.g. `http://127.0.0.1:54321/v23.0`.
    public var baseURL: String { "http://127.0.0.1:\(port)/\(Self.apiVersion)" }

    /// The download URL of a media id (what metadata and webhooks hand out).
    public func downloadURL(for mediaID: String) -> String { "http://127.0.0.1:\(port)/download/\(mediaID)" }

    /// Registers a media.
    /// - Parameters:
    ///   - id: the media id; a fresh numeric id when nil.
    ///   - bytes: what the download serves.
    ///   - mimeType: the metadata's `mime_type`.
    ///   - behaviour: how requests for it are answered.
    /// - Returns: what a webhook would carry for it (id, url, sha256).
    @discardableResult
    public func register(
        id: String? = nil, bytes: [UInt8], mimeType: String = "image/jpeg", behaviour: FakeMediaBehaviour = .ok
    ) async -> RegisteredMedia {
        await state.register(id: id, bytes: bytes, mimeType: mimeType, behaviour: behaviour, downloadURL: { [self] in downloadURL(for: $0) })
    }

    /// The requests answered so far for `mediaID`.
    public func requestCounts(for mediaID: String) async -> FakeMediaRequestCounts {
        await state.counts(for: mediaID)
    }

    /// Queues answers to sends: for requests to `recipient` (the `to` digits, or the `message_id`
    /// of a mark-as-read), or to every other request when nil. Each answer is used once; after
    /// the queue, sends are accepted.
    public func script(_ recipient: String?, _ answers: FakeSendAnswer...) async {
        await state.script(recipient, answers)
    }

    /// Every `/messages` and `/media` request received so far, in order.
    public func receivedRequests() async -> [FakeReceivedRequest] { await state.receivedRequests() }

    /// The `/messages` requests received so far that the server accepted or refused (with the
    /// right token), in order.
    public func sentMessages() async -> [FakeReceivedRequest] {
        await state.receivedRequests().filter { $0.endpoint == "messages" && $0.authorization == "Bearer \(acceptedToken)" }
    }

    /// All requests answered so far for known or unknown media ids.
    public func totalRequests() async -> Int { await state.total() }

    /// Starts the server, runs `body`, then stops the server (whether `body` returns or throws).
    /// - Parameter accessToken: the only bearer token accepted.
    public static func with<T: Sendable>(accessToken: String = TestGraphServer.accessToken, _ body: (TestGraphServer) async throws -> T) async throws -> T {
        let state = GraphServerState()
        let router = Router()
        let routes = GraphRoutes(state: state, acceptedToken: accessToken)
        router.get(":first/:second") { request, context -> Response in
            try await routes.answer(
                first: try context.parameters.require("first"), second: try context.parameters.require("second"),
                authorization: request.headers[.authorization]
            )
        }

        let sends = SendRoutes(state: state, acceptedToken: accessToken)
        // Hummingbird needs one parameter name per position: `first` is the version, `second` the phone number id.
        router.post(":first/:second/messages") { request, context -> Response in
            try await sends.message(
                version: try context.parameters.require("first"), phoneNumberID: try context.parameters.require("second"), request: request)
        }
        router.post(":first/:second/media") { request, context -> Response in
            try await sends.upload(
                version: try context.parameters.require("first"), phoneNumberID: try context.parameters.require("second"), request: request)
        }

        return try await withLoopbackServer(router, label: "test-graph-server") { port in
            try await body(TestGraphServer(port: port, acceptedToken: accessToken, state: state))
        }
    }
}
