import Foundation

/// One signature line of a signed note: `— <name> <base64(key ID ‖ signature)>`.
public struct NoteSignature: Hashable, Sendable {
    /// The key name.
    public var name: String
    /// The 4-byte key ID (big-endian).
    public var keyID: UInt32
    /// The signature bytes (64 for Ed25519).
    public var signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The line, without its newline.
    public var line: String {
        let id: [UInt8] = [UInt8(keyID >> 24), UInt8((keyID >> 16) & 0xff), UInt8((keyID >> 8) & 0xff), UInt8(keyID & 0xff)]
        return "\(SignedNote.signaturePrefix)\(name) \(Data(id + signature).base64EncodedString())"
    }
}

/// A C2SP signed note: text, an empty line, and one or more signature lines
/// (docs/ledger-format.md section 12.3).
public struct SignedNote: Hashable, Sendable {
    /// U+2014 EM DASH and a space.
    static let signaturePrefix = "\u{2014} "
    /// The signed text, ending in `\n`.
    public var text: String
    /// The signatures, in the order they appear.
    public var signatures: [NoteSignature]

    public init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as written to a file or served over HTTP.
    public var rendered: String {
        text + "\n" + signatures.map { $0.line + "\n" }.joined()
    }

    /// Parses a note.
    public init(parsing note: String) throws(CheckpointError) {
        guard note.utf8.count <= 1 << 20 else { throw .malformedNote("it is larger than 1 MiB") }
        guard note.hasSuffix("\n") else { throw .malformedNote("it does not end with a newline") }
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw .malformedNote("there is no empty line before the signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        let signatureBlock = note[split.upperBound...].dropLast()
        var signatures: [NoteSignature] = []
        for line in signatureBlock.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix(Self.signaturePrefix) else {
                throw .malformedNote("a signature line does not start with an em dash and a space")
            }
            let fields = line.dropFirst(Self.signaturePrefix.count).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, let blob = Data(base64Encoded: String(fields[1])), blob.count > 4 else {
                throw .malformedNote("a signature line is not \"— NAME BASE64\"")
            }
            let bytes = Array(blob)
            let keyID = bytes[0..<4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
            signatures.append(NoteSignature(name: String(fields[0]), keyID: keyID, signature: Array(bytes[4...])))
        }
        guard !signatures.isEmpty else { throw .malformedNote("it has no signature") }
        self.init(text: text, signatures: signatures)
    }
}
