import AsyncHTTPClient
import Crypto
import Foundation
import LedgerStore
import Logging
import Timestamping

/// Obtains an RFC 3161 timestamp token over the SHA-256 of a checkpoint's complete signed note
/// (docs/ledger-format.md section 14) and stores it with the checkpoint.
struct CheckpointTimestamper: Sendable {
    let url: URL
    let logger: Logger

    /// Obtains and stores the token; returns its DER bytes.
    func timestamp(_ checkpoint: StoredCheckpoint, store: LedgerStore) async throws -> [UInt8] {
        let digest = Array(SHA256.hash(data: Array(checkpoint.note.utf8)))
        let client = TimestampAuthorityClient(url: url.absoluteString, httpClient: HTTPClient.shared, timeout: .seconds(30))
        let token = try await client.timestamp(sha256Digest: digest)
        try await store.recordTimestamp(
            checkpointID: checkpoint.id, tsaURL: url.absoluteString, token: token.der, genTime: token.generationTime,
            serial: token.serialNumber)
        logger.info(
            "checkpoint timestamped",
            metadata: [
                "checkpoint": "\(checkpoint.id)", "ledger": "\(checkpoint.ledger)", "gen_time": "\(token.generationTime)",
            ])
        return token.der
    }
}
