public import RecordkeeperCore

/// The text of a WhatsApp message that classification reads.
///
/// Works on an inbound webhook message object (`messages[i]`) and on an outbound Graph request
/// body alike: it collects, depth first and in key order, the strings under the keys that hold
/// what people wrote or chose (`body`, `text`, `caption`, `title`, `description`, `name`,
/// `formatted_name`, `first_name`, `last_name`, `address`, `street`, `city`, `filename`,
/// `payload`, `response_json`, template parameter `text`s …), one per line. A contact card's
/// `birthday` becomes `birthday: <date>` so that the date-of-birth rule sees its context.
/// Identifiers, media ids, links, hashes and phone numbers are not classified.
public enum ClassifiableText {
    static let textKeys: Set<String> = [
        "body", "text", "caption", "title", "description", "name", "formatted_name", "first_name", "last_name", "middle_name",
        "address", "street", "city", "filename", "payload", "response_json", "emoji_free_text", "department", "company",
    ]

    /// The classifiable text of `message`, lines joined by `\n`.
    public static func extract(from message: JSONValue) -> String {
        var lines: [String] = []
        collect(message, key: nil, into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func collect(_ value: JSONValue, key: String?, into lines: inout [String]) {
        switch value {
        case .string(let text):
            guard let key, !text.isEmpty else { return }
            if key == "birthday" {
                lines.append("birthday: \(text)")
            } else if textKeys.contains(key) {
                lines.append(text)
            }
        case .array(let elements):
            for element in elements { collect(element, key: key, into: &lines) }
        case .object(let members):
            for name in members.keys.sorted() { collect(members[name]!, key: name, into: &lines) }
        default:
            return
        }
    }
}
