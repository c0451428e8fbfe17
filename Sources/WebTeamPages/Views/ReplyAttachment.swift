import WebFoundation

/// The files a reply may carry: the media types the WhatsApp Cloud API sends and its size limit
/// for each ("Supported media types"), each capped by the ledger's payload limit as
/// `POST /v1/media` caps an upload (larger documents go by link).
enum ReplyAttachment {
    /// What a media type is sent as.
    struct Kind: Sendable, Equatable {
        /// The message type (`image`, `video`, `audio`, `document`).
        let messageType: String
        /// The largest file WhatsApp takes of this type (capped by ``maximumUploadBytes``).
        let limit: Int
        /// How the person calls it.
        let noun: String
        /// Whether WhatsApp shows a caption with it (audio has none).
        var takesCaption: Bool { messageType != "audio" }
    }

    /// The reply form's file field: its name and its element id.
    static let fieldName = "file"
    static let fieldID = "reply-file"
    /// The longest caption WhatsApp shows with a file.
    static let maximumCaption = 1024

    /// The largest upload `POST /v1/media` records and forwards: the ledger's payload limit
    /// (64 MiB) less room for the upload event's envelope.
    static let maximumUploadBytes = 64 * 1024 * 1024 - 64 * 1024
    /// The largest reply form with its file (the file and the form's other fields).
    static let maximumFormBytes = maximumUploadBytes + 64 * 1024

    private static let megabyte = 1024 * 1024
    private static let image = Kind(messageType: "image", limit: 5 * megabyte, noun: "image")
    private static let video = Kind(messageType: "video", limit: 16 * megabyte, noun: "video")
    private static let audio = Kind(messageType: "audio", limit: 16 * megabyte, noun: "audio file")
    private static let document = Kind(messageType: "document", limit: min(100 * megabyte, maximumUploadBytes), noun: "document")

    /// The media types WhatsApp sends, by MIME type.
    static let kinds: [String: Kind] = [
        "image/jpeg": image, "image/png": image,
        "video/mp4": video, "video/3gpp": video,
        "audio/aac": audio, "audio/amr": audio, "audio/mpeg": audio, "audio/mp4": audio, "audio/ogg": audio,
        "application/pdf": document, "text/plain": document, "application/msword": document, "application/vnd.ms-excel": document,
        "application/vnd.ms-powerpoint": document,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": document,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": document,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": document,
    ]

    /// The file input's `accept`: every type of ``kinds``.
    static var accept: String { kinds.keys.sorted().joined(separator: ",") }

    /// How the sendable types read in a hint or an error.
    static let typesText =
        "JPEG or PNG images (up to 5 MB), MP4 or 3GP videos and AAC, AMR, MP3, M4A or OGG audio (up to 16 MB), "
        + "and PDF, text, Word, Excel or PowerPoint documents (up to \(maximumUploadBytes / megabyte) MB)"

    /// What `file` is sent as, or why it cannot be sent (a sentence for the form).
    static func kind(of file: FormFile) -> Result<Kind, ReplyAttachmentRefusal> {
        guard let kind = kinds[file.contentType] else {
            return .failure(
                ReplyAttachmentRefusal(
                    "“\(file.filename)” is a file WhatsApp does not send (\(file.contentType)). Choose one of these: \(typesText)."))
        }
        guard file.bytes.count <= kind.limit else {
            return .failure(
                ReplyAttachmentRefusal(
                    "“\(file.filename)” is \(sizeText(file.bytes.count)); WhatsApp sends \(kind.noun)s of at most \(sizeText(kind.limit)). "
                        + "Choose a smaller file."))
        }
        return .success(kind)
    }

    /// A size as people read it: `812 bytes`, `34 kB`, `4.2 MB`.
    static func sizeText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < megabyte { return "\((bytes + 512) / 1024) kB" }
        let tenths = (bytes * 10 + megabyte / 2) / megabyte
        return tenths % 10 == 0 ? "\(tenths / 10) MB" : "\(tenths / 10).\(tenths % 10) MB"
    }
}

/// Why a reply's file is refused: a sentence for the file field.
struct ReplyAttachmentRefusal: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
