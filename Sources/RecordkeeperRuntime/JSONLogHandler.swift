import Foundation
public import Logging
import RecordkeeperCore

/// A swift-log handler that writes one JSON object per line to standard error:
/// `{"ts":"…","level":"info","logger":"recordkeeper","msg":"…", …metadata}`.
///
/// Structured lines are what log shippers (journald, Loki, CloudWatch) index. Values are logged
/// as given: never pass secrets as metadata.
public struct JSONLogHandler: LogHandler {
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    /// The least severe level written.
    public var logLevel: Logger.Level = .info
    private let label: String

    /// A handler whose lines name `label` as their logger.
    public init(label: String) {
        self.label = label
    }

    /// One metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `event` as one JSON line on standard error.
    public func log(event: LogEvent) {
        var object: [String: JSONValue] = [
            "ts": .string(Self.timestampStyle.format(Date())),
            "level": .string(event.level.rawValue),
            "logger": .string(label),
            "msg": .string(event.message.description),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged where object[key] == nil {
            object[key] = Self.plain(value)
        }
        if event.level >= .error {
            object["source"] = .string("\(event.file.split(separator: "/").last ?? ""):\(event.line)")
        }
        // Sorted keys, unescaped slashes: the same text JSONSerialization wrote, without its
        // per-line cost (a profile of `bench ingest` found a third of the CPU in logging).
        guard var line = try? JSONValue.object(object).encoded() else { return }
        line.append(0x0A)
        FileHandle.standardError.write(Data(line))
    }

    private static func plain(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let values): .array(values.map(plain))
        case .dictionary(let dict): .object(dict.mapValues(plain))
        }
    }

    /// `2026-12-07T07:18:19.861Z`. A format style is a value, made once: creating an
    /// `ISO8601DateFormatter` for every line cost more than the rest of the line.
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
