import Foundation

extension OpenAPIDocument {
    /// The document served at `/openapi.json`: ``core`` with every fragment merged in, and the
    /// answers and text rules every route shares added (``withCommonRules(_:)``).
    public static let json: String = withCommonRules(merged(core: core, fragments: fragments))

    /// Parts of the document kept beside the routes they describe, each a JSON object with
    /// `paths`, and optionally `tags` and `components` (`schemas`, `responses`, `parameters`).
    /// Add a fragment here when adding a file of routes.
    static let fragments: [String] = [staffFragment, automationFragment, analyticsFragment, inboxFragment]

    /// `core` with each fragment's paths, tags and components added. A fragment may not redefine
    /// what is already there: that is a programming error, caught by the tests.
    static func merged(core: String, fragments: [String]) -> String {
        guard !fragments.isEmpty else { return core }
        guard var document = try? JSONSerialization.jsonObject(with: Data(core.utf8)) as? [String: Any] else {
            preconditionFailure("the core OpenAPI document is not a JSON object")
        }
        for (index, fragment) in fragments.enumerated() {
            guard let part = try? JSONSerialization.jsonObject(with: Data(fragment.utf8)) as? [String: Any] else {
                preconditionFailure("OpenAPI fragment \(index) is not a JSON object")
            }
            if let paths = part["paths"] as? [String: Any] {
                document["paths"] = add(paths, to: document["paths"] as? [String: Any] ?? [:], what: "path")
            }
            if let tags = part["tags"] as? [Any] {
                document["tags"] = (document["tags"] as? [Any] ?? []) + tags
            }
            if let components = part["components"] as? [String: Any] {
                var existing = document["components"] as? [String: Any] ?? [:]
                for (kind, members) in components {
                    guard let members = members as? [String: Any] else { continue }
                    existing[kind] = add(members, to: existing[kind] as? [String: Any] ?? [:], what: kind)
                }
                document["components"] = existing
            }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("the merged OpenAPI document cannot be written as JSON")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func add(_ members: [String: Any], to existing: [String: Any], what: String) -> [String: Any] {
        var result = existing
        for (key, value) in members {
            if what == "path", let methods = value as? [String: Any], let present = result[key] as? [String: Any] {
                // A fragment may add methods to a path of the core (or of another fragment).
                result[key] = add(methods, to: present, what: "operation of \(key)")
                continue
            }
            precondition(result[key] == nil, "an OpenAPI fragment redefines \(what) \(key)")
            result[key] = value
        }
        return result
    }
}
