public import Foundation

/// Meta's error object: `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`.
public struct GraphErrorBody: Sendable, Equatable, CustomStringConvertible {
    /// E.g. `(#100) Unsupported get request.`
    public var message: String?
    /// E.g. `OAuthException`, `GraphMethodException`.
    public var type: String?
    /// The Graph error code (190 token expired, 100 invalid parameter, 130429 rate limit …).
    public var code: Int?
    /// The deprecated sub-code, still sent for some errors (33: object does not exist).
    public var subcode: Int?
    /// Meta's trace id: quote it when asking Meta's support.
    public var fbtraceID: String?

    public init(message: String? = nil, type: String? = nil, code: Int? = nil, subcode: Int? = nil, fbtraceID: String? = nil) {
        self.message = message
        self.type = type
        self.code = code
        self.subcode = subcode
        self.fbtraceID = fbtraceID
    }

    /// Parses an error answer; nil when `body` is not a Graph error object.
    public init?(json body: some DataProtocol) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        self.init(
            message: error["message"] as? String,
            type: error["type"] as? String,
            code: Self.integer(error["code"]),
            subcode: Self.integer(error["error_subcode"]),
            fbtraceID: error["fbtrace_id"] as? String
        )
    }

    public var description: String {
        var parts: [String] = []
        if let code { parts.append("code \(code)" + (subcode.map { "/\($0)" } ?? "")) }
        if let type { parts.append(type) }
        if let message { parts.append(String(message.prefix(300))) }
        if let fbtraceID { parts.append("fbtrace_id \(fbtraceID)") }
        return parts.isEmpty ? "no details" : parts.joined(separator: ", ")
    }

    private static func integer(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        if let text = value as? String { return Int(text) }
        return nil
    }
}
