public import Ledger

/// An integration: an agency system that sends through the recording proxy with its own token.
public struct Integration: Sendable, Equatable {
    /// The row id (`integrations.id`): a name can be revoked and added again, each with a new row.
    public var rowID: Int64
    /// E.g. `notification-bot`: lower-case letters, digits, `.`, `_`, `-`; at most 63 characters.
    public var name: String
    /// The first 8 bytes of the token's SHA-256 in hex: names the token without revealing it.
    public var tokenID: String
    public var createdAt: LedgerTimestamp
    /// When the token stopped opening the proxy; nil while active.
    public var revokedAt: LedgerTimestamp?

    public init(rowID: Int64, name: String, tokenID: String, createdAt: LedgerTimestamp, revokedAt: LedgerTimestamp?) {
        self.rowID = rowID
        self.name = name
        self.tokenID = tokenID
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the token still opens the proxy.
    public var isActive: Bool { revokedAt == nil }

    /// Whether `name` can name an integration: 1 to 63 characters, lower-case letters and digits,
    /// then also `.`, `_` or `-`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63, isLowerAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Why an integration could not be added, revoked or listed.
public enum IntegrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name breaks the naming rule.
    case invalidName(String)
    /// An active integration already has this name.
    case alreadyExists(String)
    /// No integration (active or revoked) has this name.
    case notFound(String)
    /// The integration row was written but its ledger event could not be (the reason follows).
    case notRecorded(name: String, action: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidName(name):
            "\(name.debugDescription.prefix(80)) is not a valid integration name: use 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
        case let .alreadyExists(name):
            "an active integration named \(name) exists: revoke it first (`recordkeeper integrations revoke \(name)`) or choose another name"
        case let .notFound(name):
            "no integration is named \(name): `recordkeeper integrations list` shows them"
        case let .notRecorded(name, action, reason):
            "the integration \(name) was \(action), but the ledger event could not be appended (\(reason))"
                + (action == "added"
                    ? ": it was revoked again and its token was not shown; run the command again"
                    : ": the revocation stands; run `recordkeeper integrations revoke \(name)` again to record it")
        }
    }
}
