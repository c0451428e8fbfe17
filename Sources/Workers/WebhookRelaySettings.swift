import Foundation
import RecordkeeperCore
public import WebhookRelay

/// How the webhook relay runs (docs/operations.md, "Relaying webhooks to an existing app").
/// Relays themselves are configured with `recordkeeper relays add`, in the database.
public struct WebhookRelaySettings: Sendable {
    /// Whether deliveries are queued for relays and the relay service runs.
    public var enabled: Bool
    /// How often the relay configuration is read again (`RECORDKEEPER_RELAY_RELOAD`, seconds).
    public var reloadInterval: Duration
    /// The relay service's sleep between rounds when nothing wakes it.
    public var pollInterval: Duration
    /// Retries and the give-up horizon.
    public var policy: RelayRetryPolicy
    /// The limit for one POST downstream.
    public var requestTimeout: Duration

    public init(
        enabled: Bool = true, reloadInterval: Duration = .seconds(10), pollInterval: Duration = .seconds(5),
        policy: RelayRetryPolicy = RelayRetryPolicy(), requestTimeout: Duration = .seconds(15)
    ) {
        self.enabled = enabled
        self.reloadInterval = reloadInterval
        self.pollInterval = pollInterval
        self.policy = policy
        self.requestTimeout = requestTimeout
    }

    /// Reads `RECORDKEEPER_RELAY_RELOAD` (seconds, default 10) and `RECORDKEEPER_RELAY_TIMEOUT`
    /// (seconds, default 15).
    /// - Throws: ``SettingsError`` for a value that is not a positive number of seconds.
    public static func fromEnvironment(_ env: [String: String]) throws -> WebhookRelaySettings {
        var settings = WebhookRelaySettings()
        func seconds(_ name: String, max: Double) throws -> Duration? {
            guard let text = env[name], !text.isEmpty else { return nil }
            guard let value = Double(text), value > 0, value <= max else {
                throw SettingsError("\(name) must be a number of seconds in (0, \(Int(max))], got \"\(text)\"")
            }
            return .milliseconds(Int64(value * 1000))
        }
        if let reload = try seconds("RECORDKEEPER_RELAY_RELOAD", max: 3600) { settings.reloadInterval = reload }
        if let timeout = try seconds("RECORDKEEPER_RELAY_TIMEOUT", max: 300) { settings.requestTimeout = timeout }
        return settings
    }
}
