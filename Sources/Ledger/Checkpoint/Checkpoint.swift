import Foundation

/// A ledger checkpoint: the C2SP `tlog-checkpoint` body that a signed note carries
/// (docs/ledger-format.md section 12.2).
///
/// ```
/// records.example.gov/ledgers/agency-main
/// 6
/// <base64 root hash>
/// recordkeeper-chain-head <hex entry hash at position 6>
/// recordkeeper-created 2026-11-25T16:40:00Z
/// ```
public struct Checkpoint: Hashable, Sendable {
    /// The first line: which log and ledger.
    public var origin: String
    /// The number of entries (leaves) the checkpoint covers: positions 1 … treeSize.
    public var treeSize: UInt64
    /// `MTH` of those entries' leaf hashes.
    public var rootHash: LedgerDigest
    /// The entry hash at position `treeSize` (genesis for an empty ledger), when present.
    public var chainHead: LedgerDigest?
    /// When the checkpoint was made, in whole seconds since the Unix epoch, when present.
    public var createdAt: Int64?
    /// Extension lines this version does not interpret, kept in order.
    public var otherExtensionLines: [String]

    static let chainHeadKeyword = "recordkeeper-chain-head"
    static let createdKeyword = "recordkeeper-created"

    public init(
        origin: String, treeSize: UInt64, rootHash: LedgerDigest, chainHead: LedgerDigest?,
        createdAt: Int64?, otherExtensionLines: [String] = []
    ) {
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.chainHead = chainHead
        self.createdAt = createdAt
        self.otherExtensionLines = otherExtensionLines
    }

    /// The body text, every line ending in `\n`: the bytes that are signed.
    public var body: String {
        var lines = [origin, String(treeSize), Data(rootHash.bytes).base64EncodedString()]
        if let chainHead { lines.append("\(Self.chainHeadKeyword) \(chainHead.hex)") }
        if let createdAt { lines.append("\(Self.createdKeyword) \(Self.formatTime(createdAt))") }
        lines.append(contentsOf: otherExtensionLines)
        return lines.map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint body (the text of a signed note).
    public init(parsingBody body: String) throws(CheckpointError) {
        guard body.hasSuffix("\n") else { throw .malformedBody("it does not end with a newline") }
        guard !body.contains("\r") else { throw .malformedBody("it contains a carriage return") }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { throw .malformedBody("it has fewer than three lines") }
        guard !lines[0].isEmpty else { throw .malformedBody("the origin line is empty") }
        let sizeText = lines[1]
        guard let size = UInt64(sizeText), sizeText == String(size) else {
            throw .malformedBody("the tree size \"\(sizeText)\" is not a decimal number without leading zeros")
        }
        guard let rootBytes = Data(base64Encoded: lines[2]), rootBytes.count == 32,
            rootBytes.base64EncodedString() == lines[2]
        else {
            throw .malformedBody("the root hash is not the base64 of 32 bytes")
        }
        var chainHead: LedgerDigest?
        var createdAt: Int64?
        var others: [String] = []
        for line in lines.dropFirst(3) {
            guard !line.isEmpty else { throw .malformedBody("it has an empty line") }
            if line.hasPrefix(Self.chainHeadKeyword + " ") {
                let hex = String(line.dropFirst(Self.chainHeadKeyword.count + 1))
                // Section 1: upper-case hex MUST be accepted when parsing (it is written lower case).
                guard chainHead == nil, let digest = try? LedgerDigest(hex: hex) else {
                    throw .malformedBody("bad \(Self.chainHeadKeyword) line")
                }
                chainHead = digest
            } else if line.hasPrefix(Self.createdKeyword + " ") {
                guard createdAt == nil, let seconds = Self.parseTime(String(line.dropFirst(Self.createdKeyword.count + 1))) else {
                    throw .malformedBody("bad \(Self.createdKeyword) line")
                }
                createdAt = seconds
            } else {
                others.append(line)
            }
        }
        self.init(
            origin: lines[0], treeSize: size, rootHash: LedgerDigest(unchecked: Array(rootBytes)),
            chainHead: chainHead, createdAt: createdAt, otherExtensionLines: others)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for whole seconds since the epoch (UTC).
    public static func formatTime(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func parseTime(_ text: String) -> Int64? {
        guard text.utf8.count == 20, text.hasSuffix("Z") else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return nil }
        return Int64(date.timeIntervalSince1970)
    }
}
