/// The export bundle format this module writes and verifies (docs/export-format.md).
public enum ExportFormat {
    /// The `format` member of `manifest.json`.
    public static let name = "recordkeeper-export"
    /// The `format_version` member of `manifest.json`.
    public static let version = 1
}
