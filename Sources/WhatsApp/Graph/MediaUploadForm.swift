import Foundation

/// The `multipart/form-data` body of a Cloud API media upload (`POST /{phone-number-id}/media`):
/// the fields `messaging_product=whatsapp`, `type` (the MIME type) and `file`, as Meta documents
/// it and its SDKs send it.
public struct MediaUploadForm: Sendable {
    /// The request's `Content-Type`, with the boundary.
    public let contentType: String
    /// The exact body.
    public let body: [UInt8]

    /// - Parameters:
    ///   - file: the file's bytes.
    ///   - mimeType: its MIME type, e.g. `image/jpeg`, `application/pdf`.
    ///   - filename: its name (quotes, backslashes and control characters are replaced; at most
    ///     200 characters).
    public init(file: [UInt8], mimeType: String, filename: String) {
        let boundary = "recordkeeper-" + UUID().uuidString.lowercased()
        let name = String(
            filename.unicodeScalars.map { scalar -> Character in
                scalar.properties.generalCategory == .control || scalar == "\"" || scalar == "\\" ? "_" : Character(scalar)
            }.prefix(200))
        let type = mimeType.filter { !$0.isNewline && $0 != "\"" }
        var body: [UInt8] = []
        func append(_ text: String) { body += Array(text.utf8) }
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n")
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n\(type)\r\n")
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: \(type)\r\n\r\n")
        body += file
        append("\r\n--\(boundary)--\r\n")
        self.contentType = "multipart/form-data; boundary=\(boundary)"
        self.body = body
    }
}
