import Foundation
import RecordkeeperCore
import WhatsApp

/// A file Meta accepted: the media id a media message sends it by.
public struct UploadedMedia: Sendable, Equatable {
    /// Meta's media id.
    public var mediaID: String
    /// The position of the `media.upload.requested` event.
    public var requestPosition: Int64
    /// The position of Meta's recorded answer; nil if it could not be recorded (logged).
    public var outcomePosition: Int64?
}

/// Why a file upload gave no media id.
public enum FileUploadError: Error, Sendable, CustomStringConvertible {
    /// Not recorded, not configured, not a valid request, or no answer from Meta.
    case proxy(GraphProxyFailure)
    /// Meta answered, without a media id: its HTTP status and Graph error.
    case refused(status: Int, detail: String, graphCode: Int?)

    public var description: String {
        switch self {
        case .proxy(let failure): failure.description
        case let .refused(status, detail, _): "Meta refused the upload (HTTP \(status)): \(detail)"
        }
    }
}

extension GraphProxy {
    /// Uploads one file to Meta for the business number `phoneNumberID` as `POST /v1/media`
    /// does: the Cloud API's multipart form (``MediaUploadForm``), recorded as
    /// `media.upload.requested` before it is forwarded and Meta's answer recorded after
    /// (``uploadMedia(version:phoneNumberID:contentType:body:caller:)``).
    /// - Throws: ``FileUploadError``.
    public func uploadFile(
        _ file: [UInt8], mimeType: String, filename: String, phoneNumberID: String, caller: OutboundCaller
    ) async throws(FileUploadError) -> UploadedMedia {
        guard let version = configuredVersion else { throw .proxy(.notConfigured) }
        let form = MediaUploadForm(file: file, mimeType: mimeType, filename: filename)
        let answer: ProxiedAnswer
        do throws(GraphProxyFailure) {
            answer = try await uploadMedia(version: version, phoneNumberID: phoneNumberID, contentType: form.contentType, body: form.body, caller: caller)
        } catch {
            throw .proxy(error)
        }
        let json = try? JSONValue.parse(answer.response.body)
        guard (200..<300).contains(answer.response.status), let mediaID = json?.text("id") else {
            let graph = GraphErrorBody(json: answer.response.body)
            throw .refused(status: answer.response.status, detail: graph?.description ?? "no Graph error object", graphCode: graph?.code)
        }
        return UploadedMedia(mediaID: mediaID, requestPosition: answer.requestPosition, outcomePosition: answer.outcomePosition)
    }
}
