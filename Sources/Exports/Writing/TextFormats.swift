import Foundation
import Ledger
import RecordkeeperCore

/// RFC 4180 CSV: fields separated by commas, records by CRLF; a field with a comma, quote, CR or
/// LF is quoted, its quotes doubled.
enum CSV {
    static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}

/// Escaping for HTML text and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension LedgerTimestamp {
    /// `YYYY-MM-DD HH:MM:SS UTC`, for people.
    var readable: String {
        let text = description
        guard text.utf8.count == 27 else { return text }
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}

/// RFC 6901 JSON Pointer evaluation over a JSON document, for the released-text check.
enum JSONPointer {
    /// The string the pointer designates in `document`, or nil (not JSON, no such member, not a string).
    static func string(at pointer: String, in document: [UInt8]) -> String? {
        guard let tokens = tokens(of: pointer), var current = try? JSONValue.parse(document) else { return nil }
        for token in tokens {
            if let next = current[token] {
                current = next
            } else if let array = current.array, let index = Int(token), String(index) == token, array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current.string
    }

    /// The pointer's reference tokens, unescaped (`~1` is `/`, `~0` is `~`); nil when it is not a pointer.
    static func tokens(of pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw in
            raw.contains("~") ? raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") : String(raw)
        }
    }
}
