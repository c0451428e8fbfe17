import Foundation

// What every route shares, added to the assembled document once instead of in each operation:
// the answers the middlewares give on any route (TextInputValidationMiddleware,
// AccessControlMiddleware, RequestBody limits, the rejection budget), and the text every
// parameter may not hold. See docs/api.md, "Errors".

extension OpenAPIDocument {
    /// Shared answers, by status: the component response each operation refers to when it does
    /// not describe that status itself.
    static let commonResponses: [(status: String, name: String, when: CommonResponseScope)] = [
        ("400", "BadRequest", .always),
        ("401", "Unauthorized", .authenticated),
        ("403", "Forbidden", .authenticated),
        ("404", "NotFound", .always),
        ("408", "RequestTimeout", .withBody),
        ("413", "TooLarge", .withBody),
        ("415", "UnsupportedMediaType", .withBody),
        ("429", "TooManyRequests", .authenticated),
        ("503", "Unavailable", .always),
    ]

    /// Which operations a shared answer applies to.
    enum CommonResponseScope {
        /// Every operation.
        case always
        /// Operations that require a credential (those without `"security": []`).
        case authenticated
        /// Operations that take a request body.
        case withBody
    }

    /// A path or query parameter may hold no C0 control character but tab
    /// (``TextInputValidationMiddleware``: 400 `invalid_text`).
    static let parameterTextPattern = #"^[^\u0000-\u0008\u000A-\u001F]*$"#
    /// A string in a JSON body may not hold NUL (400 `invalid_text`).
    static let bodyTextPattern = #"^[^\u0000]*$"#

    /// The shared component responses (problem details).
    static var commonResponseComponents: [String: Any] {
        func problem(_ description: String, headers: [String: Any]? = nil) -> [String: Any] {
            var response: [String: Any] = [
                "description": description,
                "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
            ]
            if let headers { response["headers"] = headers }
            return response
        }
        return [
            "BadRequest": problem(
                "A malformed request: a control character in the path or a query parameter, a NUL in a JSON body (`invalid_text`), "
                    + "an over-long or malformed header (`invalid_header`), or a parameter or body this route cannot read (`invalid_parameter`, `invalid_json`, …)."),
            "NotFound": problem(
                "No such route (`not_found`), or no such thing, or one outside your teams' scope: answered alike so that scope does not reveal what exists."),
            "RequestTimeout": problem("The request body did not arrive in time (`body_timeout`)."),
            "TooLarge": problem("The request body is larger than this route accepts (`body_too_large`)."),
            "UnsupportedMediaType": problem(
                "The body is not of the content type this route reads (`unsupported_media_type`, `content_type_required`)."),
            "TooManyRequests": problem(
                "Too many failed attempts (`locked_out`) or sign-ins at once (`sign_in_busy`): wait `Retry-After` seconds.",
                headers: ["Retry-After": ["schema": ["type": "integer", "minimum": 0]]]),
            "Unavailable": problem(
                "Not answered now: the access could not be recorded (`access_not_recorded`), the staff directory or the database is "
                    + "unavailable, or the service is not ready; try again shortly."),
        ]
    }

    /// `document` with the shared answers referred to by every operation that does not describe
    /// them, problem details allowed wherever a middleware may answer, and the text rules on
    /// every parameter and body string.
    static func withCommonRules(_ document: String) -> String {
        guard var root = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else {
            preconditionFailure("the OpenAPI document is not a JSON object")
        }
        var components = root["components"] as? [String: Any] ?? [:]
        var responses = components["responses"] as? [String: Any] ?? [:]
        for (name, response) in commonResponseComponents where responses[name] == nil { responses[name] = response }
        var schemas = components["schemas"] as? [String: Any] ?? [:]
        var parameters = components["parameters"] as? [String: Any] ?? [:]
        for (name, parameter) in parameters {
            if let parameter = parameter as? [String: Any] { parameters[name] = constrained(parameter) }
        }
        var bodySchemas: Set<String> = []
        var paths = root["paths"] as? [String: Any] ?? [:]
        for (path, item) in paths {
            guard var item = item as? [String: Any] else { continue }
            if let shared = item["parameters"] as? [Any] { item["parameters"] = shared.map(constrained) }
            for (method, operation) in item where httpMethods.contains(method) {
                guard var operation = operation as? [String: Any] else { continue }
                if let own = operation["parameters"] as? [Any] { operation["parameters"] = own.map(constrained) }
                let authenticated = (operation["security"] as? [Any]).map { !$0.isEmpty } ?? true
                let hasBody = operation["requestBody"] != nil
                if var body = operation["requestBody"] as? [String: Any], var content = body["content"] as? [String: Any] {
                    for (type, media) in content {
                        guard var media = media as? [String: Any], let schema = media["schema"] else { continue }
                        media["schema"] = noNUL(schema, references: &bodySchemas)
                        content[type] = media
                    }
                    body["content"] = content
                    operation["requestBody"] = body
                }
                var answers = operation["responses"] as? [String: Any] ?? [:]
                for common in commonResponses {
                    let applies: Bool
                    switch common.when {
                    case .always: applies = true
                    case .authenticated: applies = authenticated
                    case .withBody: applies = hasBody
                    }
                    if let existing = answers[common.status] {
                        answers[common.status] = allowingProblem(existing, responses: &responses)
                    } else if applies {
                        answers[common.status] = ["$ref": "#/components/responses/\(common.name)"]
                    }
                }
                if let fallback = answers["default"] { answers["default"] = allowingProblem(fallback, responses: &responses) }
                operation["responses"] = answers
                item[method] = operation
            }
            paths[path] = item
        }
        // Body schemas by reference, and what they refer to, until nothing new turns up.
        var done: Set<String> = []
        while let name = bodySchemas.subtracting(done).first {
            done.insert(name)
            if let schema = schemas[name] { schemas[name] = noNUL(schema, references: &bodySchemas) }
        }
        components["responses"] = responses
        components["schemas"] = schemas
        components["parameters"] = parameters
        root["components"] = components
        root["paths"] = paths
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("the OpenAPI document cannot be written as JSON")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// A path or query parameter whose string schema has no pattern, enum or const, given
    /// ``parameterTextPattern``; an integer one without a maximum, given the largest number the
    /// service reads (a 64-bit position or size: larger is 400 `invalid_parameter`).
    private static func constrained(_ parameter: Any) -> Any {
        guard var parameter = parameter as? [String: Any], let location = parameter["in"] as? String,
              location == "path" || location == "query", var schema = parameter["schema"] as? [String: Any]
        else { return parameter }
        if schema["type"] as? String == "integer", schema["maximum"] == nil {
            schema["maximum"] = Int64.max
        }
        parameter["schema"] = withPattern(schema, parameterTextPattern)
        return parameter
    }

    /// `schema` with `pattern` added when it is a free string (a string type, no pattern, enum,
    /// const, format or content type: file bytes may hold anything).
    private static func withPattern(_ schema: [String: Any], _ pattern: String) -> [String: Any] {
        let types: [String]
        if let type = schema["type"] as? String { types = [type] } else { types = schema["type"] as? [String] ?? [] }
        guard types.contains("string"), schema["pattern"] == nil, schema["enum"] == nil, schema["const"] == nil,
              schema["format"] == nil,
              schema["contentMediaType"] == nil, schema["contentEncoding"] == nil
        else { return schema }
        var schema = schema
        schema["pattern"] = pattern
        return schema
    }

    /// A body schema with ``bodyTextPattern`` on every free string in it; the names of the
    /// component schemas it refers to are added to `references`.
    private static func noNUL(_ schema: Any, references: inout Set<String>) -> Any {
        if let list = schema as? [Any] { return list.map { noNUL($0, references: &references) } }
        guard var object = schema as? [String: Any] else { return schema }
        if let reference = object["$ref"] as? String, reference.hasPrefix("#/components/schemas/") {
            references.insert(String(reference.dropFirst("#/components/schemas/".count)))
        }
        for (key, value) in object where key != "enum" && key != "const" && key != "examples" && key != "example" && key != "default" {
            if key == "properties", let properties = value as? [String: Any] {
                object[key] = properties.mapValues { noNUL($0, references: &references) }
            } else if value is [String: Any] || value is [Any] {
                object[key] = noNUL(value, references: &references)
            }
        }
        return withPattern(object, bodyTextPattern)
    }

    /// A response that also allows a problem details body (a middleware may answer first); a
    /// reference is followed and the component response changed.
    private static func allowingProblem(_ response: Any, responses: inout [String: Any]) -> Any {
        if let object = response as? [String: Any], let reference = object["$ref"] as? String {
            let name = String(reference.split(separator: "/").last ?? "")
            if let target = responses[name] { responses[name] = allowingProblem(target, responses: &responses) }
            return response
        }
        guard var object = response as? [String: Any] else { return response }
        var content = object["content"] as? [String: Any] ?? [:]
        guard !content.isEmpty, content["application/problem+json"] == nil else { return object }
        content["application/problem+json"] = ["schema": ["$ref": "#/components/schemas/Problem"]]
        object["content"] = content
        return object
    }
}

extension OpenAPIDocument {
    /// The documented methods of each path template, for the `Allow` header of a 405.
    static let methodsByPath: [(segments: [Substring], methods: [String])] = {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let paths = root["paths"] as? [String: Any]
        else { return [] }
        return paths.map { path, item in
            let methods = ((item as? [String: Any])?.keys.filter { httpMethods.contains($0) } ?? []).map { $0.uppercased() }.sorted()
            return (path.split(separator: "/", omittingEmptySubsequences: false), methods)
        }
    }()

    /// The documented methods of the path template `path` matches (a `{name}` segment matches
    /// any non-empty segment; the template with the most literal segments wins), or nil when it
    /// matches none.
    public static func documentedMethods(forPath path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (literals: Int, methods: [String])?
        for (template, methods) in methodsByPath where template.count == segments.count {
            var literals = 0
            var matches = true
            for (pattern, segment) in zip(template, segments) {
                if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                    if segment.isEmpty { matches = false; break }
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
}
