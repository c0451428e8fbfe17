import API
import Access
import Classification
import Foundation
import HTTPTypes
import Hummingbird
import LedgerStore
import Messaging
import NIOCore

extension Router where Context == RecordkeeperRequestContext {
    /// `GET /v1/media/{media_id}` for staff (docs/access.md; every download is recorded as
    /// `access.viewed`): an archived media's original
    /// bytes, decrypted and checked against the SHA-256 recorded when they were stored
    /// (docs/api.md).
    ///
    /// Citizens' files are served as downloads (`Content-Disposition: attachment`, `nosniff`, a
    /// sandboxing CSP), never rendered in the service's own origin.
    func addMediaRoutes(store: LedgerStore, settings: ConversationSettings, scope: ConversationScopeCheck) {
        let lookup = MediaLookup(store: store)
        let ledger = settings.ledger
        group("v1/media").get(":media_id") { _, context -> Response in
            guard let mediaID = context.parameters.get("media_id"), !mediaID.isEmpty, mediaID.utf8.count <= 200 else {
                throw ProblemDetails(status: .badRequest, code: "invalid_media_id", title: "Invalid media id", detail: "give Meta's media id")
            }
            // An agent downloads only media of their teams' conversations (else: as unknown).
            let reach = try context.scope()
            if reach != .all {
                guard let stream = try await lookup.stream(ledger: ledger, id: mediaID), try await scope.allows(stream, scope: reach) else {
                    context.accessNote.refused("media:\(mediaID)")
                    throw ProblemDetails(
                        status: .notFound, code: "no_media", title: "No such media", detail: "no recorded message carries media id \(mediaID)")
                }
            }
            switch try await lookup.media(ledger: ledger, id: mediaID) {
            case .stored(let media, let position):
                // Media cannot be masked: above the caller's clearance (or before its message is
                // classified, fail closed) it is withheld.
                let category = try await lookup.category(ledger: ledger, id: mediaID)
                guard let clearance = context.clearance, category <= clearance else {
                    context.accessNote.refused("media:\(mediaID)")
                    throw ProblemDetails(
                        status: .forbidden, code: "content_withheld", title: "Content withheld",
                        detail:
                            "the message carrying this media is category \(category.rawValue) (or not classified yet), above what you may see: see docs/access.md"
                    )
                }
                context.accessNote.viewed("media:\(mediaID)")
                var headers: HTTPFields = [
                    .contentType: media.metadata.mimeType ?? "application/octet-stream",
                    .contentDisposition: "attachment; filename=\"\(MediaFileName.download(mediaID: mediaID, mimeType: media.metadata.mimeType))\"",
                    .cacheControl: "no-store",
                    .contentSecurityPolicy: "default-src 'none'; sandbox",
                ]
                headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
                headers[HTTPField.Name("X-Recordkeeper-Position")!] = String(position)
                headers[HTTPField.Name("X-Recordkeeper-SHA256")!] = media.metadata.sha256
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: media.bytes)))
            case .destroyed(let by):
                throw ProblemDetails(
                    status: .gone, code: "media_destroyed", title: "Media destroyed",
                    detail: "this media was lawfully destroyed; the destruction is recorded at position \(by)")
            case .unavailable(let reason):
                throw ProblemDetails(
                    status: .notFound, code: "media_unavailable", title: "Media unavailable",
                    detail: "the media could not be archived: \(reason)")
            case .pending(let attempts):
                throw ProblemDetails(
                    status: .notFound, code: "media_pending", title: "Media not archived yet",
                    detail: "the message is recorded; its media is not archived yet (\(attempts) failed attempts so far)")
            case .unknown:
                throw ProblemDetails(
                    status: .notFound, code: "no_media", title: "No such media", detail: "no recorded message carries media id \(mediaID)")
            }
        }
    }
}
