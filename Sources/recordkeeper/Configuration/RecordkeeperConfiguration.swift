import Checkpoints
import Foundation
import RecordkeeperCore
import Server
import WhatsApp
import Workers

/// Everything `serve` and `work` are configured with, read once from the environment (and the
/// files its `*_FILE` variables name) before anything starts: docs/operations.md,
/// "Configuration". Every variable that cannot be used is reported at once, so an operator fixes
/// them in one go.
struct RecordkeeperConfiguration {
    /// Where HTTP listens (`RECORDKEEPER_HTTP_HOST`, `RECORDKEEPER_HTTP_PORT`).
    var http: ServerConfiguration
    /// The WhatsApp webhook; nil without `WHATSAPP_APP_SECRET(S_FILE)`.
    var whatsApp: WhatsAppWebhookSettings?
    /// The API's ledger, bootstrap admin token and which workers run.
    var conversations: ConversationSettings
    /// Sign-in rules.
    var staff: StaffSettings
    /// Analytics and `/metrics`.
    var analytics: AnalyticsSettings
    /// The background workers: Graph API, sending, relay, checkpoints.
    var workers: WorkerSet.Settings
    /// Connections of the append path's own pool (`RECORDKEEPER_APPEND_CONNECTIONS`, default 4).
    var appendConnections: Int
    /// Connections of the key-lookup pool, reads whose plans are kept (`RECORDKEEPER_LOOKUP_CONNECTIONS`, default 8).
    var keyLookupConnections: Int
    /// `/healthz` fails once an append has waited this long (`RECORDKEEPER_APPEND_STALL_SECONDS`, default 60).
    var appendStallLimit: Duration

    /// Reads the configuration; `logName` is the checkpoint origin's log name (from the runtime).
    /// - Throws: ``SettingsError`` listing every variable that cannot be used.
    static func read(from env: [String: String], logName: String) throws -> RecordkeeperConfiguration {
        var problems: [String] = []
        func attempt<T>(_ read: () throws -> T) -> T? {
            do { return try read() } catch {
                problems.append("\(error)")
                return nil
            }
        }
        func number(_ name: String, default fallback: Int, in range: ClosedRange<Int> = 1...Int.max) -> Int {
            guard let text = env[name], !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                problems.append(
                    "\(name) must be a whole number from \(range.lowerBound)\(range.upperBound == .max ? " up" : " to \(range.upperBound)"), not \"\(text)\"")
                return fallback
            }
            return value
        }
        let http = ServerConfiguration(
            host: env["RECORDKEEPER_HTTP_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            port: number("RECORDKEEPER_HTTP_PORT", default: 8080, in: 0...65535))
        // The ledger is the conversations settings' (RECORDKEEPER_LEDGER): read once, there.
        let conversations = attempt { try ConversationSettings.fromEnvironment(env) } ?? ConversationSettings()
        var checkpoints = attempt { try CheckpointSettings.fromEnvironment(env) }
        checkpoints?.logName = logName
        let workers = WorkerSet.Settings(
            ledger: conversations.ledger, graph: attempt { try MediaFetcherSettings.fromEnvironment(env) } ?? nil,
            sending: attempt { try SendDispatcherSettings.fromEnvironment(env) } ?? SendDispatcherSettings(),
            relay: attempt { try WebhookRelaySettings.fromEnvironment(env) } ?? WebhookRelaySettings(), checkpoints: checkpoints,
            runClassifier: env["RECORDKEEPER_CLASSIFIER"] != "off", runRouter: env["RECORDKEEPER_ROUTER"] != "off")
        let configuration = RecordkeeperConfiguration(
            http: http, whatsApp: attempt { try WhatsAppWebhookSettings.fromEnvironment(env) } ?? nil, conversations: conversations,
            staff: attempt { try StaffSettings.fromEnvironment(env) } ?? StaffSettings(),
            analytics: attempt { try AnalyticsSettings.fromEnvironment(env) } ?? AnalyticsSettings(), workers: workers,
            appendConnections: number("RECORDKEEPER_APPEND_CONNECTIONS", default: 4),
            keyLookupConnections: number("RECORDKEEPER_LOOKUP_CONNECTIONS", default: 8),
            appendStallLimit: .seconds(number("RECORDKEEPER_APPEND_STALL_SECONDS", default: 60)))
        guard problems.isEmpty else {
            throw SettingsError(
                problems.count == 1 ? problems[0] : "\(problems.count) settings cannot be used:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        return configuration
    }
}
