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
    /// Meta's media download hosts by default: the only hosts besides the Graph API's own that
    /// are sent the access token.
    public static let defaultMediaHosts = ["lookaside.fbsbx.com"]
    /// The hosts a media download URL (from a webhook or the media metadata) may name: each
    /// entry matches that host and its subdomains, over `https` only. The Graph base URL's own
    /// origin (scheme, host and port) is always allowed as well. See ``allowsMediaDownload(from:)``.
    public let mediaHosts: [String]

    /// - Parameters:
    ///   - baseURL: the versioned Graph API base URL; `https://`, or `http://` on loopback only.
    ///   - accessToken: the access token; must not be empty.
    ///   - requestTimeout: the limit for one metadata request.
    ///   - downloadTimeout: the limit for one media download (media can be up to 100 MB).
    ///   - mediaHosts: the hosts media may be downloaded from (with the token), besides the Graph
    ///     base URL's origin; ``defaultMediaHosts`` unless given.
    /// - Throws: ``GraphConfigurationError`` for an empty token, a URL that cannot be parsed, a
    ///   plain-HTTP URL to a remote host, or a media host that is not a host name.
    public init(
        baseURL: String = GraphAPIConfiguration.defaultBaseURL,
        accessToken: String,
        requestTimeout: Duration = .seconds(30),
        downloadTimeout: Duration = .seconds(120),
        mediaHosts: [String] = GraphAPIConfiguration.defaultMediaHosts
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
        var hosts: [String] = []
        for entry in mediaHosts {
            let host = entry.trimmingCharacters(in: .whitespaces).lowercased()
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }),
                !host.hasPrefix("."), !host.hasSuffix("."), host.contains(".")
            else {
                throw .invalidMediaHost(entry)
            }
            hosts.append(host)
        }
        self.mediaHosts = hosts
    }

    /// Whether the access token may be sent to `url` to download media: an `https` URL whose
    /// host is one of ``mediaHosts`` or a subdomain of one, or a URL on the Graph base URL's own
    /// origin (same scheme, host and port: this is how a plain-http loopback Graph server, as
    /// in tests, is allowed, and nothing else on that loopback host is).
    public func allowsMediaDownload(from url: String) -> Bool {
        guard let target = Self.origin(url) else { return false }
        if let graph = Self.origin(baseURL), graph == target { return true }
        guard target.scheme == "https" else { return false }
        return mediaHosts.contains { target.host == $0 || target.host.hasSuffix("." + $0) }
    }

    /// Scheme, host (lowercased, without brackets) and port (the scheme's default when absent).
    static func origin(_ url: String) -> (scheme: String, host: String, port: Int)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty
        else { return nil }
        let port: Int
        switch (components.port, scheme) {
        case let (explicit?, _): port = explicit
        case (nil, "https"): port = 443
        case (nil, "http"): port = 80
        default: return nil
        }
        return (scheme, host, port)
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
        "GraphAPIConfiguration(baseURL: \(baseURL), accessToken: <redacted>, requestTimeout: \(requestTimeout), downloadTimeout: \(downloadTimeout), "
            + "mediaHosts: \(mediaHosts.joined(separator: ","))"
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
    /// A media download host entry is not a host name (e.g. `lookaside.fbsbx.com`).
    case invalidMediaHost(String)

    public var description: String {
        switch self {
        case .missingAccessToken:
            "no Graph API access token is configured: set the WhatsApp system-user access token"
        case let .invalidURL(role, url):
            "the \(role) \(url) is not an absolute http(s) URL, e.g. \(GraphAPIConfiguration.defaultBaseURL)"
        case let .insecureURL(role, host):
            "the \(role) uses plain http:// to \(host): use https:// (plain http is allowed only to 127.0.0.1, ::1 or localhost)"
        case let .invalidMediaHost(entry):
            "the media download host \(entry.debugDescription) is not a host name: list host names such as lookaside.fbsbx.com, separated by commas"
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
