public import Exports

/// What is released of each message of an export, as data: redacted spans, withheld messages,
/// withheld media. Every message without a decision is released in full. `Requests` makes these
/// from an officer's reviewed redactions; a transfer package releases everything (``none``).
public struct ExportReleaseDecisions: Sendable, Hashable {
    /// Redacted spans of a message's text, by ledger position (offsets in Unicode scalars).
    public var redactions: [Int64: [ExportRedaction]]
    /// Messages withheld in full, by ledger position.
    public var withheld: [Int64: ExportExemption]
    /// Messages whose attached media files are withheld (the message itself is released or redacted).
    public var withheldMedia: [Int64: ExportExemption]

    public init(
        redactions: [Int64: [ExportRedaction]] = [:], withheld: [Int64: ExportExemption] = [:], withheldMedia: [Int64: ExportExemption] = [:]
    ) {
        self.redactions = redactions
        self.withheld = withheld
        self.withheldMedia = withheldMedia
    }

    /// Everything released in full.
    public static let none = ExportReleaseDecisions()

    /// The text of a message with `spans` redacted, as the bundle's parts.
    /// - Throws: ``ExportSourceError/invalidRedaction(position:reason:)`` for a span outside the
    ///   text, empty, or overlapping another.
    public static func parts(of text: String, redacting spans: [ExportRedaction], position: Int64) throws(ExportSourceError) -> [ExportTextPart] {
        let scalars = Array(text.unicodeScalars)
        var parts: [ExportTextPart] = []
        var cursor = 0
        for span in spans.sorted(by: { $0.start < $1.start }) {
            guard span.start >= 0, span.length > 0, span.start + span.length <= scalars.count else {
                throw .invalidRedaction(
                    position: position,
                    reason: "characters \(span.start + 1) to \(span.start + span.length) are outside its text of \(scalars.count) characters")
            }
            guard span.start >= cursor else {
                throw .invalidRedaction(position: position, reason: "two redactions overlap at character \(span.start + 1)")
            }
            if span.start > cursor { parts.append(.text(Self.string(scalars[cursor..<span.start]))) }
            parts.append(.redacted(span))
            cursor = span.start + span.length
        }
        if cursor < scalars.count { parts.append(.text(Self.string(scalars[cursor...]))) }
        return parts
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
