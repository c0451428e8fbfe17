import Foundation
import Hummingbird
import NIOCore

/// The fake Graph API's `POST /{version}/{phone-number-id}/messages` and `/media`.
struct SendRoutes: Sendable {
    let state: GraphServerState
    let acceptedToken: String

    /// `POST /{version}/{phone-number-id}/messages`: answers as scripted (``FakeSendAnswer``),
    /// accepting by default.
    func message(version: String, phoneNumberID: String, request: Request) async throws -> Response {
        let body = Array(try await request.body.collect(upTo: 4 * 1024 * 1024).readableBytesView)
        let authorization = request.headers[.authorization]
        var received = FakeReceivedRequest(
            endpoint: "messages", version: version, phoneNumberID: phoneNumberID, body: body,
            contentType: request.headers[.contentType], authorization: authorization)
        guard authorization == "Bearer \(acceptedToken)" else {
            await state.receive(received)
            return GraphRoutes.graphError(
                status: .unauthorized, code: 190, subcode: nil, type: "OAuthException", message: "Invalid OAuth access token - Cannot parse access token")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let isMarkRead = object?["status"] != nil
        let to = object?["to"] as? String
        let key = isMarkRead ? object?["message_id"] as? String : to.map { String($0.filter(\.isNumber)) }
        var answer = await state.nextAnswer(for: key)
        var slowWamid: String?
        var recordedEarly = false
        if case let .slow(delay) = answer {
            recordedEarly = true
            // Meta has the message from the moment it arrived, whether or not the answer gets back.
            let wamid = isMarkRead ? nil : await state.newWamid()
            received.answeredID = wamid
            await state.receive(received)
            slowWamid = wamid
            try? await Task.sleep(for: delay)
            answer = .accept()
        }
        switch answer {
        case let .accept(messageStatus):
            if isMarkRead {
                if !recordedEarly { await state.receive(received) }
                return GraphRoutes.json(.ok, ["success": true])
            }
            let wamid: String
            if let slowWamid {
                wamid = slowWamid
            } else {
                wamid = await state.newWamid()
                received.answeredID = wamid
                await state.receive(received)
            }
            var message: [String: Any] = ["id": wamid]
            if let messageStatus { message["message_status"] = messageStatus }
            var contact: [String: Any] = ["input": to ?? ""]
            if let to { contact["wa_id"] = String(to.filter(\.isNumber)) }
            if let recipient = object?["recipient"] as? String, to == nil { contact = ["input": recipient, "user_id": recipient] }
            return GraphRoutes.json(.ok, ["messaging_product": "whatsapp", "contacts": [contact], "messages": [message]])
        case let .error(status, code, title, details):
            await state.receive(received)
            return Self.metaError(status: status, code: code, title: title, details: details)
        case .badGateway:
            await state.receive(received)
            return Response(
                status: .badGateway, headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>")))
        case .slow:
            preconditionFailure("slow answers were replaced above")
        }
    }

    /// `POST /{version}/{phone-number-id}/media`: stores nothing, answers a new media id.
    func upload(version: String, phoneNumberID: String, request: Request) async throws -> Response {
        let body = Array(try await request.body.collect(upTo: 64 * 1024 * 1024).readableBytesView)
        let authorization = request.headers[.authorization]
        var received = FakeReceivedRequest(
            endpoint: "media", version: version, phoneNumberID: phoneNumberID, body: body,
            contentType: request.headers[.contentType], authorization: authorization)
        guard authorization == "Bearer \(acceptedToken)" else {
            await state.receive(received)
            return GraphRoutes.graphError(
                status: .unauthorized, code: 190, subcode: nil, type: "OAuthException", message: "Invalid OAuth access token - Cannot parse access token")
        }
        let id = await state.newMediaID()
        received.answeredID = id
        await state.receive(received)
        return GraphRoutes.json(.ok, ["id": id])
    }

    /// Meta's error body: `{"error":{"message":"(#code) title","type":"OAuthException","code":…,
    /// "error_data":{"messaging_product":"whatsapp","details":…},"fbtrace_id":…}}`.
    static func metaError(status: Int, code: Int, title: String, details: String) -> Response {
        let error: [String: Any] = [
            "message": "(#\(code)) \(title)", "type": "OAuthException", "code": code,
            "error_data": ["messaging_product": "whatsapp", "details": details], "fbtrace_id": "AfakeTrace\(code)",
        ]
        return GraphRoutes.json(.init(code: status), ["error": error])
    }
}
