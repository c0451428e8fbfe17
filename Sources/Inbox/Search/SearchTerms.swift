import Classification
import Foundation

/// The words of a text as content search knows them (docs/operations.md, "Search"): lower
/// case, diacritics folded (`Café` → `cafe`), split at anything that is not a letter or a digit,
/// at least ``minLength`` characters, cut to ``maxLength``; each word once, in order.
public enum SearchTerms {
    public static let minLength = 2
    public static let maxLength = 64

    /// The terms of `text`.
    ///
    /// ASCII text, most messages, takes a byte path that gives the same terms: in ASCII only
    /// `A`–`Z`, `a`–`z` and `0`–`9` are letters or digits, and folding is lower-casing. Unicode
    /// folding and grapheme breaking were a third of the search indexer's CPU (docs/benchmarks.md).
    public static func terms(in text: String) -> [String] {
        text.utf8.allSatisfy { $0 < 0x80 } ? asciiTerms(in: text) : unicodeTerms(in: text)
    }

    static func asciiTerms(in text: String) -> [String] {
        var words = Words()
        var word: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): word.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte + 0x20)
            default:
                words.add(String(decoding: word.prefix(maxLength), as: UTF8.self), length: word.count)
                word.removeAll(keepingCapacity: true)
            }
        }
        words.add(String(decoding: word.prefix(maxLength), as: UTF8.self), length: word.count)
        return words.terms
    }

    static func unicodeTerms(in text: String) -> [String] {
        var words = Words()
        var word = ""
        for character in fold(text) {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                words.add(String(word.prefix(maxLength)), length: word.count)
                word = ""
            }
        }
        words.add(String(word.prefix(maxLength)), length: word.count)
        return words.terms
    }

    /// Terms in order of first appearance, each once, none shorter than ``minLength``.
    private struct Words {
        var terms: [String] = []
        var seen: Set<String> = []

        /// Adds the word of `length` characters that `term` makes (cut to ``maxLength``); the
        /// term is made only for a word long enough.
        mutating func add(_ term: @autoclosure () -> String, length: Int) {
            guard length >= minLength else { return }
            let term = term()
            if seen.insert(term).inserted { terms.append(term) }
        }
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
