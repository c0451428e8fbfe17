import Foundation

/// Where and how to reach Meta's Graph API: the versioned base URL, the access token and how
/// long requests may take.
///
/// Every remote connection uses TLS: a plain `http://` base URL is refused unless its host is
/// the loopback interface (a local test server or a sidecar proxy). The access token never
/// appears in `description`, logs or errors.
public struct GraphAPIConfiguration: Sendable, CustomStringConvertible {
    /// Meta's Graph API at the version this project is written against.
    public static let defaultBaseURL = "https://graph.facebook.com/v23.0"

    /// The versioned base URL without a trailing slash, e.g. `https://graph.facebook.com/v23.0`.
    public let baseURL: String
    /// The Graph root without the version, e.g. `https://graph.facebook.com`: the recording proxy
    /// forwards to `{rootURL}/{the client's version}/…`.
    public var rootURL: String { Self.split(baseURL).root }
    /// The version the base URL names, e.g. `v23.0` (``defaultVersion`` when it names none).
    public var version: String { Self.split(baseURL).version ?? Self.defaultVersion }
    /// The version this project is written against.
    public static let defaultVersion = "v23.0"
    /// The bearer token sent with every request (a system-user access token).
    let accessToken: GraphAccessToken
    /// How long a metadata request may take, from sending to the last byte of the answer.
    public var requestTimeout: Duration
    /// How long a media download may take, from sending to the last byte.
    public var downloadTimeout: Duration

    /// - Parameters:
    ///   - baseURL: the versioned Graph API base URL; `https://`, or `http://` on loopback only.
    ///   - accessToken: the access token; must not be empty.
    ///   - requestTimeout: the limit for one metadata request.
    ///   - downloadTimeout: the limit for one media download (media can be up to 100 MB).
    /// - Throws: ``GraphConfigurationError`` for an empty token, a URL that cannot be parsed, or a
    ///   plain-HTTP URL to a remote host.
    public init(
        baseURL: String = GraphAPIConfiguration.defaultBaseURL,
        accessToken: String,
        requestTimeout: Duration = .seconds(30),
        downloadTimeout: Duration = .seconds(120)
    ) throws(GraphConfigurationError) {
        guard !accessToken.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .missingAccessToken
        }
        var trimmed = baseURL.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        try TransportSecurity.check(trimmed, role: "Graph API base URL")
        self.baseURL = trimmed
        self.accessToken = GraphAccessToken(accessToken)
        self.requestTimeout = requestTimeout
        self.downloadTimeout = downloadTimeout
    }

    /// Splits `https://host/v23.0` into `https://host` and `v23.0`; a base URL whose last path
    /// segment is not a version (`v` and digits and dots) has no version.
    static func split(_ url: String) -> (root: String, version: String?) {
        guard let slash = url.lastIndex(of: "/"), url[..<slash].hasSuffix("/") == false else { return (url, nil) }
        let last = url[url.index(after: slash)...]
        let isVersion = last.count > 1 && last.first == "v" && last.dropFirst().allSatisfy { $0.isNumber || $0 == "." }
        guard isVersion, url[..<slash].contains("://") else { return (url, nil) }
        return (String(url[..<slash]), String(last))
    }

    public var description: String {
        "GraphAPIConfiguration(baseURL: \(baseURL), accessToken: <redacted>, requestTimeout: \(requestTimeout), downloadTimeout: \(downloadTimeout))"
    }
}

/// A Graph API setting that cannot be used.
public enum GraphConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No access token was configured.
    case missingAccessToken
    /// The URL (named by its role) cannot be parsed as an absolute http(s) URL.
    case invalidURL(role: String, url: String)
    /// The URL would send the token or media in clear text to a remote host.
    case insecureURL(role: String, host: String)

    public var description: String {
        switch self {
        case .missingAccessToken:
            "no Graph API access token is configured: set the WhatsApp system-user access token"
        case let .invalidURL(role, url):
            "the \(role) \(url) is not an absolute http(s) URL, e.g. \(GraphAPIConfiguration.defaultBaseURL)"
        case let .insecureURL(role, host):
            "the \(role) uses plain http:// to \(host): use https:// (plain http is allowed only to 127.0.0.1, ::1 or localhost)"
        }
    }
}

/// The access token, kept out of every description.
struct GraphAccessToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String
    init(_ value: String) { self.value = value }
    var authorizationHeader: String { "Bearer \(value)" }
    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
}
