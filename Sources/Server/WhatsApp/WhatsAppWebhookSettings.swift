public import Access
import Foundation
import RecordkeeperCore
public import WhatsApp

/// How the WhatsApp webhook endpoint is configured (docs/operations.md, "WhatsApp").
public struct WhatsAppWebhookSettings: Sendable {
    /// `WHATSAPP_VERIFY_TOKEN`: answers Meta's subscription handshake; without it the handshake is refused.
    public var verifyToken: String?
    /// The app secrets deliveries are signed with (one per Meta app).
    public var secrets: [WebhookSignatureVerifier.AppSecret]
    /// The ledger WhatsApp events go to (`RECORDKEEPER_LEDGER`, default `main`).
    public var ledger: String
    /// The largest body read: Meta's 3 MB maximum plus a margin. Larger bodies get 413.
    public var maxBodyBytes: Int = 3 * 1024 * 1024 + 512 * 1024
    /// How long a delivery may wait for its commit before it is answered 503 (Meta retries).
    public var commitTimeout: Duration = .seconds(10)
    /// How many unauthenticated deliveries become `whatsapp.webhook.rejected` entries (per
    /// remote address and in all, per minute); the rest are counted in the next one recorded.
    public var rejectionBudget = RejectionBudget(perSource: 10, overall: 100)

    public init(verifyToken: String?, secrets: [WebhookSignatureVerifier.AppSecret], ledger: String = "main") {
        self.verifyToken = verifyToken
        self.secrets = secrets
        self.ledger = ledger
    }

    /// Reads `WHATSAPP_VERIFY_TOKEN` (or `WHATSAPP_VERIFY_TOKEN_FILE`), `WHATSAPP_APP_SECRET` (or
    /// `WHATSAPP_APP_SECRET_FILE`), `WHATSAPP_APP_SECRETS_FILE` (lines `app-name=secret`, for
    /// several Meta apps), `RECORDKEEPER_LEDGER` and `WHATSAPP_COMMIT_TIMEOUT` (seconds, default 10).
    ///
    /// - Returns: nil when no app secret is configured: the webhook routes are then not served.
    /// - Throws: ``SettingsError`` when a file cannot be read or a value is malformed.
    public static func fromEnvironment(_ env: [String: String]) throws -> WhatsAppWebhookSettings? {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        func secretValue(_ name: String) throws -> String? {
            if let direct = value(name) { return direct }
            guard let path = value(name + "_FILE") else { return nil }
            return try SecretSetting.read(path, variable: name + "_FILE").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var secrets: [WebhookSignatureVerifier.AppSecret] = []
        if let secret = try secretValue("WHATSAPP_APP_SECRET") {
            secrets.append(.init(app: "default", secret: secret))
        }
        if let path = value("WHATSAPP_APP_SECRETS_FILE") {
            let text = try SecretSetting.read(path, variable: "WHATSAPP_APP_SECRETS_FILE")
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex,
                    trimmed.index(after: equals) != trimmed.endIndex
                else {
                    throw SettingsError("WHATSAPP_APP_SECRETS_FILE line \(number + 1) is not app-name=secret")
                }
                let app = String(trimmed[..<equals]).trimmingCharacters(in: .whitespaces)
                guard app.range(of: "^[A-Za-z0-9._-]{1,64}$", options: .regularExpression) != nil else {
                    throw SettingsError("WHATSAPP_APP_SECRETS_FILE line \(number + 1): the app name must be 1-64 of A-Z a-z 0-9 . _ -")
                }
                secrets.append(.init(app: app, secret: String(trimmed[trimmed.index(after: equals)...])))
            }
        }
        guard !secrets.isEmpty else { return nil }
        var settings = WhatsAppWebhookSettings(verifyToken: try secretValue("WHATSAPP_VERIFY_TOKEN"), secrets: secrets)
        if let ledger = value("RECORDKEEPER_LEDGER") { settings.ledger = ledger }
        if let text = value("WHATSAPP_COMMIT_TIMEOUT") {
            guard let seconds = Double(text), seconds > 0, seconds <= 60 else {
                throw SettingsError("WHATSAPP_COMMIT_TIMEOUT must be a number of seconds in (0, 60], got \"\(text)\"")
            }
            settings.commitTimeout = .milliseconds(Int64(seconds * 1000))
        }
        return settings
    }
}
