public import Foundation
public import Ledger

/// Where and as whom installments write export bundles (docs/operations.md, "Public-records
/// exports"): the `/v1` installment routes and the request pages use the same settings.
public struct ExportSettings: Sendable {
    /// The directory bundles are written to and downloaded from (`RECORDKEEPER_EXPORT_DIR`,
    /// default `RECORDKEEPER_DATA_DIR/exports`, that is `./.recordkeeper/exports`); created,
    /// readable by the service's user only, when the first bundle is written.
    public var directory: URL
    /// The agency, as cover letters and transcripts name it (`RECORDKEEPER_AGENCY`).
    public var agency: String
    /// Whom a requester contacts about a request (`RECORDKEEPER_RECORDS_CONTACT`).
    public var contact: String
    /// The deployment's log name, for a checkpoint an export makes (`RECORDKEEPER_LOG_NAME`).
    public var logName: String

    public init(
        directory: URL, agency: String = "The agency", contact: String = "the agency's public records officer",
        logName: String = CheckpointOrigin.defaultLogName
    ) {
        self.directory = directory
        self.agency = agency
        self.contact = contact
        self.logName = logName
    }

    /// Reads `RECORDKEEPER_EXPORT_DIR` (or `RECORDKEEPER_DATA_DIR`), `RECORDKEEPER_AGENCY`,
    /// `RECORDKEEPER_RECORDS_CONTACT` and `RECORDKEEPER_LOG_NAME`, as `recordkeeper export` does.
    public static func fromEnvironment(_ environment: [String: String]) -> ExportSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let directory =
            value("RECORDKEEPER_EXPORT_DIR").map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? URL(fileURLWithPath: value("RECORDKEEPER_DATA_DIR") ?? ".recordkeeper", isDirectory: true).appendingPathComponent("exports", isDirectory: true)
        var settings = ExportSettings(directory: directory)
        if let agency = value("RECORDKEEPER_AGENCY") { settings.agency = agency }
        if let contact = value("RECORDKEEPER_RECORDS_CONTACT") { settings.contact = contact }
        if let logName = value("RECORDKEEPER_LOG_NAME") { settings.logName = logName }
        return settings
    }

    /// The export directory, created (mode 0700) when missing, and the log name checked.
    /// - Throws: ``ExportSettingsError/unavailable(_:)`` naming the setting to fix.
    public func preparedDirectory() throws(ExportSettingsError) -> URL {
        do {
            try CheckpointOrigin.validate(logName: logName)
        } catch {
            throw .unavailable("RECORDKEEPER_LOG_NAME=\(logName.prefix(80)) cannot name a checkpoint (\(error)): set a valid log name")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .unavailable("the export directory \(directory.path) is a file: set RECORDKEEPER_EXPORT_DIR to a directory")
            }
            return directory
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable("the export directory \(directory.path) cannot be created: set RECORDKEEPER_EXPORT_DIR to a directory the service may write")
        }
        return directory
    }
}

/// Why the export directory cannot be used; nothing was written.
public enum ExportSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory or the log name is unusable: the detail names the setting to fix.
    case unavailable(String)

    public var description: String {
        switch self {
        case .unavailable(let detail): detail
        }
    }
}
