import Classification
import Foundation

/// The words of a text as content search knows them (docs/operations.md, "Search"): lower
/// case, diacritics folded (`Café` → `cafe`), split at anything that is not a letter or a digit,
/// at least ``minLength`` characters, cut to ``maxLength``; each word once, in order.
public enum SearchTerms {
    public static let minLength = 2
    public static let maxLength = 64

    /// The terms of `text`.
    public static func terms(in text: String) -> [String] {
        var terms: [String] = []
        var seen: Set<String> = []
        var word = ""
        func flush() {
            if word.count >= minLength {
                let term = String(word.prefix(maxLength))
                if seen.insert(term).inserted { terms.append(term) }
            }
            word = ""
        }
        for character in fold(text) {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                flush()
            }
        }
        flush()
        return terms
    }

    /// The terms to index for a message's `text`: its terms once every value the sensitive-data
    /// detectors flag (an SSN, a card or account number, a date of birth …) is taken out, so that
    /// a search can never confirm a value that is shown masked.
    public static func indexable(_ text: String) -> [String] {
        let findings = SensitiveDataClassifier.findings(in: text)
        guard !findings.isEmpty else { return terms(in: text) }
        var bytes = Array(text.utf8)
        for finding in findings {
            let range = finding.utf8Range.clamped(to: 0..<bytes.count)
            for index in range { bytes[index] = 0x20 }
        }
        return terms(in: String(decoding: bytes, as: UTF8.self))
    }

    /// Lower case without combining marks (canonical decomposition, marks dropped).
    static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
