public import Foundation

/// A JSON document as received, kept whole: every field, known or not, survives a round trip.
///
/// Webhook items are archived "with every field they arrived with": parsing into this enum and
/// writing it again with sorted keys drops nothing and renames nothing. Numbers written without
/// a fraction or exponent that fit in 64 bits stay integers; other numbers are kept as `Double`,
/// which is written back as the shortest text that reads back the same value. A key that occurs
/// twice in one object keeps its last value (RFC 8259 leaves this open).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; nil for anything else or a missing member.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, or nil.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements of an array, or nil.
    public var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members of an object, or nil.
    public var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// An integer, also from a string of decimal digits (Meta sends timestamps and sizes as
    /// strings in some places and numbers in others).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .string(let text): Int64(text)
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: Int64(value)
        default: nil
        }
    }

    /// A boolean, or nil.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// A non-empty string member, or nil: Meta's identifiers are never empty.
    public func text(_ key: String) -> String? {
        guard let value = self[key]?.string, !value.isEmpty else { return nil }
        return value
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Parses a JSON text (RFC 8259, UTF-8).
    /// - Throws: ``JSONSyntaxError`` when the bytes are not JSON.
    public static func parse(_ bytes: some DataProtocol) throws -> JSONValue {
        try JSONText.parse(Array(bytes))
    }

    /// The compact JSON text with sorted keys and unescaped slashes: the archived form.
    /// Appends `text` as a JSON string (quoted; `"`, `\\` and control characters escaped; the
    /// rest as UTF-8) to `output`: for writers that build JSON directly.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        JSONText.writeString(text, into: &output)
    }

    public func encoded() throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        JSONText.write(self, into: &output)
        return output
    }
}
