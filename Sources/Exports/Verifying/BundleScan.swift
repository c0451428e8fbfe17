import Crypto
import Ledger

/// What one streaming read of a bundle keeps for ``BundleCheck``.
struct BundleContents {
    /// A member hashed as it passed: every member but `manifest.json` and those under `payloads/`.
    struct Member {
        var path: String
        var size: UInt64
        var sha256: String
    }

    /// The hashed members, in bundle order.
    var members: [Member] = []
    /// The bytes of each member under `payloads/` (nil when larger than any ledger payload), the
    /// first of each path; ``payloadCopies`` holds any later member of the same path.
    var payloads: [String: [UInt8]?] = [:]
    var payloadCopies: [(path: String, bytes: [UInt8]?)] = []
    /// Members read, `manifest.json` included.
    var memberCount = 0
    var checkpointText: String?
    var keysText: String?
    /// The lines of `messages.jsonl` in file order (nil: a line that is not a message object).
    var lines: [CheckedLine?] = []
    var sawManifest = false
    /// Lower-case hex SHA-256 of `manifest.json` (what `export.produced` records).
    var manifestSHA256: String?
    /// The manifest, or nil when it is malformed.
    var manifest: ExportManifest?
}

/// Reads a bundle's members as they stream past (``TarStreamReader``) into ``BundleContents``:
/// hashing each file, keeping payloads and the checkpoint, splitting `messages.jsonl` into lines
/// and `manifest.json` into message records, both parsed on other cores meanwhile
/// (``BackgroundBatches``).
struct BundleScan {
    /// The largest payload the ledger accepts (`LedgerLimits.maxPayloadBytes`); a larger member
    /// under `payloads/` cannot match a commitment and is not kept.
    static let payloadLimit = 64 << 20
    /// The largest checkpoint or key file kept.
    static let checkpointLimit = 1 << 20

    private enum Kind {
        case hashed
        case payload
        case manifest
    }

    private var contents = BundleContents()
    private var kind = Kind.hashed
    private var path = ""
    private var size: UInt64 = 0
    private var hasher = SHA256()
    private var keep: [UInt8]?
    private var keepLimit = 0
    private var line: [UInt8]?
    private let lines = BackgroundBatches<[UInt8], CheckedLine?>(transform: ManifestReader.line)
    private var records: BackgroundBatches<[UInt8], ExportManifest.MessageRecord?>?
    private var splitter: ManifestSplitter?

    mutating func begin(_ path: String, _ size: UInt64) {
        self.path = path
        self.size = size
        contents.memberCount += 1
        keep = nil
        line = nil
        if path == "manifest.json" {
            kind = .manifest
            hasher = SHA256()
            contents.sawManifest = true
            let records = BackgroundBatches<[UInt8], ExportManifest.MessageRecord?>(transform: ManifestReader.record)
            self.records = records
            splitter = ManifestSplitter { records.add($0) }
        } else if path.hasPrefix("payloads/") {
            kind = .payload
            if size <= UInt64(Self.payloadLimit) {
                keep = []
                keep!.reserveCapacity(Int(size))
                keepLimit = Self.payloadLimit
            }
        } else {
            kind = .hashed
            hasher = SHA256()
            if path == "checkpoint.txt" || path == "checkpoint.pub" {
                keep = []
                keepLimit = Self.checkpointLimit
            }
            if path == "messages.jsonl" { line = [] }
        }
    }

    mutating func data(_ piece: UnsafeRawBufferPointer) {
        switch kind {
        case .manifest:
            hasher.update(bufferPointer: piece)
            splitter!.feed(piece)
            return
        case .payload:
            break
        case .hashed:
            hasher.update(bufferPointer: piece)
        }
        if keep != nil, keep!.count + piece.count <= keepLimit { keep!.append(contentsOf: piece) }
        if line != nil {
            var rest = piece[...]
            while let newline = rest.firstIndex(of: 0x0A) {
                line!.append(contentsOf: rest[..<newline])
                endLine()
                rest = rest[(newline + 1)...]
            }
            line!.append(contentsOf: rest)
        }
    }

    private mutating func endLine() {
        if !line!.isEmpty { lines.add(line!) }
        line = []
    }

    mutating func end() {
        switch kind {
        case .manifest:
            contents.manifestSHA256 = Hex.encode(hasher.finalize())
        case .payload:
            let bytes = keep?.count == Int(size) ? keep : nil
            if contents.payloads[path] == nil {
                contents.payloads[path] = .some(bytes)
            } else {
                contents.payloadCopies.append((path, bytes))
            }
        case .hashed:
            if line != nil { endLine() }
            if path == "checkpoint.txt", let keep { contents.checkpointText = String(decoding: keep, as: UTF8.self) }
            if path == "checkpoint.pub", let keep { contents.keysText = String(decoding: keep, as: UTF8.self) }
            contents.members.append(.init(path: path, size: size, sha256: Hex.encode(hasher.finalize())))
        }
    }

    /// What was read, once the lines and records still being parsed are in (also after a failed read).
    mutating func finish() -> BundleContents {
        contents.lines = lines.results()
        if let splitter, let records = records?.results() {
            if splitter.complete {
                contents.manifest = ManifestReader.manifest(skeleton: splitter.skeleton, splitMessages: splitter.split ? records : nil)
            }
        }
        return contents
    }
}
