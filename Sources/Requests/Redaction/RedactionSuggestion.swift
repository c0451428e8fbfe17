import Classification

/// A span the detectors found in a message, with the exemption it suggests. Suggestions are not
/// recorded: they are recomputed from the text and the exemption list whenever asked for;
/// accepting one (``RequestRedactions/apply(_:to:actor:role:now:)``) makes a redaction.
public struct RedactionSuggestion: Sendable, Hashable {
    /// The message's ledger position.
    public var messagePosition: Int64
    /// Where the span is in the message's redactable text (``RedactableText``), in Unicode scalars.
    public var start: Int
    public var length: Int
    /// The detector that found it: a ``SensitiveDataKind`` raw value, or `term` for a configured term.
    public var detector: String
    /// The span's text, for the officer deciding (shown, never recorded).
    public var matched: String
    /// The exemption the detector's finding suggests.
    public var exemption: Exemption

    public init(messagePosition: Int64, start: Int, length: Int, detector: String, matched: String, exemption: Exemption) {
        self.messagePosition = messagePosition
        self.start = start
        self.length = length
        self.detector = detector
        self.matched = matched
        self.exemption = exemption
    }
}

/// Runs the classifier's detectors and the configured terms over a message's text and maps each
/// finding to the exemption the list suggests for it. Pure: the same text and list always give the
/// same suggestions.
public enum RedactionSuggester {
    /// The suggestions for `text` (a message's redactable text), in text order. Findings of a
    /// detector the list does not map are left out; a term inside a detector's finding is too.
    public static func suggestions(in text: String, position: Int64, list: ExemptionList) -> [RedactionSuggestion] {
        var found: [RedactionSuggestion] = []
        var taken: [Range<Int>] = []
        for finding in SensitiveDataClassifier.findings(in: text) {
            guard let exemption = list.suggested(for: finding.kind) else { continue }
            let span = RedactableText.scalarSpan(of: finding.utf8Range, in: text)
            found.append(
                RedactionSuggestion(
                    messagePosition: position, start: span.start, length: span.length, detector: finding.kind.rawValue,
                    matched: RedactableText.excerpt(text, start: span.start, length: span.length), exemption: exemption))
            taken.append(span.start..<(span.start + span.length))
        }
        for term in list.terms {
            guard let exemption = list.exemption(term.exemption) else { continue }
            for range in occurrences(of: term.term, in: text) where !taken.contains(where: { $0.overlaps(range) }) {
                found.append(
                    RedactionSuggestion(
                        messagePosition: position, start: range.lowerBound, length: range.count, detector: "term",
                        matched: RedactableText.excerpt(text, start: range.lowerBound, length: range.count), exemption: exemption))
                taken.append(range)
            }
        }
        return found.sorted { ($0.start, $0.length) < ($1.start, $1.length) }
    }

    /// The scalar ranges where `term` occurs in `text`, ignoring case, on word boundaries.
    static func occurrences(of term: String, in text: String) -> [Range<Int>] {
        let needle = Array(term.lowercased().unicodeScalars)
        let haystack = Array(text.unicodeScalars)
        let folded = haystack.map { Array(String($0).lowercased().unicodeScalars) }
        guard !needle.isEmpty, folded.allSatisfy({ $0.count == 1 }) else { return slowOccurrences(needle, haystack) }
        return matches(needle, folded.map { $0[0] }, original: haystack)
    }

    private static func slowOccurrences(_ needle: [Unicode.Scalar], _ haystack: [Unicode.Scalar]) -> [Range<Int>] {
        matches(needle, haystack.map { String($0).lowercased().unicodeScalars.first ?? $0 }, original: haystack)
    }

    private static func matches(_ needle: [Unicode.Scalar], _ folded: [Unicode.Scalar], original: [Unicode.Scalar]) -> [Range<Int>] {
        guard !needle.isEmpty, folded.count >= needle.count else { return [] }
        func isWord(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) }
        var found: [Range<Int>] = []
        var index = 0
        while index <= folded.count - needle.count {
            if folded[index..<(index + needle.count)].elementsEqual(needle) {
                let end = index + needle.count
                let before = index == 0 || !isWord(original[index - 1]) || !isWord(needle[0])
                let after = end == original.count || !isWord(original[end]) || !isWord(needle[needle.count - 1])
                if before && after {
                    found.append(index..<end)
                    index = end
                    continue
                }
            }
            index += 1
        }
        return found
    }
}
