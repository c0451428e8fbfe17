import RecordkeeperCore

/// Staff sign-in settings (docs/operations.md, "Staff and access").
public struct StaffSettings: Sendable {
    /// Refuse browser sign-in to accounts without a TOTP second factor
    /// (`RECORDKEEPER_REQUIRE_MFA`, default on; `off` only for a trial on loopback).
    public var requireMFA: Bool
    /// How long a browser session lasts (`RECORDKEEPER_SESSION_HOURS`, default 12).
    public var sessionLifetime: Duration

    public init(requireMFA: Bool = true, sessionLifetime: Duration = .seconds(12 * 3600)) {
        self.requireMFA = requireMFA
        self.sessionLifetime = sessionLifetime
    }

    /// Reads `RECORDKEEPER_REQUIRE_MFA` and `RECORDKEEPER_SESSION_HOURS`.
    /// - Throws: ``SettingsError`` for a value that is not understood.
    public static func fromEnvironment(_ environment: [String: String]) throws -> StaffSettings {
        var settings = StaffSettings()
        if let text = environment["RECORDKEEPER_REQUIRE_MFA"], !text.isEmpty {
            switch text.lowercased() {
            case "on", "true", "1", "yes": settings.requireMFA = true
            case "off", "false", "0", "no": settings.requireMFA = false
            default: throw SettingsError("RECORDKEEPER_REQUIRE_MFA=\(text) is not understood: use on or off")
            }
        }
        if let text = environment["RECORDKEEPER_SESSION_HOURS"], !text.isEmpty {
            guard let hours = Int(text), (1...168).contains(hours) else {
                throw SettingsError("RECORDKEEPER_SESSION_HOURS=\(text) is not understood: use a whole number of hours from 1 to 168")
            }
            settings.sessionLifetime = .seconds(hours * 3600)
        }
        return settings
    }
}
