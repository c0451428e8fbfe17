import Foundation

/// A form as a browser posts it (`application/x-www-form-urlencoded`, or `multipart/form-data`
/// for a form with a file: ``parseMultipart(_:boundary:)``): each field's first value.
public struct FormBody: Sendable, Hashable {
    /// The fields by name (the first value of a name sent twice).
    public let fields: [String: String]
    /// The files of a multipart form by field name (a file input left empty is absent).
    public let files: [String: FormFile]

    public init(fields: [String: String] = [:], files: [String: FormFile] = [:]) {
        self.fields = fields
        self.files = files
    }

    /// A field's value; nil when it was not sent.
    public subscript(_ name: String) -> String? { fields[name] }

    /// A field's value with surrounding white space removed; nil when absent or blank.
    public func trimmed(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Parses an urlencoded body (`+` is a space).
    /// - Throws: ``FormBodyError`` for a field that does not percent-decode or holds NUL.
    public static func parse(_ text: String) throws(FormBodyError) -> FormBody {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0])
            let value = parts.count > 1 ? try decode(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
        return FormBody(fields: fields)
    }

    private static func decode(_ text: Substring) throws(FormBodyError) -> String {
        guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
            throw FormBodyError("the form holds a field that is not correctly encoded")
        }
        guard !decoded.unicodeScalars.contains("\0") else { throw FormBodyError("the form holds a NUL character") }
        return decoded
    }
}

/// A form body that cannot be read.
public struct FormBodyError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
