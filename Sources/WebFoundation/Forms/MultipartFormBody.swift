import Foundation
import MultipartKit
import NIOCore

/// A file posted with a `multipart/form-data` form.
public struct FormFile: Sendable, Hashable {
    /// The file's name as the browser gave it (the last path component, control characters removed).
    public let filename: String
    /// The part's `Content-Type` as the browser gave it, lower-cased, without parameters;
    /// `application/octet-stream` when absent.
    public let contentType: String
    /// The file's bytes.
    public let bytes: [UInt8]
}

extension FormBody {
    /// Parses a `multipart/form-data` body with MultipartKit: fields without a file name become
    /// ``fields``, parts with one become ``files`` (an empty one, a file input left empty, is
    /// left out).
    /// - Throws: ``FormBodyError`` for a body that does not parse, or a field that is not UTF-8
    ///   or holds NUL.
    static func parseMultipart(_ body: ByteBuffer, boundary: String) throws(FormBodyError) -> FormBody {
        guard !boundary.isEmpty, boundary.utf8.count <= 70 else { throw FormBodyError("the form's multipart boundary is missing or too long") }
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var partBody = ByteBuffer()
        parser.onHeader = { name, value in headers.replaceOrAdd(name: name, value: value) }
        parser.onBody = { chunk in partBody.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: partBody))
            headers = HTTPHeaders()
            partBody = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            throw FormBodyError("the form is not a well-formed multipart body")
        }
        var fields: [String: String] = [:]
        var files: [String: FormFile] = [:]
        for part in parts {
            let disposition = ContentDisposition(part.headers.first(name: "Content-Disposition") ?? "")
            guard let name = disposition.parameters["name"] else { continue }
            if let filename = disposition.parameters["filename"] {
                guard part.body.readableBytes > 0, files[name] == nil else { continue }
                let type = part.headers.first(name: "Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
                files[name] = FormFile(
                    filename: Self.safeFilename(filename), contentType: type.flatMap { $0.isEmpty ? nil : $0 } ?? "application/octet-stream",
                    bytes: Array(part.body.readableBytesView))
            } else {
                guard let value = String(validating: part.body.readableBytesView, as: UTF8.self) else {
                    throw FormBodyError("the form holds a field that is not UTF-8 text")
                }
                guard !value.unicodeScalars.contains("\0") else { throw FormBodyError("the form holds a NUL character") }
                if fields[name] == nil { fields[name] = value }
            }
        }
        return FormBody(fields: fields, files: files)
    }

    /// The boundary of a `multipart/form-data` content type; nil for any other type.
    static func multipartBoundary(_ contentType: String) -> String? {
        let disposition = ContentDisposition(contentType)
        guard disposition.value.lowercased() == "multipart/form-data" else { return nil }
        return disposition.parameters["boundary"]
    }

    /// A file name's last path component, without control characters, at most 200 characters.
    static func safeFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(200).map(Character.init))
        return clean.isEmpty ? "file" : clean
    }
}

/// A header value with `;`-separated parameters (`form-data; name="file"; filename="a.pdf"`,
/// `multipart/form-data; boundary=…`): the value and its parameters by lower-cased name, quotes
/// removed. Parameters are split at `;` outside quotes.
struct ContentDisposition {
    let value: String
    let parameters: [String: String]

    init(_ header: String) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        value = pieces[0].trimmingCharacters(in: .whitespaces)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            if parameters[key] == nil { parameters[key] = pair[1].trimmingCharacters(in: .whitespaces) }
        }
        self.parameters = parameters
    }
}
