/// A value that does not fit the ledger format.
public enum LedgerFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidDigestLength(Int)
    case invalidHex
    case invalidSaltLength(Int)
    case emptyField(String)
    case fieldTooLong(field: String, bytes: Int, limit: Int)
    case invalidLedgerName(String)
    case payloadTooLarge(bytes: Int, limit: Int)
    case nulCharacter(String)

    public var description: String {
        switch self {
        case .invalidDigestLength(let n): "a digest must be 32 bytes, got \(n)"
        case .invalidHex: "not a valid hexadecimal string"
        case .invalidSaltLength(let n): "a payload salt must be 32 bytes, got \(n)"
        case .emptyField(let field): "the entry field '\(field)' must not be empty"
        case .fieldTooLong(let field, let bytes, let limit):
            "the entry field '\(field)' is \(bytes) bytes long; the limit is \(limit) bytes"
        case .invalidLedgerName(let name):
            "'\(name)' is not a valid ledger name: use 1 to 63 characters a-z, 0-9, '.', '_' or '-', starting with a letter or digit"
        case .nulCharacter(let field):
            "the entry field '\(field)' contains a NUL character, which PostgreSQL text cannot store"
        case .payloadTooLarge(let bytes, let limit):
            "the payload is \(bytes) bytes; the limit is \(limit) bytes"
        }
    }
}
