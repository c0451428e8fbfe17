import API
import Foundation
import HTTPTypes
import Hummingbird
import Messaging
import RecordkeeperCore
import WhatsApp

extension Router where Context == RecordkeeperRequestContext {
    /// `POST /v1/media?phone_number_id=…&filename=…` (docs/api.md, "Sending"): uploads a file to
    /// Meta for a business number, behind the admin bearer token, so that a media message can be
    /// sent by its id. The body is the file itself, its `Content-Type` the file's type. The upload
    /// is recorded (`media.upload.requested`, the exact multipart body sent to Meta) before it is
    /// forwarded, and Meta's answer after (`media.upload.accepted` / `.failed`).
    func addMediaUploadRoute(proxy: GraphProxy, settings: ConversationSettings) {
        let group = group("v1")
        group.post("media") { request, context -> EditedResponse<MediaUploadedResponse> in
            let parameters = request.uri.queryParameters
            guard let phone = parameters["phone_number_id"].map(String.init), GraphMediaClient.isValidMediaID(phone) else {
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                    detail: "the query parameter \"phone_number_id\" must be the business number's phone number id, e.g. ?phone_number_id=106540352242922")
            }
            guard let mimeType = request.headers[.contentType], mimeType.contains("/"), !mimeType.lowercased().hasPrefix("multipart/") else {
                throw ProblemDetails(
                    status: .unsupportedMediaType, code: "content_type_required", title: "Content-Type required",
                    detail: "send the file itself as the body, with its own Content-Type (e.g. image/jpeg, application/pdf)")
            }
            guard proxy.configuredVersion != nil else {
                throw ProblemDetails(
                    status: .serviceUnavailable, code: "not_configured", title: "Not configured",
                    detail: "uploading to Meta needs WHATSAPP_ACCESS_TOKEN (and WHATSAPP_GRAPH_URL): set them and restart the service")
            }
            let file = try await request.collectBody(upTo: GraphProxyRoutes.maximumUploadBytes) {
                ProblemDetails(
                    status: .contentTooLarge, code: "body_too_large", title: "File too large",
                    detail: "a file may be at most \(GraphProxyRoutes.maximumUploadBytes) bytes here; send larger documents by link")
            }
            guard !file.isEmpty else {
                throw ProblemDetails(status: .badRequest, code: "empty_file", title: "Empty file", detail: "the request body (the file) is empty")
            }
            let filename = parameters["filename"].map(String.init) ?? "upload"
            let caller = OutboundCaller.staff(try context.staff())
            let uploaded: UploadedMedia
            do throws(FileUploadError) {
                uploaded = try await proxy.uploadFile(file, mimeType: mimeType, filename: filename, phoneNumberID: phone, caller: caller)
            } catch {
                switch error {
                case .proxy(let failure):
                    throw ProblemDetails(uploadFailure: failure)
                case let .refused(status, detail, graphCode):
                    throw ProblemDetails(
                        status: .badGateway, code: "upload_refused", title: "Meta refused the upload",
                        detail: "Meta answered HTTP \(status): \(detail)", extensions: graphCode.map { ["graph_error_code": String($0)] } ?? [:])
                }
            }
            return EditedResponse(
                status: .created,
                response: MediaUploadedResponse(mediaID: uploaded.mediaID, requestPosition: uploaded.requestPosition, outcomePosition: uploaded.outcomePosition)
            )
        }
    }
}

extension ProblemDetails {
    init(uploadFailure failure: GraphProxyFailure) {
        switch failure {
        case .notConfigured:
            self.init(status: .serviceUnavailable, code: "not_configured", title: "Not configured", detail: failure.description)
        case .invalidRequest:
            self.init(status: .badRequest, code: "invalid_parameter", title: "Invalid parameter", detail: failure.description)
        case .cannotRecord:
            self.init(
                status: .serviceUnavailable, code: "ledger_unavailable", title: "Not recorded",
                detail: "the upload could not be recorded, so it was not sent to Meta: try again", retryAfterSeconds: 5)
        case .noAnswer:
            self.init(status: .gatewayTimeout, code: "no_answer", title: "No answer from Meta", detail: failure.description)
        }
    }
}

struct MediaUploadedResponse: ResponseEncodable {
    var mediaID: String
    var requestPosition: Int64
    var outcomePosition: Int64?

    enum CodingKeys: String, CodingKey {
        case mediaID = "media_id"
        case requestPosition = "request_position"
        case outcomePosition = "outcome_position"
    }
}
