import Foundation
import RecordkeeperCore
public import WhatsApp

/// Whether and how the media fetcher downloads media (docs/operations.md, "WhatsApp").
public enum MediaFetcherSettings {
    /// Reads `WHATSAPP_ACCESS_TOKEN` (or `WHATSAPP_ACCESS_TOKEN_FILE`), `WHATSAPP_GRAPH_URL` and
    /// `WHATSAPP_MEDIA_HOSTS` (comma-separated host names media may be downloaded from, with the
    /// token, besides the Graph API's own host; default `lookaside.fbsbx.com`).
    ///
    /// - Returns: nil when no access token is configured: media messages are then recorded, and
    ///   their media stay pending until a token is configured (within Meta's 7 days).
    /// - Throws: ``SettingsError`` for an unreadable file or an insecure or malformed URL.
    public static func fromEnvironment(_ env: [String: String]) throws -> GraphAPIConfiguration? {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        var token = value("WHATSAPP_ACCESS_TOKEN")
        if token == nil, let path = value("WHATSAPP_ACCESS_TOKEN_FILE") {
            token = try SecretSetting.read(path, variable: "WHATSAPP_ACCESS_TOKEN_FILE")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token else { return nil }
        do {
            let mediaHosts = value("WHATSAPP_MEDIA_HOSTS").map { $0.split(separator: ",").map(String.init) } ?? GraphAPIConfiguration.defaultMediaHosts
            return try GraphAPIConfiguration(
                baseURL: value("WHATSAPP_GRAPH_URL") ?? GraphAPIConfiguration.defaultBaseURL, accessToken: token, mediaHosts: mediaHosts)
        } catch {
            throw SettingsError("WHATSAPP_GRAPH_URL / WHATSAPP_ACCESS_TOKEN / WHATSAPP_MEDIA_HOSTS: \(error)")
        }
    }
}
