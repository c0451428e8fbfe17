import Access
import Foundation
import Hummingbird
import Ledger
import LedgerStore
import Requests
import WebFoundation

/// The auditor's checkpoints page (issue 16 item 6): `GET /audit/checkpoints`, the service
/// ledger's signed checkpoints newest first, 50 a page, each signature checked here under the
/// service's verifier keys (``LedgerStore/checkpointVerifierKeys(ledger:logName:)``, the keys
/// `recordkeeper keys public` prints) with the same ``CheckpointAudit`` as `recordkeeper verify`,
/// and the RFC 3161 timestamp when one is stored.
extension WebApplication {
    /// Checkpoints a page shows.
    static let checkpointsPerPage = 50

    func checkpointsPage(_ page: PageRequest) async throws -> Response {
        let ledger = settings.ledger
        let logName = settings.exports.logName
        var before: Int64?
        if let text = page.query("before") {
            guard let value = Int64(text), value > 0 else {
                throw PageError.badRequest("This page of checkpoints does not exist. Start again from the newest.")
            }
            before = value
        }
        let keys: [NoteVerifierKey]
        do {
            keys = try await store.checkpointVerifierKeys(ledger: ledger, logName: logName)
        } catch let error as CheckpointError {
            throw PageError.unavailable("The service's verifier keys cannot be made for ledger \(ledger) (\(error)): check RECORDKEEPER_LOG_NAME.")
        }
        let listings = try await store.checkpointListings(
            ledger: ledger, logName: logName, keys: keys, beforeID: before, limit: Self.checkpointsPerPage + 1)
        let shown = Array(listings.prefix(Self.checkpointsPerPage))
        var context: [String: Any] = [
            "ledger": ledger, "empty": shown.isEmpty, "keys": keys.map(\.description), "noKeys": keys.isEmpty,
            "rows": shown.map(CheckpointView.row),
        ]
        let failed = shown.filter { !$0.signatureVerifies }.count
        if failed > 0 { context["failed"] = ["count": failed] }
        if !shown.isEmpty, before == nil {
            context["latest"] = ["path": "/v1/ledgers/\(PageGate.percentEncoded(ledger))/checkpoint"]
        }
        if listings.count > Self.checkpointsPerPage, let last = shown.last {
            context["older"] = ["path": "/audit/checkpoints?before=\(last.checkpoint.id)"]
        }
        if before != nil { context["newest"] = ["path": "/audit/checkpoints"] }
        return renderer.page("audit-checkpoints", title: "Checkpoints", frame: page.frame, context: context)
    }
}

/// What the checkpoints page shows of one checkpoint.
enum CheckpointView {
    static func row(_ listing: CheckpointListing) -> [String: Any] {
        let checkpoint = listing.checkpoint
        var row: [String: Any] = [
            "id": checkpoint.id, "size": checkpoint.treeSize, "root": checkpoint.rootHash.hex,
            "created": PageText.time(checkpoint.createdAt), "signers": listing.signerKeyIDs.isEmpty ? "none" : listing.signerKeyIDs.joined(separator: ", "),
            "verifies": listing.signatureVerifies,
        ]
        switch listing.signature.failure {
        case nil: row["verdict"] = "Verifies"
        case .originMismatch?: row["verdict"] = "Does not verify: \(listing.signature.reason)"
        default: row["verdict"] = "Does not verify: no signature by the service's keys holds"
        }
        if let timestamp = listing.timestamp {
            row["timestamp"] = ["time": PageText.time(timestamp.time), "authority": timestamp.authority]
        }
        return row
    }
}
