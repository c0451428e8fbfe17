import Foundation

/// The rule for every URL the Graph client connects to: `https`, or `http` to loopback only.
enum TransportSecurity {
    /// - Throws: ``GraphConfigurationError/invalidURL(role:url:)`` or
    ///   ``GraphConfigurationError/insecureURL(role:host:)``.
    static func check(_ url: String, role: String) throws(GraphConfigurationError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw .invalidURL(role: role, url: redacted(url))
        }
        switch scheme {
        case "https":
            return
        case "http":
            guard isLoopback(host) else { throw .insecureURL(role: role, host: host) }
        default:
            throw .invalidURL(role: role, url: redacted(url))
        }
    }

    /// `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The URL without its query (lookaside URLs carry signed parameters), for messages.
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "<unparseable URL>"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)\(components.path)" + (components.query == nil ? "" : "?…")
    }
}
