import Access
import Classification
import Foundation
import HTTPTypes
import Hummingbird
import Inbox
import LedgerStore
import Logging
import Messaging
import NIOCore
import WebFoundation

/// `GET /conversations/{id}/media/{media}`: the archived file of a message the citizen sent,
/// served as `GET /v1/media/{media_id}` serves it (``MediaLookup``: decrypted and checked
/// against the SHA-256 recorded when it was stored). The same rules: the conversation must be
/// in the caller's scope for `media.download` and the media one of its messages' (404
/// otherwise, the refusal recorded); a message above the caller's clearance, or not classified
/// yet, serves nothing (403, recorded as `access.denied`); a download is recorded as
/// `access.viewed` before it is answered.
///
/// Headers: the stored content type, `Content-Disposition` inline for JPEG, PNG and WebP images
/// and attachment for anything else (with a safe file name), `nosniff` and `no-store` (the
/// page headers).
extension WebApplication {
    /// The route, as the access log names it.
    static let conversationMediaRoute = "GET /conversations/{id}/media/{media}"

    func conversationMedia(_ page: PageRequest) async throws -> Response {
        let (item, principal) = try await scopedConversation(page, action: .mediaDownload, route: Self.conversationMediaRoute)
        let mediaID = try page.requiredParameter("media")
        guard mediaID.utf8.count <= 200 else { throw PageError.notFound }
        let lookup = MediaLookup(store: store)
        // Only the files of this conversation's messages: another's id is as unknown.
        guard let stream = try await lookup.stream(ledger: settings.ledger, id: mediaID),
            try await ConversationQueries(store: store).summary(ledger: settings.ledger, id: stream)?.id == item.conversationID
        else { throw PageError.notFound }
        let record = AccessRecord(action: .mediaDownload, route: Self.conversationMediaRoute, records: ["media:\(mediaID)"])
        let found: MediaLookupResult
        do {
            found = try await lookup.media(ledger: settings.ledger, id: mediaID)
        } catch let error as MediaLookupError {
            logger.error("archived media not readable", metadata: ["media_id": "\(mediaID)", "error": "\(error)"])
            throw PageError.unavailable("This file cannot be read from the archive right now: \(error.description).")
        }
        switch found {
        case .stored(let media, _):
            // A file cannot be masked: above the caller's clearance (or before its message is
            // classified: fail closed) it is withheld, as the API withholds it.
            let category = try await lookup.category(ledger: settings.ledger, id: mediaID)
            guard let clearance = principal.clearance(), category <= clearance else {
                do {
                    _ = try await auditor.denied(record, by: principal)
                } catch {
                    logger.error("refused media access not recorded", metadata: ["error": "\(String(reflecting: error))"])
                }
                throw PageError(
                    status: .forbidden, title: "File withheld",
                    message: "This file belongs to a message of data category \(category.rawValue) (or one not classified yet), "
                        + "above your clearance, so it is not shown. A supervisor or records officer with that clearance can open it.")
            }
            try await recordViewed(record, by: principal)
            return Self.mediaResponse(media.bytes, mimeType: media.metadata.mimeType, mediaID: mediaID)
        case .destroyed(let by):
            throw PageError(
                status: .gone, title: "File destroyed",
                message: "This file was destroyed under its retention schedule; the destruction is recorded at ledger entry \(by).")
        case .unavailable(let reason):
            throw PageError(
                status: .notFound, title: "File not archived",
                message: "WhatsApp could not give this file to the archive (\(reason)), so there is nothing to show.")
        case .pending:
            throw PageError(
                status: .notFound, title: "File not downloaded yet",
                message: "The message is recorded, but its file is not downloaded from WhatsApp yet. Try again in a moment.")
        case .unknown:
            throw PageError.notFound
        }
    }

    /// The file's answer: its type, inline for an image a browser shows, attachment otherwise.
    static func mediaResponse(_ bytes: [UInt8], mimeType: String?, mediaID: String) -> Response {
        let type = mimeType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let inline = type.map(TimelineReader.imageTypes.contains) ?? false
        let name = MediaFileName.download(mediaID: mediaID, mimeType: type)
        var headers = HTTPFields()
        headers[.contentType] = mimeType ?? "application/octet-stream"
        headers[.contentDisposition] = "\(inline ? "inline" : "attachment"); filename=\"\(name)\""
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
