import Foundation

/// The file name a staff download of an archived media file is offered under: letters, digits,
/// `-` and `_` of the media id, and an extension for the common WhatsApp types. One rule for
/// `GET /v1/media/{media_id}` and the conversation page's files.
public enum MediaFileName {
    /// ASCII letters, digits, `-` and `_` of `text` only, at most 80 of them.
    public static func safe(_ text: String) -> String {
        String(text.unicodeScalars.filter { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" }.prefix(80).map(Character.init))
    }

    /// A file extension for the common WhatsApp media types (parameters such as `; codecs=…`
    /// ignored); nil for others.
    public static func `extension`(forMimeType mime: String) -> String? {
        let base = mime.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return [
            "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "audio/ogg": "ogg", "audio/mpeg": "mp3",
            "audio/mp4": "m4a", "audio/aac": "aac", "audio/amr": "amr", "video/mp4": "mp4", "video/3gpp": "3gp",
            "application/pdf": "pdf", "text/plain": "txt",
        ][base]
    }

    /// The whole download name: `media-<safe id>.<extension or bin>`.
    public static func download(mediaID: String, mimeType: String?) -> String {
        "media-\(safe(mediaID)).\(mimeType.flatMap(`extension`(forMimeType:)) ?? "bin")"
    }
}
