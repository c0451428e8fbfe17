import Disposition
import Foundation
import RecordkeeperCore
import Retention

/// The JSON answer of a retention route (`typeOverrides` in openapi-generator-config.yaml): the
/// members `recordkeeper retention … --json` prints, in snake_case, as the schema of the route
/// documents them (`RetentionCatalogInForce`, `LegalHold`, `DispositionList`, …).
///
/// Built from the same `[String: Any]` objects the CLI prints, so the API and `--json` keep one
/// shape; encoded as that JSON object.
struct RetentionDocument: Codable, Hashable, Sendable {
    var value: JSONValue

    init(_ value: JSONValue) {
        self.value = value
    }

    /// The document of a JSON object made of strings, numbers, booleans, `NSNull`, arrays and
    /// dictionaries (what `JSONSerialization` writes).
    init(_ object: [String: Any]) throws {
        value = try JSONValue.parse(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    init(from decoder: any Decoder) throws {
        value = try JSONValue(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

extension RetentionJSON {
    /// The catalog in force (`RetentionCatalog.json`) and its loading.
    static func catalog(_ loaded: LoadedCatalog) throws -> RetentionDocument {
        guard case .object(var members) = loaded.catalog.json else { return RetentionDocument(loaded.catalog.json) }
        members["position"] = .integer(loaded.position)
        members["digest"] = .string(loaded.digest)
        members["loaded_by"] = .string(loaded.actor)
        members["loaded_at"] = .string(iso(loaded.loadedAt))
        return RetentionDocument(.object(members))
    }

}
