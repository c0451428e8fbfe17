import Foundation
import NIOSSL
public import PostgresNIO

/// A PostgreSQL connection URL (`postgres://user:password@host:port/database?sslmode=…`),
/// parsed into a PostgresNIO client configuration.
///
/// Supported query parameters: `sslmode` (`disable`, `prefer`, `require`, `verify-ca`,
/// `verify-full`), `sslrootcert` (a PEM file of trusted roots), and `host` (a unix-socket
/// directory, as libpq accepts). Remote hosts must use TLS: the default for a host that is not
/// loopback or a socket is `verify-full`, and `disable`/`prefer` are refused for them.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public var username: String
    public var password: String?
    public var host: String?
    public var port: Int
    public var unixSocketDirectory: String?
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCertificate: String?

    /// libpq's `sslmode` values.
    public enum SSLMode: String, Sendable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Parses a URL.
    /// - Throws: ``DatabaseURLError`` with a message that says what is wrong (never the password).
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw DatabaseURLError("a database URL must look like postgres://user:password@host:5432/database") }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw DatabaseURLError("the database URL names no user")
        }
        username = user
        password = components.percentEncodedPassword?.removingPercentEncoding
        var host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        if let h = host, h.hasPrefix("["), h.hasSuffix("]") { host = String(h.dropFirst().dropLast()) }
        port = components.port ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty else { throw DatabaseURLError("the database URL names no database") }
        database = path.removingPercentEncoding ?? path
        var mode: SSLMode?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = SSLMode(rawValue: value) else {
                    throw DatabaseURLError("sslmode must be one of disable, prefer, require, verify-ca, verify-full")
                }
                mode = parsed
            case "sslrootcert":
                sslRootCertificate = item.value
            case "host":
                if let value = item.value, value.hasPrefix("/") { unixSocketDirectory = value } else { host = item.value }
            default:
                throw DatabaseURLError("unsupported database URL parameter '\(item.name)'")
            }
        }
        self.host = host
        if unixSocketDirectory == nil && host == nil {
            throw DatabaseURLError("the database URL names no host (use ?host=/socket/dir for a unix socket)")
        }
        let local = unixSocketDirectory != nil || Self.isLoopback(host ?? "")
        sslMode = mode ?? (local ? .disable : .verifyFull)
        if !local && (sslMode == .disable || sslMode == .prefer) {
            throw DatabaseURLError(
                "connections to a remote database must use TLS: use sslmode=require, verify-ca or verify-full for host '\(host ?? "")'"
            )
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The PostgresNIO configuration for this URL.
    public func clientConfiguration(maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = unixSocketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database
            )
        } else {
            configuration = .init(host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: try tls())
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private func tls() throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let root = sslRootCertificate {
            tls.trustRoots = .file(root)
        }
        switch sslMode {
        case .disable: return .disable
        case .prefer: return .prefer(tls)
        case .require:
            tls.certificateVerification = .none
            return .require(tls)
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            return .require(tls)
        }
    }

    /// The URL with the password hidden, safe for logs.
    public var description: String {
        let location = unixSocketDirectory.map { "socket \($0)" } ?? "\(host ?? ""):\(port)"
        return "postgres://\(username)@\(location)/\(database) (sslmode=\(sslMode.rawValue))"
    }
}

/// A database URL that cannot be used.
public struct DatabaseURLError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
