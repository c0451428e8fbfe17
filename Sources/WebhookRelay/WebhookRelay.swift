public import Foundation
import WhatsApp

/// One configured webhook relay: deliveries naming one of ``phoneNumberIDs`` are re-sent to
/// ``url``, re-signed with the relay's secret (held apart: see ``WebhookRelayTarget``).
public struct WebhookRelay: Sendable, Hashable {
    /// `[a-z0-9][a-z0-9._-]{0,62}`: names the relay's stream `wa-relay/<name>`.
    public var name: String
    /// The business numbers (`metadata.phone_number_id`) whose deliveries are relayed, sorted.
    public var phoneNumberIDs: [String]
    /// The downstream webhook URL: `https`, or `http` to loopback only.
    public var url: String
    /// A disabled relay queues nothing new, and its queued deliveries wait.
    public var enabled: Bool
    public var createdAt: Date?
    public var updatedAt: Date?

    /// - Throws: ``WebhookRelayConfigError`` for a bad name, no or bad phone number ids, or a URL
    ///   that is not allowed.
    public init(name: String, phoneNumberIDs: [String], url: String, enabled: Bool = true, createdAt: Date? = nil, updatedAt: Date? = nil) throws {
        guard Self.isValidName(name) else { throw WebhookRelayConfigError.invalidName(name) }
        let numbers = Array(Set(phoneNumberIDs.map { $0.trimmingCharacters(in: .whitespaces) })).sorted()
        guard !numbers.isEmpty else { throw WebhookRelayConfigError.noPhoneNumberID }
        if let bad = numbers.first(where: { !Self.isValidPhoneNumberID($0) }) { throw WebhookRelayConfigError.invalidPhoneNumberID(bad) }
        do {
            try WebhookRelayClient.checkURL(url)
        } catch {
            throw WebhookRelayConfigError.invalidURL(error.description)
        }
        self.name = name
        self.phoneNumberIDs = numbers
        self.url = url
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether `name` can name a relay.
    public static func isValidName(_ name: String) -> Bool {
        name.range(of: "^[a-z0-9][a-z0-9._-]{0,62}$", options: .regularExpression) != nil
    }

    /// Meta's phone number ids are digits; anything of 1-64 letters, digits, `_`, `.`, `-` is accepted.
    static func isValidPhoneNumberID(_ id: String) -> Bool {
        id.range(of: "^[A-Za-z0-9._-]{1,64}$", options: .regularExpression) != nil
    }
}

/// A relay with its secret, unsealed: only ever held in memory.
public struct WebhookRelayTarget: Sendable {
    public var relay: WebhookRelay
    /// The downstream app's secret (what it verifies `X-Hub-Signature-256` with).
    let secret: String

    public init(relay: WebhookRelay, secret: String) {
        self.relay = relay
        self.secret = secret
    }
}

/// A relay setting that cannot be used.
public enum WebhookRelayConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case noPhoneNumberID
    case invalidPhoneNumberID(String)
    case invalidURL(String)
    case invalidSecret(String)
    case alreadyExists(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "relay name \(name.debugDescription.prefix(80)) is not allowed: use 1-63 of a-z 0-9 . _ - starting with a letter or digit"
        case .noPhoneNumberID:
            "a relay needs at least one --phone-number-id (Meta's phone number id of the business number)"
        case .invalidPhoneNumberID(let id):
            "phone number id \(id.debugDescription.prefix(80)) is not allowed: use 1-64 of A-Z a-z 0-9 . _ -"
        case .invalidURL(let reason):
            "the relay URL is not allowed: \(reason)"
        case .invalidSecret(let reason):
            "the relay secret is not usable: \(reason)"
        case .alreadyExists(let name):
            "a relay named \(name) exists already: use --replace to change it, or remove it first"
        case .notFound(let name):
            "there is no relay named \(name)"
        }
    }
}
