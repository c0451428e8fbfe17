public import Foundation

/// What a redaction takes out of a message.
public enum RedactionTarget: Sendable, Hashable {
    /// A span of the message's redactable text (``RedactableText``), in Unicode scalars.
    case span(start: Int, length: Int)
    /// The whole message: withheld.
    case message
    /// One media file of the message (its WhatsApp media id): withheld.
    case media(String)

    /// `span`, `message` or `media`: the retained header's `kind`.
    public var kind: String {
        switch self {
        case .span: "span"
        case .message: "message"
        case .media: "media"
        }
    }
}

/// Where a redaction is in its review.
public enum RedactionState: String, Sendable, Hashable, CaseIterable {
    /// Applied, waiting for review.
    case applied
    /// Approved by a request officer: an installment may release the message with it.
    case approved
    /// Returned by the reviewer with a reason: withdraw it (and apply a better one).
    case returned
    /// Withdrawn before release: it no longer applies.
    case withdrawn
}

/// A redaction to apply: which message, what of it, under which exemption and why.
public struct NewRedaction: Sendable, Hashable {
    /// The message's ledger position.
    public var messagePosition: Int64
    public var target: RedactionTarget
    /// The code of an exemption of the list in force.
    public var exemption: String
    /// How the exemption applies to this record, in words of the officer's own (``ExplanationRule``).
    public var explanation: String

    public init(messagePosition: Int64, target: RedactionTarget, exemption: String, explanation: String) {
        self.messagePosition = messagePosition
        self.target = target
        self.exemption = exemption
        self.explanation = explanation
    }
}

/// A redaction of a request, as projected (and, when read, with its explanation from the payload).
public struct Redaction: Sendable, Hashable {
    public var request: String
    /// `R1`, `R2`, … within the request.
    public var id: String
    public var messagePosition: Int64
    public var target: RedactionTarget
    public var exemption: String
    public var citation: String
    public var state: RedactionState
    /// The `redaction.applied` entry.
    public var appliedPosition: Int64
    public var appliedBy: String
    public var appliedAt: Date
    public var reviewedBy: String?
    /// Read from the applied entry's payload; nil when not read (or destroyed, sealed).
    public var explanation: String?
    /// The reason the reviewer returned it, or it was withdrawn (read from the payload).
    public var reason: String?
    /// The entry that withdrew or returned it.
    public var closedPosition: Int64?

    public init(
        request: String, id: String, messagePosition: Int64, target: RedactionTarget, exemption: String, citation: String,
        state: RedactionState, appliedPosition: Int64, appliedBy: String, appliedAt: Date, reviewedBy: String? = nil,
        explanation: String? = nil, reason: String? = nil
    ) {
        self.request = request
        self.id = id
        self.messagePosition = messagePosition
        self.target = target
        self.exemption = exemption
        self.citation = citation
        self.state = state
        self.appliedPosition = appliedPosition
        self.appliedBy = appliedBy
        self.appliedAt = appliedAt
        self.reviewedBy = reviewedBy
        self.explanation = explanation
        self.reason = reason
    }
}

/// The rule an explanation must meet (RCW 42.56.210(3) asks for a brief explanation of how the
/// exemption applies to *this* record; citing the statute alone is not enough, Lakewood v.
/// Koenig): after the exemption's citation, title and explanation stem are set aside, it must
/// have at least ``minimumOwnWords`` words of its own. A word is a run of letters or digits;
/// a word of its own is one that is not a word of the citation, title or stem.
public enum ExplanationRule {
    public static let minimumOwnWords = 3

    /// The explanation's words of its own, given the exemption it explains.
    public static func ownWords(_ explanation: String, exemption: Exemption) -> [String] {
        let boilerplate = Set(words(exemption.explanationStem) + words(exemption.citation) + words(exemption.title))
        return words(explanation).filter { !boilerplate.contains($0) }
    }

    /// Whether `explanation` is acceptable for `exemption`.
    public static func accepts(_ explanation: String, exemption: Exemption) -> Bool {
        ownWords(explanation, exemption: exemption).count >= minimumOwnWords
    }

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}
