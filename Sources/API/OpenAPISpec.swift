import Foundation
import Yams

/// The OpenAPI 3.1 description of the HTTP API, read from `openapi.yaml` (this target's resource,
/// the one description of `/v1`): the JSON served at `GET /openapi.json` and the documented
/// methods of each path.
///
/// The JSON is deterministic: the same file always gives the same bytes (keys sorted, slashes
/// not escaped, pretty-printed).
public struct OpenAPISpec: Sendable {
    /// The document as JSON, as `/openapi.json` serves it.
    public let json: String
    /// `info.version`.
    public let version: String
    /// The documented methods of each path template, for ``documentedMethods(forPath:)``.
    private let methodsByPath: [(segments: [Substring], methods: [String])]
    /// The `operationId` of each operation, keyed `METHOD /path/{template}`.
    public let operationIDs: [String: String]
    /// The required query parameters of each operation, keyed by `operationId`.
    public let requiredQueryParameters: [String: [String]]

    /// The file this target ships, read and converted once per process.
    ///
    /// Call it at startup, so that a missing or broken resource stops the service there with
    /// a clear message rather than failing a request. The resource bundle
    /// (`recordkeeper_API.resources`) must lie next to the executable, as `swift build` leaves
    /// it; when it is in neither that place nor the build folder, `Bundle.module` stops the
    /// process naming both paths.
    /// - Throws: ``OpenAPISpecError`` when the file is missing or is not a valid description.
    public static func bundled() throws(OpenAPISpecError) -> OpenAPISpec {
        try bundledResult.get()
    }

    private static let bundledResult: Result<OpenAPISpec, OpenAPISpecError> = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            return .failure(OpenAPISpecError("openapi.yaml is missing from the resource bundle \(Bundle.module.bundlePath)"))
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            return .failure(OpenAPISpecError("cannot read \(url.path): \(error)"))
        }
        return Result { () throws(OpenAPISpecError) in try OpenAPISpec(yaml: text) }
            .mapError { OpenAPISpecError("\(url.path): \($0.message)") }
    }()

    /// The description in `yaml` (an OpenAPI 3.1 document in YAML).
    ///
    /// Scalars are read as YAML 1.1 core types (what PyYAML's `safe_load` reads): null, booleans,
    /// integers, floats and strings; timestamps and other tags JSON has no value for are refused
    /// (quote them).
    /// - Throws: ``OpenAPISpecError`` when `yaml` is not YAML, holds something JSON cannot, or
    ///   is not a mapping with `openapi`, `info.version` and `paths`.
    public init(yaml: String) throws(OpenAPISpecError) {
        let root: Any
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw OpenAPISpecError("the document is empty") }
            root = try Self.jsonValue(node, at: "")
        } catch let error as OpenAPISpecError {
            throw error
        } catch {
            throw OpenAPISpecError("not valid YAML: \(error)")
        }
        guard let document = root as? [String: Any] else { throw OpenAPISpecError("the document is not a mapping") }
        guard let openapi = document["openapi"] as? String, openapi.hasPrefix("3.1.") else {
            throw OpenAPISpecError("`openapi` is not 3.1.x")
        }
        guard let version = (document["info"] as? [String: Any])?["version"] as? String else {
            throw OpenAPISpecError("`info.version` is missing or not a string")
        }
        guard let paths = document["paths"] as? [String: Any] else { throw OpenAPISpecError("`paths` is missing or not a mapping") }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw OpenAPISpecError("cannot be written as JSON: \(error)")
        }
        self.json = String(decoding: data, as: UTF8.self)
        self.version = version
        self.methodsByPath = paths.map { path, item in
            let methods = ((item as? [String: Any])?.keys.filter { Self.httpMethods.contains($0) } ?? []).map { $0.uppercased() }.sorted()
            return (path.split(separator: "/", omittingEmptySubsequences: false), methods)
        }
        var operationIDs: [String: String] = [:]
        var requiredQueryParameters: [String: [String]] = [:]
        let shared = (document["components"] as? [String: Any])?["parameters"] as? [String: Any] ?? [:]
        func parameters(_ container: [String: Any]?) -> [[String: Any]] {
            (container?["parameters"] as? [Any] ?? []).compactMap { parameter in
                let object = parameter as? [String: Any]
                guard let reference = object?["$ref"] as? String else { return object }
                return shared[String(reference.split(separator: "/").last ?? "")] as? [String: Any]
            }
        }
        for (path, item) in paths {
            let item = item as? [String: Any] ?? [:]
            for (method, operation) in item where Self.httpMethods.contains(method) {
                let operation = operation as? [String: Any]
                guard let id = operation?["operationId"] as? String else {
                    throw OpenAPISpecError("\(method.uppercased()) \(path) has no operationId")
                }
                operationIDs["\(method.uppercased()) \(path)"] = id
                requiredQueryParameters[id] = (parameters(item) + parameters(operation))
                    .filter { $0["in"] as? String == "query" && $0["required"] as? Bool == true }
                    .compactMap { $0["name"] as? String }.sorted()
            }
        }
        self.operationIDs = operationIDs
        self.requiredQueryParameters = requiredQueryParameters
    }

    /// The `operationId` of the operation at `method` (upper case) and the path template `path`.
    public func operationID(method: String, path: String) -> String? {
        operationIDs["\(method) \(path)"]
    }

    /// The documented methods (upper case, sorted) of the path template `path` matches (a
    /// `{name}` segment matches any non-empty segment; the template with the most literal
    /// segments wins), or nil when it matches none.
    public func documentedMethods(forPath path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (literals: Int, methods: [String])?
        for (template, methods) in methodsByPath where template.count == segments.count {
            var literals = 0
            var matches = true
            for (pattern, segment) in zip(template, segments) {
                if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                    if segment.isEmpty {
                        matches = false
                        break
                    }
                } else if pattern == segment {
                    literals += 1
                } else {
                    matches = false
                    break
                }
            }
            if matches, literals > (best?.literals ?? -1) { best = (literals, methods) }
        }
        return best?.methods
    }

    /// The keys of a path item that are operations.
    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// `node` as a value `JSONSerialization` writes; `location` (a JSON pointer) names it in errors.
    private static func jsonValue(_ node: Node, at location: String) throws(OpenAPISpecError) -> Any {
        let place = location.isEmpty ? "the document" : location
        switch node {
        case .scalar(let scalar):
            let tag = Tag.Name(rawValue: node.tag.description)
            switch tag {
            case .str: return scalar.string
            case .null: return NSNull()
            case .bool:
                guard let value = node.bool else { throw OpenAPISpecError("\(place): \(scalar.string) is not a boolean") }
                return value
            case .int:
                guard let value = node.int else { throw OpenAPISpecError("\(place): \(scalar.string) is not a 64-bit integer") }
                return value
            case .float:
                guard let value = node.float, value.isFinite else { throw OpenAPISpecError("\(place): \(scalar.string) is not a finite number") }
                return value
            default:
                throw OpenAPISpecError("\(place): `\(scalar.string)` reads as \(tag.rawValue), which JSON has not: quote it")
            }
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping {
                let keyTag = Tag.Name(rawValue: key.tag.description)
                guard case .scalar(let keyScalar) = key, keyTag == .str || keyTag == .int else {
                    throw OpenAPISpecError("\(place): a key is not a string")
                }
                let name = keyTag == .int ? (key.int.map(String.init) ?? keyScalar.string) : keyScalar.string
                guard object[name] == nil else { throw OpenAPISpecError("\(place): the key \(name) appears twice") }
                let escaped = name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                object[name] = try jsonValue(value, at: "\(location)/\(escaped)")
            }
            return object
        case .sequence(let sequence):
            var array: [Any] = []
            for (index, element) in sequence.enumerated() {
                array.append(try jsonValue(element, at: "\(location)/\(index)"))
            }
            return array
        case .alias:
            throw OpenAPISpecError("\(place): YAML aliases are not used in this file: write the value out")
        }
    }
}

/// Why the OpenAPI description could not be read: what is wrong and where.
public struct OpenAPISpecError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the file or the place in the document.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "OpenAPI description (openapi.yaml): \(message)" }
}
