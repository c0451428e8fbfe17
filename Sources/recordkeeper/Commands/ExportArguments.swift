import ExportSources
import Exports
import Foundation
import RecordkeeperCore
import Requests

/// A value of an `export` option that cannot be used.
struct ExportArgumentError: Error, CustomStringConvertible {
    var description: String
}

/// Parsing of `recordkeeper export`'s --messages and --decisions, and its JSON summary.
enum ExportArguments {
    /// The most positions one installment takes (a larger response goes in several installments).
    static let maximumMessages = 5_000_000

    /// `12,15,20-40` → the positions, ascending, without repeats.
    static func positions(_ text: String) throws(ExportArgumentError) -> [Int64] {
        var positions = Set<Int64>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = item.trimmingCharacters(in: .whitespaces)
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int64(bounds[0]), let high = Int64(bounds.last!), low >= 1, high >= low else {
                throw ExportArgumentError(description: "--messages \(text): \"\(part)\" is not a position or a range such as 20-40")
            }
            guard positions.count + Int(high - low + 1) <= maximumMessages else {
                throw ExportArgumentError(description: "--messages names more than \(maximumMessages) messages: split the response into installments")
            }
            for position in low...high { positions.insert(position) }
        }
        return positions.sorted()
    }

    /// The decisions file (see `recordkeeper export --help`).
    static func decisions(file path: String) throws(ExportArgumentError) -> InstallmentDecisions {
        let document: JSONValue
        do { document = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw ExportArgumentError(description: "--decisions \(path) cannot be read as JSON (\(error))")
        }
        guard let object = document.object else { throw ExportArgumentError(description: "--decisions \(path) is not a JSON object") }
        for key in object.keys where !["redactions", "withheld", "withheld_media"].contains(key) {
            throw ExportArgumentError(description: "--decisions \(path): unknown member \"\(key)\" (redactions, withheld, withheld_media)")
        }
        var decisions = InstallmentDecisions()
        func exemption(_ item: JSONValue, _ what: String) throws(ExportArgumentError) -> (Int64, ExportExemption) {
            guard let position = item["position"]?.integer, let citation = item.text("citation"), let explanation = item.text("explanation") else {
                throw ExportArgumentError(description: "--decisions \(path): each of \(what) needs position, citation and explanation")
            }
            guard !citation.trimmingCharacters(in: .whitespaces).isEmpty, !explanation.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ExportArgumentError(
                    description: "--decisions \(path): position \(position) needs an exemption citation and a record-specific explanation (RCW 42.56.210(3))")
            }
            return (position, ExportExemption(citation: citation, explanation: explanation))
        }
        for item in object["redactions"]?.array ?? [] {
            let (position, reason) = try exemption(item, "redactions")
            guard let start = item["start"]?.integer, let length = item["length"]?.integer else {
                throw ExportArgumentError(description: "--decisions \(path): the redaction of position \(position) needs start and length")
            }
            decisions.redactions[position, default: []].append(ExportRedaction(start: Int(start), length: Int(length), exemption: reason))
        }
        for item in object["withheld"]?.array ?? [] {
            let (position, reason) = try exemption(item, "withheld")
            decisions.withheld[position] = reason
        }
        for item in object["withheld_media"]?.array ?? [] {
            let (position, reason) = try exemption(item, "withheld_media")
            decisions.withheldMedia[position] = reason
        }
        return decisions
    }

    /// `--json` of a produced installment.
    static func json(_ installment: Installment, path: String) -> [String: Any] {
        [
            "ok": true, "request": installment.requestID, "installment": installment.number, "file": path, "bundle_bytes": installment.bundleBytes,
            "messages": installment.messages, "released": installment.released, "redacted": installment.redacted,
            "withheld": installment.withheld, "manifest_sha256": installment.manifestSHA256, "checkpoint_size": installment.checkpointSize,
            "position": installment.position,
        ]
    }
}
