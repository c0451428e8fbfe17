public import Zstd

/// A `whatsapp.media.stored` payload that cannot be read back.
public enum MediaPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There is no `0x0A` after the metadata.
    case missingSeparator
    /// The metadata is not the documented JSON object.
    case invalidMetadata(String)
    /// A format version this build does not read.
    case unsupportedVersion(Int)
    /// The bytes after the newline are not `stored_size` long.
    case storedSizeMismatch(declared: Int, actual: Int)
    /// The zstd frame cannot be decompressed.
    case decompressionFailed(ZstdError)
    /// The original is not `size` bytes long.
    case sizeMismatch(declared: Int, actual: Int)
    /// The original does not have the recorded SHA-256.
    case digestMismatch(declared: String, actual: String)

    public var description: String {
        let damaged = "the payload is damaged; run `recordkeeper verify` to check the ledger"
        return switch self {
        case .missingSeparator:
            "not a media payload: no newline ends the metadata JSON"
        case let .invalidMetadata(reason):
            "the media payload's metadata is not the documented JSON object (\(reason))"
        case let .unsupportedVersion(version):
            "media payload version \(version) is not supported by this build (it reads version 1): upgrade recordkeeper"
        case let .storedSizeMismatch(declared, actual):
            "the media payload declares \(declared) stored bytes but holds \(actual): \(damaged)"
        case let .decompressionFailed(error):
            "the stored media cannot be decompressed: \(error)"
        case let .sizeMismatch(declared, actual):
            "the stored media gives \(actual) bytes, the metadata says \(declared): \(damaged)"
        case let .digestMismatch(declared, actual):
            "the stored media has SHA-256 \(actual), the metadata says \(declared): \(damaged)"
        }
    }
}
