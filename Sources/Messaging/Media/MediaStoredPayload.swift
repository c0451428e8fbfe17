import Foundation
import WhatsApp
import Zstd

/// The binary payload of a `whatsapp.media.stored` event (docs/whatsapp-ingest.md): a UTF-8
/// JSON metadata object, one byte `0x0A`, then the stored bytes, zstd-compressed only when
/// that makes them smaller.
public struct MediaStoredPayload: Sendable, Equatable {
    /// The JSON before the newline.
    public struct Metadata: Codable, Sendable, Equatable {
        /// The payload format version: 1.
        public var v: Int
        public var mediaID: String
        public var messageID: String
        /// The MIME type (the webhook's, else the metadata's); absent when unknown.
        public var mimeType: String?
        /// The size of the original bytes.
        public var size: Int
        /// Lower-case hex SHA-256 of the original bytes.
        public var sha256: String
        /// Meta's SHA-256 text as given (base64 or hex); absent when Meta gave none.
        public var metaSHA256: String?
        /// How the stored bytes encode the original.
        public var compression: Compression
        /// The number of bytes after the newline.
        public var storedSize: Int

        enum CodingKeys: String, CodingKey {
            case v
            case mediaID = "media_id"
            case messageID = "message_id"
            case mimeType = "mime_type"
            case size
            case sha256
            case metaSHA256 = "meta_sha256"
            case compression
            case storedSize = "stored_size"
        }
    }

    /// How the stored bytes encode the original media.
    public enum Compression: String, Codable, Sendable {
        /// One zstd frame of the original.
        case zstd
        /// The original itself.
        case none
    }

    /// The current format version.
    public static let version = 1
    /// The zstd level used unless told otherwise.
    public static let defaultCompressionLevel = Zstd.defaultLevel
    /// The byte that ends the metadata.
    static let separator: UInt8 = 0x0A

    public var metadata: Metadata
    /// The bytes after the newline: a zstd frame or the original.
    public var storedBytes: [UInt8]

    /// Builds the payload of `original`, compressed with zstd when the frame is smaller than the
    /// original (random or already-compressed media, such as JPEG, usually stay `none`).
    /// - Parameters:
    ///   - original: the media bytes as downloaded.
    ///   - metaSHA256: Meta's digest text the bytes were checked against, if any.
    ///   - compressionLevel: the zstd level.
    public init(
        mediaID: String, messageID: String, mimeType: String?, metaSHA256: String?, original: [UInt8],
        compressionLevel: Int = MediaStoredPayload.defaultCompressionLevel
    ) {
        // A compression failure only costs space: the original is stored as it is.
        let frame = try? Zstd.compress(original, level: compressionLevel)
        let compressed = frame.flatMap { $0.count < original.count ? $0 : nil }
        self.storedBytes = compressed ?? original
        self.metadata = Metadata(
            v: Self.version, mediaID: mediaID, messageID: messageID, mimeType: mimeType, size: original.count,
            sha256: MediaDigest(of: original).hex, metaSHA256: metaSHA256,
            compression: compressed == nil ? .none : .zstd, storedSize: storedBytes.count
        )
    }

    init(metadata: Metadata, storedBytes: [UInt8]) {
        self.metadata = metadata
        self.storedBytes = storedBytes
    }

    /// The payload bytes: metadata JSON (sorted keys, one line), `0x0A`, stored bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = Array(try encoder.encode(metadata))
        bytes.reserveCapacity(bytes.count + 1 + storedBytes.count)
        bytes.append(Self.separator)
        bytes += storedBytes
        return bytes
    }

    /// Splits a stored payload into metadata and stored bytes, checking the format.
    /// - Throws: ``MediaPayloadError`` when it is not a version-1 media payload.
    public init(decoding payload: [UInt8]) throws {
        guard let newline = payload.firstIndex(of: Self.separator) else { throw MediaPayloadError.missingSeparator }
        let metadata: Metadata
        do {
            metadata = try JSONDecoder().decode(Metadata.self, from: Data(payload[..<newline]))
        } catch {
            throw MediaPayloadError.invalidMetadata(String(describing: error))
        }
        guard metadata.v == Self.version else { throw MediaPayloadError.unsupportedVersion(metadata.v) }
        let stored = Array(payload[(newline + 1)...])
        guard stored.count == metadata.storedSize else {
            throw MediaPayloadError.storedSizeMismatch(declared: metadata.storedSize, actual: stored.count)
        }
        self.init(metadata: metadata, storedBytes: stored)
    }

    /// The original media bytes, decompressed if needed and checked against the recorded size
    /// and SHA-256.
    /// - Throws: ``MediaPayloadError`` when the stored bytes do not give back the original.
    public func originalBytes() throws -> [UInt8] {
        let original: [UInt8]
        switch metadata.compression {
        case .none:
            original = storedBytes
        case .zstd:
            do {
                original = try Zstd.decompress(storedBytes, maxOutputBytes: metadata.size)
            } catch let error as ZstdError {
                throw MediaPayloadError.decompressionFailed(error)
            }
        }
        guard original.count == metadata.size else {
            throw MediaPayloadError.sizeMismatch(declared: metadata.size, actual: original.count)
        }
        let digest = MediaDigest(of: original).hex
        guard digest == metadata.sha256.lowercased() else {
            throw MediaPayloadError.digestMismatch(declared: metadata.sha256, actual: digest)
        }
        return original
    }
}
