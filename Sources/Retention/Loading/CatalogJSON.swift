import Foundation
public import Ledger
public import RecordkeeperCore

/// A recorded catalog that cannot be read back (a `retention.catalog.loaded` payload or a
/// projection row that does not fit the canonical form).
public struct CatalogJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The member that does not fit, as a path (`series[2].retention`).
    public var field: String
    public var message: String

    public var description: String { "recorded retention catalog: \(field): \(message)" }
}

extension RetentionCatalog {
    /// The catalog's canonical JSON document: the members of the file format (snake_case, the
    /// retention as the file writes it), the series sorted by DAN and revision, so that the
    /// order of the series in the file does not matter. Written by ``canonicalJSON()``.
    public var json: JSONValue {
        .object([
            "name": .string(name), "version": .string(version), "default_series": .string(defaultSeries),
            "series": .array(series.sorted { ($0.dan, $0.revision) < ($1.dan, $1.revision) }.map(\.json)),
        ])
    }

    /// The canonical JSON text (``json`` compact, with sorted keys): the payload of
    /// `retention.catalog.loaded`, and what ``digest()`` is computed over.
    public func canonicalJSON() throws -> [UInt8] {
        try json.encoded()
    }

    /// The SHA-256 of ``canonicalJSON()``: two catalogs with the same digest are the same catalog.
    public func digest() throws -> LedgerDigest {
        LedgerDigest.sha256(try canonicalJSON())
    }

    /// Reads a catalog back from its canonical JSON document (``json``).
    /// - Throws: ``CatalogJSONError`` naming the member that does not fit.
    public init(json: JSONValue) throws(CatalogJSONError) {
        func text(_ key: String) throws(CatalogJSONError) -> String {
            guard let value = json[key]?.string else { throw CatalogJSONError(field: key, message: "is missing or not a string") }
            return value
        }
        guard let items = json["series"]?.array else { throw CatalogJSONError(field: "series", message: "is missing or not an array") }
        var series: [RetentionSeries] = []
        for (index, item) in items.enumerated() {
            series.append(try RetentionSeries(json: item, field: "series[\(index)]"))
        }
        self.init(name: try text("name"), version: try text("version"), defaultSeries: try text("default_series"), series: series)
    }
}

extension RetentionSeries {
    /// The series' canonical JSON object (the members of the file format).
    public var json: JSONValue {
        let trigger: JSONValue =
            switch self.trigger {
            case .communication: .string("communication")
            case .conversationClosed: .string("conversation_closed")
            case .requestClosed: .string("request_closed")
            case .event(let type): .object(["event": .string(type)])
            }
        return .object([
            "dan": .string(dan), "revision": .integer(Int64(revision)), "title": .string(title), "description": .string(description),
            "retention": .string(retention.catalogText), "trigger": trigger, "final_action": .string(finalAction.rawValue),
            "designation": .object([
                "archival": .string(designation.archival.rawValue), "essential": .bool(designation.essential),
                "office": .string(designation.office.rawValue),
            ]),
            "confirmed": .bool(confirmed), "two_person_approval": .bool(twoPersonApproval),
        ])
    }

    /// Reads a series back from its canonical JSON object; `field` names it in errors.
    package init(json: JSONValue, field: String) throws(CatalogJSONError) {
        func member(_ key: String) throws(CatalogJSONError) -> JSONValue {
            guard let value = json[key] else { throw CatalogJSONError(field: "\(field).\(key)", message: "is missing") }
            return value
        }
        func text(_ key: String) throws(CatalogJSONError) -> String {
            guard let value = try member(key).string else { throw CatalogJSONError(field: "\(field).\(key)", message: "is not a string") }
            return value
        }
        func flag(_ value: JSONValue, _ key: String) throws(CatalogJSONError) -> Bool {
            guard let flag = value.bool else { throw CatalogJSONError(field: "\(field).\(key)", message: "is not a boolean") }
            return flag
        }
        guard let revision = try member("revision").integer, revision >= 0, revision <= Int64(Int32.max) else {
            throw CatalogJSONError(field: "\(field).revision", message: "is not a revision number")
        }
        let retentionText = try text("retention")
        let retention: RetentionPeriod
        if retentionText == RetentionPeriod.untilNoLongerNeeded.catalogText {
            retention = .untilNoLongerNeeded
        } else if case .success(let period) = RetentionPeriod.parse(iso8601: retentionText) {
            retention = period
        } else {
            throw CatalogJSONError(field: "\(field).retention", message: "is not a retention period")
        }
        let trigger: RetentionTrigger
        switch try member("trigger") {
        case .string("communication"): trigger = .communication
        case .string("conversation_closed"): trigger = .conversationClosed
        case .string("request_closed"): trigger = .requestClosed
        case let value:
            guard let type = value["event"]?.string else { throw CatalogJSONError(field: "\(field).trigger", message: "is not a trigger") }
            trigger = .event(type)
        }
        guard let finalAction = FinalAction(rawValue: try text("final_action")) else {
            throw CatalogJSONError(field: "\(field).final_action", message: "is not a final action")
        }
        let designation = try member("designation")
        guard let archival = designation["archival"]?.string.flatMap(Designation.Archival.init(rawValue:)),
            let office = designation["office"]?.string.flatMap(Designation.Office.init(rawValue:)),
            let essential = designation["essential"]?.bool
        else {
            throw CatalogJSONError(field: "\(field).designation", message: "is not a designation")
        }
        self.init(
            dan: try text("dan"), revision: Int(revision), title: try text("title"), description: try text("description"),
            retention: retention, trigger: trigger, finalAction: finalAction,
            designation: Designation(archival: archival, essential: essential, office: office),
            confirmed: try flag(try member("confirmed"), "confirmed"),
            twoPersonApproval: try flag(try member("two_person_approval"), "two_person_approval"))
    }
}
