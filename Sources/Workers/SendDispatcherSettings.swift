import Foundation
public import Messaging
import RecordkeeperCore

/// How the dispatcher sends (docs/operations.md, "Sending messages").
public struct SendDispatcherSettings: Sendable, Equatable {
    /// How long an attempt keeps its claim: after a crash, the request is not attempted again
    /// before this (`WHATSAPP_SEND_CLAIM_SECONDS`, default 120).
    public var claimHold: Duration
    /// Retries and backoff (`WHATSAPP_SEND_MAX_ATTEMPTS`, default 8).
    public var policy: SendRetryPolicy

    public init(claimHold: Duration = .seconds(120), policy: SendRetryPolicy = SendRetryPolicy()) {
        self.claimHold = claimHold
        self.policy = policy
    }

    /// Reads `WHATSAPP_SEND_CLAIM_SECONDS` and `WHATSAPP_SEND_MAX_ATTEMPTS`.
    /// - Throws: ``SettingsError`` for a value that is not a whole number in range.
    public static func fromEnvironment(_ env: [String: String]) throws -> SendDispatcherSettings {
        var settings = SendDispatcherSettings()
        if let hold = try integer(env, "WHATSAPP_SEND_CLAIM_SECONDS", in: 5...3600) { settings.claimHold = .seconds(hold) }
        if let attempts = try integer(env, "WHATSAPP_SEND_MAX_ATTEMPTS", in: 1...50) { settings.policy.maxAttempts = attempts }
        return settings
    }

    private static func integer(_ env: [String: String], _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = env[name], !text.isEmpty else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw SettingsError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }
}
