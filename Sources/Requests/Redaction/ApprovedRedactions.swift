/// Why something of a message is redacted: the redaction, the exemption's citation and the
/// officer's record-specific explanation (RCW 42.56.210(3)): an export's `ExportExemption`.
public struct RedactionGrounds: Sendable, Hashable {
    /// The redaction's id (`R1` …).
    public var redaction: String
    public var code: String
    public var citation: String
    public var explanation: String

    public init(redaction: String, code: String, citation: String, explanation: String) {
        self.redaction = redaction
        self.code = code
        self.citation = citation
        self.explanation = explanation
    }
}

/// A redacted span of a message's redactable text (``RedactableText``): offset and length in
/// Unicode scalars, as `ExportRedaction` has them.
public struct RedactedSpan: Sendable, Hashable {
    public var start: Int
    public var length: Int
    public var grounds: RedactionGrounds

    public init(start: Int, length: Int, grounds: RedactionGrounds) {
        self.start = start
        self.length = length
        self.grounds = grounds
    }
}

/// The approved redactions of one message: what an installment releases of it.
///
/// Maps to an export's release state: `withheld` set → `.withheld(ExportExemption(citation:
/// explanation:))`; else `spans` not empty → `.redacted` of ``RedactableText/pieces(of:spans:start:length:)``
/// over the message's redactable text; else released whole. `media` are the media files
/// (WhatsApp media ids) to withhold.
public struct MessageRedactions: Sendable, Hashable {
    public var position: Int64
    /// The whole message is withheld.
    public var withheld: RedactionGrounds?
    /// In text order, not overlapping.
    public var spans: [RedactedSpan]
    /// Media id → why it is withheld.
    public var media: [String: RedactionGrounds]

    public init(position: Int64, withheld: RedactionGrounds? = nil, spans: [RedactedSpan] = [], media: [String: RedactionGrounds] = [:]) {
        self.position = position
        self.withheld = withheld
        self.spans = spans
        self.media = media
    }
}

/// What an installment of a request may release (``RequestRedactions/approved(request:)``).
public struct ApprovedRedactions: Sendable, Hashable {
    public var request: String
    /// The messages with approved redactions, by ledger position. A message not here has none.
    public var messages: [Int64: MessageRedactions]
    /// Redactions not approved yet (applied and waiting for review, or returned): an installment
    /// must not include their messages until each is approved or withdrawn.
    public var unreviewed: [Redaction]

    public init(request: String, messages: [Int64: MessageRedactions], unreviewed: [Redaction]) {
        self.request = request
        self.messages = messages
        self.unreviewed = unreviewed
    }

    /// The positions an installment must leave out (or refuse): those with unreviewed redactions.
    public var blockedPositions: Set<Int64> { Set(unreviewed.map(\.messagePosition)) }
}
