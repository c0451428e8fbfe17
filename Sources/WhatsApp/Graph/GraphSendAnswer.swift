import RecordkeeperCore

/// What an answer to `POST /{phone-number-id}/messages` means (reference §3 and §4).
public enum GraphSendAnswer: Sendable, Equatable {
    /// HTTP 200: Meta accepted the request. `messageID` is the wamid later statuses name (nil for
    /// mark-as-read, which answers `{"success":true}`); `messageStatus` is `accepted`,
    /// `held_for_quality_assessment` or `paused` when Meta says so. None of them means delivered.
    case accepted(messageID: String?, messageStatus: String?, waID: String?)
    /// Meta refused or failed: its error object, whole, and whether trying again may help.
    case refused(GraphErrorBody?, retryable: Bool)

    /// Graph error codes after which the same request may succeed later: throughput and pair
    /// rate limits (130429, 131056), app rate limits (4, 80007), Meta's "something went wrong"
    /// (131000), maintenance (131057) and "service unavailable" (133004…133010 range is
    /// registration; only 133004 is temporary).
    public static let retryableCodes: Set<Int> = [4, 17, 80007, 130429, 131000, 131056, 131057, 133004]

    /// Interprets Meta's answer.
    public init(_ response: GraphResponse) {
        if (200..<300).contains(response.status) {
            let json = try? JSONValue.parse(response.body)
            let message = json?["messages"]?.array?.first
            self = .accepted(
                messageID: message?.text("id"), messageStatus: message?.text("message_status"),
                waID: json?["contacts"]?.array?.first?.text("wa_id"))
            return
        }
        let error = GraphErrorBody(json: response.body)
        let retryable = response.status >= 500 || response.status == 429 || error?.code.map(Self.retryableCodes.contains) == true
        self = .refused(error, retryable: retryable)
    }
}
