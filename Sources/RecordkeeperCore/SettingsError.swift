import Foundation

/// A setting read from the environment or a file that cannot be used; the description names the
/// variable and what is wrong with it, for the operator to fix.
public struct SettingsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Secrets given as files (`*_FILE` variables), so they stay out of the process environment.
public enum SecretSetting {
    /// The text of the file at `path`, named by `variable`.
    /// - Throws: ``SettingsError`` naming `variable` and `path` when the file cannot be read as UTF-8.
    public static func read(_ path: String, variable: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SettingsError("\(variable): cannot read \(path)")
        }
        return text
    }
}
