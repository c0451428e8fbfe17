import Crypto
import Foundation
import LedgerStore
import Timestamping

/// The RFC 3161 tokens stored with a ledger's checkpoints, checked against the TSA's CA.
struct TimestampAuditResult: Sendable {
    var checked = 0
    var verified = 0
    /// Checkpoints without a token (none requested, or the TSA was unreachable).
    var missing = 0
    var failures: [(checkpointID: Int64, reason: String)] = []

    var json: [String: Any] {
        [
            "checked": checked, "verified": verified, "missing": missing,
            "failures": failures.map { ["checkpoint_id": $0.checkpointID, "reason": $0.reason] as [String: Any] },
        ]
    }

    /// Verifies the token of every stored checkpoint of `ledger` over the SHA-256 of its note,
    /// with certificates valid at the token's time (archived tokens outlive TSA certificates).
    static func run(store: LedgerStore, ledger: String, caFile: String) async throws -> TimestampAuditResult {
        let verifier = try TimestampVerifier(trustedCertificatesFile: caFile, certificateTime: .generationTime)
        var result = TimestampAuditResult()
        var afterID: Int64 = 0
        while true {
            let page = try await store.checkpoints(ledger: ledger, afterID: afterID, limit: 500)
            guard let last = page.last else { break }
            for checkpoint in page {
                guard let token = try await store.timestampToken(checkpointID: checkpoint.id) else {
                    result.missing += 1
                    continue
                }
                result.checked += 1
                do {
                    try verifier.verify(tokenDER: token, sha256Digest: Array(SHA256.hash(data: Array(checkpoint.note.utf8))))
                    result.verified += 1
                } catch {
                    result.failures.append((checkpoint.id, "\(error)"))
                }
            }
            afterID = last.id
        }
        return result
    }
}
