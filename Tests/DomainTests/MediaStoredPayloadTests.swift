import Foundation
import Messaging
import Testing
import WhatsApp
import Zstd

/// The `whatsapp.media.stored` payload format: metadata JSON, 0x0A, stored bytes.
@Suite("Media stored payload")
struct MediaStoredPayloadTests {
    static func payload(_ bytes: [UInt8], mimeType: String? = "image/jpeg") -> MediaStoredPayload {
        MediaStoredPayload(mediaID: "1234", messageID: "wamid.A", mimeType: mimeType, metaSHA256: MediaDigest(of: bytes).base64, original: bytes)
    }

    @Test("compressible media is stored as one zstd frame, with the documented metadata")
    func compressible() throws {
        let original = compressibleMedia()
        let encoded = try Self.payload(original).encoded()
        let newline = try #require(encoded.firstIndex(of: 0x0A))
        let metadata = try jsonObject(String(decoding: encoded[..<newline], as: UTF8.self))
        let stored = Array(encoded[(newline + 1)...])
        #expect(Set(metadata.keys) == ["v", "media_id", "message_id", "mime_type", "size", "sha256", "meta_sha256", "compression", "stored_size"])
        #expect(metadata["v"] as? Int == 1)
        #expect(metadata["compression"] as? String == "zstd")
        #expect(metadata["size"] as? Int == original.count)
        #expect(metadata["stored_size"] as? Int == stored.count)
        #expect(metadata["sha256"] as? String == MediaDigest(of: original).hex)
        #expect(metadata["meta_sha256"] as? String == MediaDigest(of: original).base64)
        #expect(metadata["mime_type"] as? String == "image/jpeg")
        #expect(stored.count < original.count)
        #expect(try Zstd.decompress(stored, maxOutputBytes: original.count) == original, "a plain zstd frame of the original")
        #expect(try StoredMedia(payload: encoded).bytes == original)
    }

    @Test("media that zstd cannot shrink (random, empty) is stored as it is", arguments: [0, 1, 50_000])
    func incompressible(count: Int) throws {
        let original = randomMedia(count)
        let payload = Self.payload(original)
        #expect(payload.metadata.compression == .none)
        #expect(payload.storedBytes == original)
        let encoded = try payload.encoded()
        #expect(Array(encoded.suffix(original.count + 1)) == [0x0A] + original)
        #expect(try StoredMedia(payload: encoded).bytes == original)
    }

    @Test("a newline in a field is escaped: the first 0x0A still ends the metadata")
    func newlineInField() throws {
        let original = randomMedia(100)
        let encoded = try Self.payload(original, mimeType: "text/plain\nsneaky").encoded()
        let opened = try StoredMedia(payload: encoded)
        #expect(opened.metadata.mimeType == "text/plain\nsneaky")
        #expect(opened.bytes == original)
    }

    @Test("damaged payloads are refused with the reason")
    func damaged() throws {
        let original = compressibleMedia(20_000)
        let encoded = try Self.payload(original).encoded()
        #expect(throws: MediaPayloadError.missingSeparator) { try StoredMedia(payload: Array("{\"v\":1}".utf8)) }
        #expect(
            throws: MediaPayloadError.storedSizeMismatch(
                declared: encoded.count - encoded.firstIndex(of: 0x0A)! - 1,
                actual: encoded.count - encoded.firstIndex(of: 0x0A)! - 2)
        ) {
            try StoredMedia(payload: Array(encoded.dropLast()))
        }
        var flipped = encoded
        flipped[flipped.count - 10] ^= 0x01
        #expect(throws: MediaPayloadError.self) { try StoredMedia(payload: flipped) }

        let raw = randomMedia(64)
        var rawEncoded = try Self.payload(raw).encoded()
        rawEncoded[rawEncoded.count - 1] ^= 0x01
        #expect {
            try StoredMedia(payload: rawEncoded)
        } throws: { error in
            guard case .digestMismatch = error as? MediaPayloadError else { return false }
            return true
        }
    }

    @Test("another format version is refused")
    func version() throws {
        let text = #"{"compression":"none","media_id":"1","message_id":"w","sha256":"00","size":0,"stored_size":0,"v":2}"# + "\n"
        #expect(throws: MediaPayloadError.unsupportedVersion(2)) { try StoredMedia(payload: Array(text.utf8)) }
    }
}
