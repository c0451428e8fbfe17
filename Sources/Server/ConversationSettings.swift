import Foundation
import RecordkeeperCore

/// The conversations read API and the projections behind it.
public struct ConversationSettings: Sendable {
    /// The bearer token the `/v1/conversations` routes require (`RECORDKEEPER_ADMIN_TOKEN`);
    /// nil: the routes answer 503 `not_configured`.
    public var adminToken: String?
    /// The ledger WhatsApp events go to (`RECORDKEEPER_LEDGER`, default `main`).
    public var ledger: String
    /// Whether this process runs the projections (conversations, media) as a service.
    public var runProjections: Bool
    /// Whether this process runs the classifier (with the projections): `RECORDKEEPER_CLASSIFIER`
    /// `off` leaves automatic classification to another process.
    public var runClassifier: Bool
    /// Whether this process runs the inbox router (with the projections): `RECORDKEEPER_ROUTER`
    /// `off` leaves routing and automatic reopening to another process.
    public var runRouter: Bool

    public init(
        adminToken: String? = nil, ledger: String = "main", runProjections: Bool = true, runClassifier: Bool = true, runRouter: Bool = true
    ) {
        self.adminToken = adminToken
        self.ledger = ledger
        self.runProjections = runProjections
        self.runClassifier = runClassifier
        self.runRouter = runRouter
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
        return ConversationSettings(
            adminToken: token, ledger: nonEmpty("RECORDKEEPER_LEDGER") ?? "main", runClassifier: nonEmpty("RECORDKEEPER_CLASSIFIER") != "off",
            runRouter: nonEmpty("RECORDKEEPER_ROUTER") != "off")
    }
}
