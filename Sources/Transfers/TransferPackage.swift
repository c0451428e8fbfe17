public import Foundation

/// What to put in a transfer package.
public struct TransferPackageOrder: Sendable {
    /// The transfer list, `DL-…`.
    public var list: String
    /// The directory the package `<list>.tar.zst` is written to.
    public var directory: URL
    /// The agency, as the transmittal letter and transcripts name it.
    public var agency: String
    /// The archives the records go to, e.g. `Washington State Archives`.
    public var archives: String
    /// Whom the archives contact about the transfer (an office).
    public var contact: String
    /// What the package provides, in the officer's words (default: a sentence with the counts).
    public var summary: String?
    /// The zstd level.
    public var compressionLevel: Int

    public init(
        list: String, directory: URL, agency: String, archives: String, contact: String, summary: String? = nil, compressionLevel: Int = 3
    ) {
        self.list = list
        self.directory = directory
        self.agency = agency
        self.archives = archives
        self.contact = contact
        self.summary = summary
        self.compressionLevel = compressionLevel
    }
}

/// A transfer package as produced or recorded (its `export.produced` entry).
public struct TransferPackage: Sendable, Hashable {
    public var list: String
    /// The file's name, `<list>.tar.zst`.
    public var file: String
    public var manifestSHA256: String
    public var bundleBytes: Int64
    public var records: Int
    public var messages: Int
    /// Media files included.
    public var media: Int
    /// The tree size of the checkpoint its proofs are for.
    public var checkpointSize: Int64
    /// Its `export.produced` entry.
    public var position: Int64
    public var producedAt: Date
    public var producedBy: String

    public init(
        list: String, file: String, manifestSHA256: String, bundleBytes: Int64, records: Int, messages: Int, media: Int, checkpointSize: Int64,
        position: Int64, producedAt: Date, producedBy: String
    ) {
        self.list = list
        self.file = file
        self.manifestSHA256 = manifestSHA256
        self.bundleBytes = bundleBytes
        self.records = records
        self.messages = messages
        self.media = media
        self.checkpointSize = checkpointSize
        self.position = position
        self.producedAt = producedAt
        self.producedBy = producedBy
    }
}

extension TransferPackage {
    /// The package as the CLI's `--json` prints it (`path`: where it was written, when known).
    public func json(path: String?) -> [String: Any] {
        var object: [String: Any] = [
            "list": list, "file": file, "manifest_sha256": manifestSHA256, "bundle_bytes": bundleBytes, "records": records, "messages": messages,
            "media": media, "checkpoint_size": checkpointSize, "position": position, "produced_at": ISO8601DateFormatter().string(from: producedAt),
            "produced_by": producedBy,
        ]
        if let path { object["path"] = path }
        return object
    }
}
