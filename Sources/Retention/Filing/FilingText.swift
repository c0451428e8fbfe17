import Foundation
import RecordkeeperCore

/// The words of a message as filing rules read them: case and accents folded, split into whole
/// words (runs of letters and digits) and single symbols (an emoji is a word of its own);
/// punctuation and spaces only separate.
struct FilingWords: Sendable, Hashable {
    let words: [String]

    init(_ text: String) {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var words: [String] = []
        var current = ""
        for character in folded {
            if character.isLetter || character.isNumber {
                current.append(character)
                continue
            }
            if !current.isEmpty {
                words.append(current)
                current = ""
            }
            if character.isWhitespace || character.isPunctuation { continue }
            // A symbol (emoji): its skin tone and presentation selectors do not change it.
            let scalars = character.unicodeScalars.filter { !(0x1F3FB...0x1F3FF).contains($0.value) && $0.value != 0xFE0F }
            if !scalars.isEmpty { words.append(String(String.UnicodeScalarView(scalars))) }
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
    }

    /// Whether `phrase` (itself read into words) occurs as whole consecutive words.
    func contains(_ phrase: FilingWords) -> Bool {
        let needle = phrase.words
        guard !needle.isEmpty, needle.count <= words.count else { return false }
        return (0...(words.count - needle.count)).contains { start in Array(words[start..<(start + needle.count)]) == needle }
    }

    /// Whether the words are made only of `phrases`, one after another (at least one).
    func isMade(of phrases: [FilingWords]) -> Bool {
        guard !words.isEmpty else { return false }
        var reachable = Array(repeating: false, count: words.count + 1)
        reachable[0] = true
        for start in 0..<words.count where reachable[start] {
            for phrase in phrases where !phrase.words.isEmpty && start + phrase.words.count <= words.count {
                if Array(words[start..<(start + phrase.words.count)]) == phrase.words { reachable[start + phrase.words.count] = true }
            }
        }
        return reachable[words.count]
    }
}

/// The text people wrote in a message payload: an inbound `whatsapp.message.received` payload
/// (its `message` object) or an outbound Graph request body (`message.send.requested`).
enum FilingMessageText {
    /// The keys whose strings hold what people wrote or chose (as the classifier reads them).
    static let keys: Set<String> = ["body", "text", "caption", "title", "description", "name", "payload"]

    static func extract(payload json: JSONValue) -> String {
        var lines: [String] = []
        collect(json["message"] ?? json, key: nil, into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func collect(_ value: JSONValue, key: String?, into lines: inout [String]) {
        switch value {
        case .string(let text):
            if let key, keys.contains(key), !text.isEmpty { lines.append(text) }
        case .array(let elements):
            for element in elements { collect(element, key: key, into: &lines) }
        case .object(let members):
            for name in members.keys.sorted() where name != "envelope" { collect(members[name]!, key: name, into: &lines) }
        default:
            return
        }
    }
}
