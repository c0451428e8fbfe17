import Foundation
import RecordkeeperCore

/// The conversations read API: the bootstrap token and the ledger.
public struct ConversationSettings: Sendable {
    /// The bearer token the `/v1/conversations` routes require (`RECORDKEEPER_ADMIN_TOKEN`);
    /// nil: the routes answer 503 `not_configured`.
    public var adminToken: String?
    /// The ledger WhatsApp events go to (`RECORDKEEPER_LEDGER`, default `main`).
    public var ledger: String
    public init(adminToken: String? = nil, ledger: String = "main") {
        self.adminToken = adminToken
        self.ledger = ledger
    }

    /// Reads `RECORDKEEPER_ADMIN_TOKEN` (or `RECORDKEEPER_ADMIN_TOKEN_FILE`) and `RECORDKEEPER_LEDGER`.
    /// - Throws: ``SettingsError`` when the token file cannot be read.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ConversationSettings {
        let nonEmpty = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var token = nonEmpty("RECORDKEEPER_ADMIN_TOKEN")
        if token == nil, let path = nonEmpty("RECORDKEEPER_ADMIN_TOKEN_FILE") {
            token = try SecretSetting.read(path, variable: "RECORDKEEPER_ADMIN_TOKEN_FILE")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ConversationSettings(adminToken: token, ledger: nonEmpty("RECORDKEEPER_LEDGER") ?? "main")
    }
}
