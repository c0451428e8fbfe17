import Foundation
import Hummingbird
import NIOCore

/// The fake Graph API's answers.
struct GraphRoutes: Sendable {
    let state: GraphServerState
    let acceptedToken: String

    /// `GET /download/{id}`, `GET /blob/{id}` (redirect target) or `GET /{version}/{id}`.
    func answer(first: String, second mediaID: String, authorization: String?) async throws -> Response {
        let isDownload = first == "download" || first == "blob"
        guard authorization == "Bearer \(acceptedToken)" else {
            await state.count(.unauthorized, for: mediaID)
            return Self.graphError(
                status: .unauthorized, code: 190, subcode: nil, type: "OAuthException",
                message: "Invalid OAuth access token - Cannot parse access token"
            )
        }
        await state.count(isDownload ? .download : .metadata, for: mediaID)
        guard let media = await state.lookup(mediaID) else {
            return isDownload ? Self.plainNotFound() : Self.unknownObject(mediaID)
        }
        if case let .slow(delay) = media.behaviour {
            try await Task.sleep(for: delay)
        }
        if await state.takeFailure(for: mediaID) {
            return Self.graphError(
                status: .internalServerError, code: 1, subcode: nil, type: "OAuthException", message: "An unknown error occurred"
            )
        }
        return isDownload ? download(media, path: first) : metadata(media)
    }

    private func metadata(_ media: RegisteredMedia) -> Response {
        if media.behaviour == .notFound { return Self.unknownObject(media.id) }
        let object: [String: Any] = [
            "messaging_product": "whatsapp", "url": media.url, "mime_type": media.mimeType,
            "sha256": media.sha256Base64, "file_size": String(media.bytes.count), "id": media.id,
        ]
        return Self.json(.ok, object)
    }

    private func download(_ media: RegisteredMedia, path: String) -> Response {
        switch media.behaviour {
        case .notFound:
            return Self.plainNotFound()
        case let .expired(status):
            return Response(status: .init(code: status), body: ResponseBody(byteBuffer: ByteBuffer(string: "URL signature expired")))
        case .redirected where path == "download":
            return Response(status: .found, headers: [.location: "/blob/\(media.id)"])
        default:
            return Response(
                status: .ok, headers: [.contentType: media.mimeType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: media.bytes))
            )
        }
    }

    /// Graph's answer for an id it does not know: HTTP 404 here (Meta also uses 400 with 100/33).
    private static func unknownObject(_ id: String) -> Response {
        graphError(
            status: .notFound, code: 100, subcode: 33, type: "GraphMethodException",
            message:
                "Unsupported get request. Object with ID '\(id)' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        )
    }

    private static func plainNotFound() -> Response {
        Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "Not Found")))
    }

    static func graphError(status: HTTPResponse.Status, code: Int, subcode: Int?, type: String, message: String) -> Response {
        var error: [String: Any] = ["message": message, "type": type, "code": code, "fbtrace_id": "AfakeTraceID0000"]
        if let subcode { error["error_subcode"] = subcode }
        return json(status, ["error": error])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=UTF-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
