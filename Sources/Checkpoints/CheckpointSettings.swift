public import Foundation
import RecordkeeperCore

/// When checkpoints are made and where they are delivered (docs/ledger-format.md section 12.5).
public struct CheckpointSettings: Sendable {
    /// Make a checkpoint once a ledger grew by this many entries since its last one.
    public var everyEntries: Int64 = 10_000
    /// Make a checkpoint of a ledger that grew at least this often.
    public var interval: Duration = .seconds(300)
    /// The deployment's log name (origins are `<logName>/ledgers/<ledger>`).
    public var logName: String = "recordkeeper.localhost"
    /// An append-only directory sink.
    public var directory: URL?
    /// An HTTP POST sink (a witness or a publication page).
    public var postURL: URL?
    /// An RFC 3161 Time-Stamp Authority.
    public var tsaURL: URL?
    /// CA certificates (PEM) that `verify` trusts for timestamp tokens.
    public var tsaCAFile: String?

    public init() {}

    /// Reads `RECORDKEEPER_CHECKPOINT_ENTRIES`, `RECORDKEEPER_CHECKPOINT_INTERVAL` (seconds),
    /// `RECORDKEEPER_LOG_NAME`, `RECORDKEEPER_CHECKPOINT_DIR`, `RECORDKEEPER_CHECKPOINT_POST_URL`,
    /// `RECORDKEEPER_TSA_URL` and `RECORDKEEPER_TSA_CA_FILE`.
    ///
    /// Remote URLs must use https; plain http is accepted only for loopback addresses.
    public static func fromEnvironment(_ env: [String: String]) throws -> CheckpointSettings {
        var settings = CheckpointSettings()
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let text = value("RECORDKEEPER_CHECKPOINT_ENTRIES") {
            guard let entries = Int64(text), entries >= 1 else {
                throw SettingsError("RECORDKEEPER_CHECKPOINT_ENTRIES must be a whole number ≥ 1, got \"\(text)\"")
            }
            settings.everyEntries = entries
        }
        if let text = value("RECORDKEEPER_CHECKPOINT_INTERVAL") {
            guard let seconds = Double(text), seconds > 0 else {
                throw SettingsError("RECORDKEEPER_CHECKPOINT_INTERVAL must be a number of seconds > 0, got \"\(text)\"")
            }
            settings.interval = .milliseconds(Int64(seconds * 1000))
        }
        if let name = value("RECORDKEEPER_LOG_NAME") { settings.logName = name }
        if let dir = value("RECORDKEEPER_CHECKPOINT_DIR") { settings.directory = URL(fileURLWithPath: dir) }
        settings.postURL = try value("RECORDKEEPER_CHECKPOINT_POST_URL").map { try secureURL($0, variable: "RECORDKEEPER_CHECKPOINT_POST_URL") }
        settings.tsaURL = try value("RECORDKEEPER_TSA_URL").map { try secureURL($0, variable: "RECORDKEEPER_TSA_URL") }
        settings.tsaCAFile = value("RECORDKEEPER_TSA_CA_FILE")
        return settings
    }

    static func secureURL(_ text: String, variable: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw SettingsError("\(variable) is not a URL: \(text)")
        }
        let loopback = host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw SettingsError("\(variable) must use https (plain http only to a loopback address): \(text)")
        }
        return url
    }
}
