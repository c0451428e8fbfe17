public import Foundation
public import Ledger

/// An exemption applied to a record or to part of one: the specific citation and a brief,
/// record-specific explanation of how it applies (RCW 42.56.210(3)).
public struct ExportExemption: Sendable, Hashable {
    /// The exemption, e.g. `RCW 42.56.230(5)`.
    public var citation: String
    /// How it applies to this record, e.g. `the resident's debit card number`.
    public var explanation: String

    public init(citation: String, explanation: String) {
        self.citation = citation
        self.explanation = explanation
    }
}

/// One redacted span of a message's text.
public struct ExportRedaction: Sendable, Hashable {
    /// Where the span was in the original text: offset and length in Unicode scalars (code
    /// points). The original text itself is never in the bundle.
    public var start: Int
    public var length: Int
    /// Why it was redacted.
    public var exemption: ExportExemption

    public init(start: Int, length: Int, exemption: ExportExemption) {
        self.start = start
        self.length = length
        self.exemption = exemption
    }
}

/// A piece of a redacted message's released text: text as it was, or a redacted span.
public enum ExportTextPart: Sendable, Hashable {
    case text(String)
    case redacted(ExportRedaction)
}

/// What the recipient gets of a message.
public enum ExportReleaseState: Sendable, Hashable {
    /// The whole record: the payload bytes and the commitment salt (docs/ledger-format.md
    /// section 6), so the recipient recomputes the commitment. `text` is the message text shown;
    /// when `textPointer` (an RFC 6901 JSON Pointer into the payload, e.g. `/messages/0/text/body`)
    /// is given, verifiers check that the text is exactly the payload's value there.
    case released(payload: [UInt8], salt: [UInt8], text: String, textPointer: String?)
    /// The text with spans redacted; neither the original payload nor its salt is included.
    case redacted([ExportTextPart])
    /// Nothing of the payload; the message is proven to exist by its entry and proof.
    case withheld(ExportExemption)

    /// `released`, `redacted` or `withheld`.
    public var name: String {
        switch self {
        case .released: "released"
        case .redacted: "redacted"
        case .withheld: "withheld"
        }
    }
}

/// Whether a message came from the public or was sent by the agency.
public enum ExportDirection: String, Sendable, Hashable {
    case inbound
    case outbound
}

/// A media file (image, document, audio …) attached to a message.
public struct ExportMediaFile: Sendable {
    /// The file name in the bundle (under `media/`), e.g. `p123-receipt.jpg`: letters, digits,
    /// `.`, `_` and `-` only, unique in the export.
    public var name: String
    /// The bytes, read when the file is written (so they are never all held at once).
    public var bytes: @Sendable () throws -> [UInt8]
    /// Set when the file is withheld: it is left out of the bundle and logged.
    public var withheld: ExportExemption?

    public init(name: String, withheld: ExportExemption? = nil, bytes: @escaping @Sendable () throws -> [UInt8]) {
        self.name = name
        self.withheld = withheld
        self.bytes = bytes
    }

    /// A file read from `url` when it is written.
    public init(name: String, withheld: ExportExemption? = nil, contentsOf url: URL) {
        self.init(name: name, withheld: withheld) { Array(try Data(contentsOf: url)) }
    }
}

/// One message of the export, with everything needed to prove it is in the ledger.
public struct ExportMessage: Sendable {
    /// The record it belongs to: `<stream>@YYYY-MM`.
    public var recordID: String
    /// The conversation (an ``ExportConversation/id`` given to the writer).
    public var conversationID: String
    /// The entry's fields exactly as stored (docs/ledger-format.md sections 3–4).
    public var entry: EntryFields
    /// The entry hash of the position before (genesis for position 1): part of the encoding.
    public var previousHash: LedgerDigest
    /// The RFC 9162 inclusion path of the entry in the checkpoint's tree.
    public var proof: [LedgerDigest]
    public var direction: ExportDirection
    /// The message type as WhatsApp names it: `text`, `image`, `document` …
    public var messageType: String
    /// Who wrote it and to whom (display names, as the exemption log shows them).
    public var author: String
    public var recipients: [String]
    public var state: ExportReleaseState
    /// Its media files, if any.
    public var media: [ExportMediaFile]

    public init(
        recordID: String, conversationID: String, entry: EntryFields, previousHash: LedgerDigest, proof: [LedgerDigest],
        direction: ExportDirection, messageType: String, author: String, recipients: [String], state: ExportReleaseState,
        media: [ExportMediaFile] = []
    ) {
        self.recordID = recordID
        self.conversationID = conversationID
        self.entry = entry
        self.previousHash = previousHash
        self.proof = proof
        self.direction = direction
        self.messageType = messageType
        self.author = author
        self.recipients = recipients
        self.state = state
        self.media = media
    }

    /// The message text as released: redacted spans become `[redacted: <citation>]`, a withheld
    /// message has none.
    public var releasedText: String? {
        switch state {
        case .released(_, _, let text, _): return text
        case .withheld: return nil
        case .redacted(let parts):
            return parts.map { part in
                switch part {
                case .text(let text): text
                case .redacted(let redaction): "[redacted: \(redaction.exemption.citation)]"
                }
            }.joined()
        }
    }

    /// The redactions of a redacted message, in order.
    public var redactions: [ExportRedaction] {
        guard case .redacted(let parts) = state else { return [] }
        return parts.compactMap { if case .redacted(let redaction) = $0 { redaction } else { nil } }
    }
}
