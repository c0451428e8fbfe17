import Foundation
import Ledger
import LedgerStore
import Logging
import RecordkeeperCore

/// The `record.classified` decisions of one batch reduced to what applying them one by one
/// leaves (``ClassificationProjection``).
///
/// One by one, a decision updates its message's row if the row exists, holds no later decision,
/// and is not staff's unless the decision is staff's too. For the decisions of one message in
/// position order, that leaves: the last staff decision the row accepts by position, if any;
/// otherwise the last decision, if the row's source is not staff. Only the last staff decision
/// and the last decision can therefore win: they are the candidates, and the UPDATE picks.
///
/// A message's row is created by its own entry, so a decision naming a position at or after its
/// own never finds the row when applied one by one: it is left out.
struct ClassificationDecisions {
    /// One candidate decision, as the UPDATE reads it (a nil column is NULL).
    struct Candidate: Encodable {
        var target: Int64
        var position: Int64
        var category: Int16
        var reasons: String
        var detectorVersion: String?
        var source: String?
        /// For the last decision when it is not staff's: the position of the message's last staff decision.
        var rival: Int64?
    }

    private(set) var candidates: [Candidate] = []

    init(_ records: [SelectedRecord], logger: Logger) {
        var last: [Int64: Candidate] = [:]
        var lastStaff: [Int64: Candidate] = [:]
        for record in records {
            let fields = record.entry.fields
            guard fields.eventType == ClassificationEventType.classified else { continue }
            guard let header = try? JSONValue.parse(Array(fields.header.utf8)), let target = header["target_position"]?.integer,
                let category = header["category"]?.integer
            else {
                logger.warning("skipping a record.classified whose header does not fit", metadata: ["position": "\(fields.position)"])
                continue
            }
            guard target < fields.position else { continue }
            let reasons = (header["reasons"]?.array ?? []).compactMap { $0.text("kind") }.joined(separator: ",")
            let candidate = Candidate(
                target: target, position: fields.position, category: Int16(clamping: category), reasons: reasons,
                detectorVersion: header.text("detector_version"), source: header.text("source"))
            last[target] = candidate
            if candidate.source == "staff" { lastStaff[target] = candidate }
        }
        for target in last.keys.sorted() {
            guard var final = last[target] else { continue }
            if let staff = lastStaff[target], staff.position != final.position {
                final.rival = staff.position
                candidates.append(staff)
            }
            candidates.append(final)
        }
    }

    /// The candidates as a JSON array with snake_case keys.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(candidates), as: UTF8.self)
    }
}
