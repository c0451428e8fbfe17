/// What an export wrote: the counts the cover letter states and the manifest's hash (for the
/// `export.produced` event).
public struct ExportSummary: Sendable, Hashable {
    /// The ledger the messages are proven against.
    public var ledger: String
    /// The checkpoint's tree size.
    public var checkpointSize: UInt64
    public var released = 0
    public var redacted = 0
    public var withheld = 0
    /// Redacted spans over all redacted messages.
    public var redactions = 0
    public var conversations = 0
    public var mediaIncluded = 0
    public var mediaWithheld = 0
    /// Files in the bundle, manifest.json and payloads included.
    public var files = 0
    /// The size of the `.tar.zst` file in bytes.
    public var bundleBytes: UInt64 = 0
    /// Lower-case hex SHA-256 of `manifest.json`.
    public var manifestSHA256 = ""

    /// Messages of every state.
    public var messages: Int { released + redacted + withheld }

    public init(ledger: String, checkpointSize: UInt64) {
        self.ledger = ledger
        self.checkpointSize = checkpointSize
    }
}
