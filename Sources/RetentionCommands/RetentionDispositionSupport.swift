import ArgumentParser
import Disposition
import Foundation
import LedgerStore
import RecordkeeperCore
import RecordkeeperRuntime
import Retention
import Workers

/// What the disposition and status commands share: record ids and lists, as JSON and for people.
enum DispositionCLI {
    /// Record ids given on the command line; a malformed one exits 1.
    static func records(_ texts: [String], command: String, json: Bool) throws -> [RetentionRecordID] {
        var records: [RetentionRecordID] = []
        for text in texts {
            guard let record = RetentionRecordID(text) else {
                RetentionCLI.refuse(command, DispositionError.invalidRecord(text).description, json: json)
                throw ExitCode(1)
            }
            records.append(record)
        }
        return records
    }

    /// A list's one-line summary.
    static func summary(_ list: DispositionList) -> String {
        "\(list.list)  \(list.series)  \(list.action.rawValue)  \(list.items.count) record\(list.items.count == 1 ? "" : "s")  \(list.status)"
    }
}
