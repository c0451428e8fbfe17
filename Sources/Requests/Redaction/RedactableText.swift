import Classification
public import RecordkeeperCore

/// The text of a message that redaction works on, and where a span of it is.
///
/// The text is the classifier's (``ClassifiableText``: what people wrote or chose, one line per
/// string: a text's body, a caption, a contact's name …) of the message object (an inbound
/// payload's `message`, or an outbound Graph body), so that the detectors' findings and the
/// officer's spans are in the same text. Offsets and lengths count **Unicode scalars** (code
/// points), as `ExportRedaction.start`/`length` do in export bundles.
public enum RedactableText {
    /// The redactable text of a message entry's decrypted payload.
    public static func text(ofPayload payload: JSONValue) -> String {
        ClassifiableText.extract(from: payload["message"] ?? payload)
    }

    /// The WhatsApp media ids of a message entry's payload (`image.id`, `document.id`, … of
    /// an inbound message; the same members of an outbound body).
    public static func mediaIDs(ofPayload payload: JSONValue) -> [String] {
        let message = payload["message"] ?? payload
        return ["image", "video", "audio", "document", "sticker"].compactMap { message[$0]?.text("id") }
    }

    /// The length of `text` in Unicode scalars.
    public static func length(of text: String) -> Int { text.unicodeScalars.count }

    /// A UTF-8 byte range of `text` (on scalar boundaries, as the detectors' findings are) as a
    /// scalar offset and length.
    public static func scalarSpan(of utf8Range: Range<Int>, in text: String) -> (start: Int, length: Int) {
        let bytes = Array(text.utf8)
        func scalars(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
        let lower = min(utf8Range.lowerBound, bytes.count)
        let upper = min(utf8Range.upperBound, bytes.count)
        return (scalars(0..<lower), scalars(lower..<upper))
    }

    /// The scalars of `text` from `start`, `length` of them (the caller checked the span is inside).
    public static func excerpt(_ text: String, start: Int, length: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text.unicodeScalars.dropFirst(start).prefix(length))
        return String(view)
    }

    /// `text` cut into kept and redacted pieces by `spans` (scalar offsets, not overlapping): what
    /// an export turns into its released text.
    public static func pieces<Span>(of text: String, spans: [Span], start: (Span) -> Int, length: (Span) -> Int) -> [RedactedPiece<Span>] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [RedactedPiece<Span>] = []
        var cursor = 0
        for span in spans.sorted(by: { start($0) < start($1) }) {
            let from = min(max(start(span), cursor), scalars.count)
            let to = min(from + length(span), scalars.count)
            if from > cursor { pieces.append(.kept(string(scalars[cursor..<from]))) }
            pieces.append(.redacted(span))
            cursor = to
        }
        if cursor < scalars.count { pieces.append(.kept(string(scalars[cursor...]))) }
        return pieces
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

/// A piece of a redacted text: kept as it was, or a redacted span.
public enum RedactedPiece<Span> {
    case kept(String)
    case redacted(Span)
}

extension RedactedPiece: Sendable where Span: Sendable {}
extension RedactedPiece: Equatable where Span: Equatable {}
